import avro from 'avsc';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createConfluentSchemaRegistry,
  createEventEncoder,
  createMetricDecoder,
  encodeConfluentFrame,
  encodeMetricPointJson,
  encodeSingleObject,
  loadSchemaCatalog,
  METRIC_ERROR_CLASSES,
  METRIC_ERROR_CODES,
  type MetricErrorClass,
  type SchemaRegistryPort,
  SINGLE_OBJECT_MAGIC,
  unknownSchemaIdRecord,
} from '../../src/codec/index.js';
import { validMetricPoint } from './arbitraries.js';
import { type FakeRegistry, startFakeRegistry } from './fake-registry.js';

const catalog = loadSchemaCatalog();
const metric = catalog.get('MetricPoint');
const T = 1_700_000_000_000;
const good = { series: 'cpu', timestampMs: T, value: 1.5, labels: { host: 'a' } };

let fake: FakeRegistry;
let registry: SchemaRegistryPort;
beforeAll(async () => {
  fake = await startFakeRegistry();
  registry = createConfluentSchemaRegistry({ host: fake.url, retries: 0 });
});
afterAll(async () => {
  await fake.close();
});

describe('metric decoder round trips', () => {
  const decoder = () => createMetricDecoder({ catalog, registry });

  it('JSON', async () => {
    const d = decoder();
    await fc.assert(
      fc.asyncProperty(validMetricPoint, async (point) => {
        expect(await d.decode(encodeMetricPointJson(point))).toEqual({ ok: true, point, encoding: 'json' });
      }),
    );
  });

  it('Avro single-object', async () => {
    const d = decoder();
    await fc.assert(
      fc.asyncProperty(validMetricPoint, async (point) => {
        expect(await d.decode(encodeSingleObject(metric, point))).toEqual({
          ok: true,
          point,
          encoding: 'single-object',
        });
      }),
    );
  });

  it('Avro Confluent wire format through a registry', async () => {
    const d = decoder();
    const encoder = createEventEncoder({ catalog, registry });
    await fc.assert(
      fc.asyncProperty(validMetricPoint, async (point) => {
        const bytes = await encoder.encode('metrics', 'MetricPoint', point);
        expect(bytes[0]).toBe(0);
        expect(await d.decode(bytes)).toEqual({ ok: true, point, encoding: 'confluent' });
      }),
      { numRuns: 50 },
    );
  });

  it('accepts leading JSON whitespace and the timestamp alias', async () => {
    const bytes = Buffer.from(' \n\t{"series":"cpu","timestamp":"2023-11-14T22:13:20Z","value":2}', 'utf8');
    expect(await decoder().decode(bytes)).toEqual({
      ok: true,
      point: { series: 'cpu', timestampMs: T, value: 2, labels: {} },
      encoding: 'json',
    });
  });

  it('reads an evolved writer schema through schema resolution', async () => {
    const v2 = JSON.parse(metric.schemaJson) as { fields: unknown[] };
    v2.fields.push({ name: 'unit', type: 'string', default: '', doc: 'unit' });
    const id = fake.add('evolved-value', JSON.stringify(v2));
    const body = avro.Type.forSchema(v2 as never).toBuffer({ ...good, unit: 'ms' });
    expect(await decoder().decode(encodeConfluentFrame(id, body))).toEqual({
      ok: true,
      point: good,
      encoding: 'confluent',
    });
  });
});

describe('metric decoder error classes', () => {
  const incompatibleWriter = JSON.stringify({
    type: 'record',
    name: 'MetricPoint',
    namespace: 'vigil',
    fields: [{ name: 'series', type: 'int' }],
  });

  // One crafted record per class; `mentions` must appear in the message (the field or the problem).
  const cases: Array<{
    errorClass: MetricErrorClass;
    value: () => Buffer | null;
    mentions: string;
    noRegistry?: boolean;
  }> = [
    { errorClass: 'empty-record', value: () => null, mentions: 'empty' },
    { errorClass: 'wrong-magic-byte', value: () => Buffer.from('cpu 1.5 1700000000'), mentions: '0x63' },
    {
      errorClass: 'registry-not-configured',
      value: () => unknownSchemaIdRecord(),
      mentions: 'no schema registry',
      noRegistry: true,
    },
    { errorClass: 'unknown-schema-id', value: () => unknownSchemaIdRecord(), mentions: '999999' },
    {
      errorClass: 'unknown-fingerprint',
      value: () => Buffer.concat([SINGLE_OBJECT_MAGIC, Buffer.alloc(8, 0xab), metric.type.toBuffer(good)]),
      mentions: '0xabababababababab',
    },
    {
      errorClass: 'incompatible-schema',
      value: () => encodeConfluentFrame(fake.add('bad-value', incompatibleWriter), Buffer.from([0x02])),
      mentions: 'vigil.MetricPoint',
    },
    {
      errorClass: 'truncated',
      value: () => encodeSingleObject(metric, good).subarray(0, 14),
      mentions: 'ends early',
    },
    {
      errorClass: 'malformed-avro',
      value: () => Buffer.concat([encodeSingleObject(metric, good), Buffer.from([1, 2, 3])]),
      mentions: 'trailing',
    },
    { errorClass: 'malformed-json', value: () => Buffer.from('{"series":'), mentions: 'invalid JSON' },
    {
      errorClass: 'wrong-type',
      value: () => Buffer.from(`{"series":"cpu","timestampMs":${T},"value":"1.5"}`),
      mentions: '"value": expected a number',
    },
    {
      errorClass: 'missing-field',
      value: () => Buffer.from(`{"timestampMs":${T},"value":1.5}`),
      mentions: '"series"',
    },
    {
      errorClass: 'non-finite-value',
      value: () => Buffer.from(`{"series":"cpu","timestampMs":${T},"value":1e400}`),
      mentions: '"value"',
    },
    {
      errorClass: 'timestamp-out-of-range',
      value: () => encodeSingleObject(metric, { ...good, timestampMs: 1_700_000_000 }),
      mentions: '"timestampMs"',
    },
    {
      errorClass: 'labels-too-large',
      value: () => encodeSingleObject(metric, { ...good, labels: { k: 'v'.repeat(2000) } }),
      mentions: '"labels.k"',
    },
    {
      errorClass: 'series-too-long',
      value: () => encodeSingleObject(metric, { ...good, series: 's'.repeat(600) }),
      mentions: '"series"',
    },
  ];

  it('has a case for every error class', () => {
    expect(new Set(cases.map((c) => c.errorClass))).toEqual(new Set(METRIC_ERROR_CLASSES));
  });

  it.each(cases)('$errorClass', async ({ errorClass, value, mentions, noRegistry }) => {
    const decoder = createMetricDecoder(noRegistry ? { catalog } : { catalog, registry });
    const result = await decoder.decode(value());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.errorClass).toBe(errorClass);
    expect(result.error.code).toBe(METRIC_ERROR_CODES[errorClass]);
    expect(result.error.code).toMatch(/^VIGIL_ERR_CODEC_[A-Z_]+$/);
    expect(result.error.message).toContain(mentions);
  });

  it('treats a zero-length buffer like null', async () => {
    const result = await createMetricDecoder({ catalog }).decode(Buffer.alloc(0));
    expect(result).toMatchObject({ ok: false, error: { errorClass: 'empty-record' } });
  });

  it('rejects invalid limits eagerly', () => {
    expect(() => createMetricDecoder({ catalog, limits: { maxSeriesLength: -1 } })).toThrow(
      /maxSeriesLength/,
    );
  });
});
