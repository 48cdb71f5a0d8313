import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CodecError,
  createConfluentSchemaRegistry,
  createEventDecoder,
  createEventEncoder,
  encodeMetricPointJson,
  INVALID_EVENT_ERROR_CODE,
  loadSchemaCatalog,
  type SchemaRegistryPort,
} from '../../src/codec/index.js';
import { VigilError } from '../../src/errors.js';
import type { AnomalyEvent } from '../../src/model/anomaly-event.js';
import { type FakeRegistry, startFakeRegistry } from './fake-registry.js';
import { sampleAnomalyEvent, sampleDeadLetter, sampleMetricPoint } from './samples.js';

const catalog = loadSchemaCatalog();

let fake: FakeRegistry;
let registry: SchemaRegistryPort;
beforeAll(async () => {
  fake = await startFakeRegistry();
  registry = createConfluentSchemaRegistry({ host: fake.url, retries: 0 });
});
afterAll(async () => {
  await fake.close();
});

describe('event encoder / decoder', () => {
  it('uses single-object encoding without a registry', async () => {
    const bytes = await createEventEncoder({ catalog }).encode(
      'anomalies',
      'AnomalyEvent',
      sampleAnomalyEvent,
    );
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xc3, 0x01]));
    expect(bytes.subarray(2, 10)).toEqual(catalog.get('AnomalyEvent').fingerprintBytes);
    const decoded = await createEventDecoder({ catalog }).decode(bytes);
    expect(decoded).toStrictEqual(sampleAnomalyEvent);
  });

  it('uses the Confluent wire format with a registry, registering <topic>-value once', async () => {
    const encoder = createEventEncoder({ catalog, registry });
    const first = await encoder.encode('vigil.anomalies', 'AnomalyEvent', sampleAnomalyEvent);
    const second = await encoder.encode('vigil.anomalies', 'AnomalyEvent', {
      ...sampleAnomalyEvent,
      id: 'b',
    });
    expect(first[0]).toBe(0);
    expect(first.readUInt32BE(1)).toBe(second.readUInt32BE(1));
    expect(fake.requests.filter((r) => r.endsWith('/subjects/vigil.anomalies-value/versions'))).toHaveLength(
      1,
    );
    const decoded = (await createEventDecoder({ catalog, registry }).decode(second)) as AnomalyEvent;
    expect(decoded).toStrictEqual({ ...sampleAnomalyEvent, id: 'b' });
  });

  it('round-trips dead letters with bytes, null key and headers (both framings)', async () => {
    const value = { ...sampleDeadLetter, originalKey: null };
    for (const options of [{ catalog }, { catalog, registry }]) {
      const bytes = await createEventEncoder(options).encode('metrics.dlq', 'DeadLetter', value);
      expect(await createEventDecoder(options).decode(bytes)).toStrictEqual(value);
    }
  });

  it('round-trips metric points', async () => {
    const bytes = await createEventEncoder({ catalog }).encode('metrics', 'MetricPoint', sampleMetricPoint);
    expect(await createEventDecoder({ catalog }).decode(bytes)).toStrictEqual(sampleMetricPoint);
  });

  it('names the offending field when a value does not match its schema', async () => {
    const bad = { ...sampleAnomalyEvent, baseline: { ...sampleAnomalyEvent.baseline, count: 1.5 } };
    const encoder = createEventEncoder({ catalog });
    await expect(encoder.encode('anomalies', 'AnomalyEvent', bad)).rejects.toThrow(/baseline\.count/);
    await expect(encoder.encode('anomalies', 'AnomalyEvent', bad)).rejects.toMatchObject({
      code: INVALID_EVENT_ERROR_CODE,
      retriable: false,
    });
  });

  it('rejects bytes in neither framing, and Confluent bytes without a registry', async () => {
    const decoder = createEventDecoder({ catalog });
    await expect(decoder.decode(Buffer.from('{}'))).rejects.toMatchObject({ errorClass: 'wrong-magic-byte' });
    await expect(decoder.decode(Buffer.from([0, 0, 0, 0, 1, 2]))).rejects.toMatchObject({
      errorClass: 'registry-not-configured',
    });
    await expect(decoder.decode(Buffer.from([0xc3, 0x01, 1]))).rejects.toBeInstanceOf(CodecError);
  });

  it('encodes metric points as the documented JSON form', () => {
    expect(JSON.parse(encodeMetricPointJson(sampleMetricPoint).toString('utf8'))).toEqual(sampleMetricPoint);
    expect(() => encodeMetricPointJson({ ...sampleMetricPoint, value: Number.NaN })).toThrow(RangeError);
  });

  it('rejects with VigilError, not a raw library error, when the registry is down', async () => {
    fake.mode = 'error-500';
    try {
      const encoder = createEventEncoder({
        catalog,
        registry: createConfluentSchemaRegistry({ host: fake.url, retries: 0 }),
      });
      await expect(encoder.encode('x', 'MetricPoint', sampleMetricPoint)).rejects.toBeInstanceOf(VigilError);
    } finally {
      fake.mode = 'normal';
    }
  });
});
