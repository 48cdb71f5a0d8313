import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createConfluentSchemaRegistry,
  createMetricDecoder,
  defaultSchemaCatalog,
  METRIC_ERROR_CLASSES,
  malformedMetricSamples,
  unknownSchemaIdRecord,
} from '../../src/codec/index.js';
import { type FakeRegistry, startFakeRegistry } from './fake-registry.js';

let fake: FakeRegistry;
beforeAll(async () => {
  fake = await startFakeRegistry();
});
afterAll(async () => {
  await fake.close();
});

describe('malformedMetricSamples', () => {
  const samples = malformedMetricSamples();

  it('covers every error class that does not depend on a registry', () => {
    const registryDependent = new Set(['registry-not-configured', 'unknown-schema-id']);
    expect(new Set(samples.map((s) => s.errorClass))).toEqual(
      new Set(METRIC_ERROR_CLASSES.filter((c) => !registryDependent.has(c))),
    );
  });

  it('is deterministic', () => {
    expect(malformedMetricSamples()).toEqual(samples);
  });

  it.each(samples.map((s) => [s.errorClass, s.description, s] as const))('%s: %s', async (_c, _d, sample) => {
    // Same class with and without a registry.
    const catalog = defaultSchemaCatalog();
    for (const decoder of [
      createMetricDecoder({ catalog }),
      createMetricDecoder({
        catalog,
        registry: createConfluentSchemaRegistry({ host: fake.url, retries: 0 }),
      }),
    ]) {
      const result = await decoder.decode(sample.value);
      expect(result).toMatchObject({ ok: false, error: { errorClass: sample.errorClass } });
    }
  });

  it('builds unknown-schema-id records: 00 + id + body', async () => {
    const record = unknownSchemaIdRecord();
    expect(record.subarray(0, 5).toString('hex')).toBe('00000f423f');
    const catalog = defaultSchemaCatalog();
    expect(await createMetricDecoder({ catalog }).decode(record)).toMatchObject({
      ok: false,
      error: { errorClass: 'registry-not-configured' },
    });
    const registry = createConfluentSchemaRegistry({ host: fake.url, retries: 0 });
    expect(await createMetricDecoder({ catalog, registry }).decode(record)).toMatchObject({
      ok: false,
      error: { errorClass: 'unknown-schema-id' },
    });
  });
});
