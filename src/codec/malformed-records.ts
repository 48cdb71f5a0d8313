import type { MetricErrorClass } from './codec-errors.js';
import { encodeConfluentFrame } from './confluent-wire.js';
import { crc64Avro, fingerprintToBytesLE } from './crc64-avro.js';
import { defaultSchemaCatalog, type SchemaCatalog } from './schema-catalog.js';
import { encodeSingleObject, frameSingleObject, SINGLE_OBJECT_MAGIC } from './single-object.js';

/** One crafted bad `metrics` value and the error class `createMetricDecoder` reports for it. */
export interface MalformedMetricSample {
  readonly errorClass: MetricErrorClass;
  readonly value: Buffer;
  /** What is wrong with it, for test names and logs. */
  readonly description: string;
}

/** A valid event time (2023-11-14T22:13:20Z) used by the samples. */
const T = 1_700_000_000_000;

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/**
 * Deterministic bad `metrics` values, at least one per error class that a decoder WITHOUT a registry
 * produces under `DEFAULT_METRIC_LIMITS` (every class except `registry-not-configured`/`unknown-schema-id`,
 * whose outcome depends on the registry — see {@link unknownSchemaIdRecord}). Integration tests interleave
 * them with good records and expect each on the dead-letter topic with its class.
 *
 * @param catalog schemas used for the Avro samples; default: the package's own `schemas/`.
 */
export function malformedMetricSamples(
  catalog: SchemaCatalog = defaultSchemaCatalog(),
): MalformedMetricSample[] {
  const metric = catalog.get('MetricPoint');
  const anomaly = catalog.get('AnomalyEvent');
  const good = { series: 'sample.cpu', timestampMs: T, value: 1.5, labels: { host: 'web-1' } };
  const goodSingle = encodeSingleObject(metric, good);
  const unknownFp = fingerprintToBytesLE(crc64Avro('"not-a-vigil-schema"'));
  const anomalyValue = {
    id: 'a-1',
    series: 'sample.cpu',
    timestampMs: T,
    value: 9,
    direction: 'up',
    score: 0.9,
    severity: 'high',
    detectors: [],
    baseline: { count: 0, mean: 0, std: 0, median: 0, mad: 0, q1: 0, q3: 0, ewma: 0 },
    labels: {},
    configId: 'c',
  };
  const manyLabels = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']));

  return [
    { errorClass: 'empty-record', value: Buffer.alloc(0), description: 'zero-length value' },
    { errorClass: 'empty-record', value: Buffer.from('  \n', 'utf8'), description: 'whitespace-only value' },
    { errorClass: 'wrong-magic-byte', value: Buffer.from('hello world', 'utf8'), description: 'plain text' },
    { errorClass: 'wrong-magic-byte', value: Buffer.from('[1,2,3]', 'utf8'), description: 'JSON array' },
    {
      errorClass: 'wrong-magic-byte',
      value: Buffer.from([0xc3, 0x02, 0, 0, 0, 0, 0, 0, 0, 0]),
      description: 'C3 followed by a wrong second marker byte',
    },
    {
      errorClass: 'unknown-fingerprint',
      value: Buffer.concat([SINGLE_OBJECT_MAGIC, unknownFp, metric.type.toBuffer(good)]),
      description: 'single-object with a fingerprint of no known schema',
    },
    {
      errorClass: 'incompatible-schema',
      value: encodeSingleObject(anomaly, anomalyValue),
      description: 'single-object AnomalyEvent on the metrics topic',
    },
    {
      errorClass: 'truncated',
      value: Buffer.from([0xc3, 0x01, 0x12, 0x34]),
      description: 'single-object header cut short',
    },
    {
      errorClass: 'truncated',
      value: goodSingle.subarray(0, goodSingle.length - 4),
      description: 'single-object body cut short',
    },
    {
      errorClass: 'truncated',
      value: Buffer.from([0x00, 0x00, 0x01]),
      description: 'Confluent header cut short',
    },
    {
      errorClass: 'malformed-avro',
      value: Buffer.concat([goodSingle, Buffer.from([0x00, 0xff])]),
      description: 'trailing garbage after a complete Avro body',
    },
    {
      errorClass: 'malformed-avro',
      value: frameSingleObject(
        metric,
        // series "a", then a long varint of 10 bytes encoding a value beyond 2^53 (precision loss).
        Buffer.from([0x02, 0x61, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      ),
      description: 'Avro long beyond 2^53',
    },
    {
      errorClass: 'malformed-json',
      value: Buffer.from('{"series": "a",', 'utf8'),
      description: 'unterminated JSON',
    },
    {
      errorClass: 'malformed-json',
      value: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      description: 'invalid UTF-8',
    },
    {
      errorClass: 'wrong-type',
      value: json({ series: 'sample.cpu', timestampMs: T, value: 'high' }),
      description: 'value is a string',
    },
    {
      errorClass: 'wrong-type',
      value: json({ series: 'sample.cpu', timestampMs: T, value: 1, labels: { host: 7 } }),
      description: 'label value is a number',
    },
    { errorClass: 'missing-field', value: json({ timestampMs: T, value: 1 }), description: 'no series' },
    {
      errorClass: 'missing-field',
      value: json({ series: '', timestampMs: T, value: 1 }),
      description: 'empty series',
    },
    {
      errorClass: 'missing-field',
      value: json({ series: 'sample.cpu', timestampMs: T }),
      description: 'no value',
    },
    {
      errorClass: 'non-finite-value',
      value: Buffer.from(`{"series":"sample.cpu","timestampMs":${T},"value":1e400}`, 'utf8'),
      description: 'JSON 1e400 (parses to Infinity)',
    },
    {
      errorClass: 'non-finite-value',
      value: json({ series: 'sample.cpu', timestampMs: T, value: 'NaN' }),
      description: 'JSON "NaN" string',
    },
    {
      errorClass: 'non-finite-value',
      value: encodeSingleObject(metric, { ...good, value: Number.NaN }),
      description: 'Avro double NaN',
    },
    {
      errorClass: 'timestamp-out-of-range',
      value: json({ series: 'sample.cpu', timestampMs: T / 1000, value: 1 }),
      description: 'epoch seconds instead of milliseconds',
    },
    {
      errorClass: 'labels-too-large',
      value: json({ series: 'sample.cpu', timestampMs: T, value: 1, labels: manyLabels }),
      description: '33 labels',
    },
    {
      errorClass: 'series-too-long',
      value: json({ series: 'x'.repeat(513), timestampMs: T, value: 1 }),
      description: '513-character series',
    },
  ];
}

/**
 * A Confluent-framed value (`00` + 4-byte big-endian `schemaId` + `body`) whose id no registry knows.
 * A decoder with a registry reports `unknown-schema-id`; one without reports `registry-not-configured`.
 */
export function unknownSchemaIdRecord(
  schemaId = 999_999,
  body: Uint8Array = Buffer.from([0x02, 0x61]),
): Buffer {
  return encodeConfluentFrame(schemaId, body);
}
