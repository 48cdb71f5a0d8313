import { describe, expect, it } from 'vitest';
import {
  CodecError,
  crc64Avro,
  decodeSingleObject,
  encodeSingleObject,
  loadSchemaCatalog,
  readSingleObjectFrame,
} from '../../src/codec/index.js';

const catalog = loadSchemaCatalog();
const metric = catalog.get('MetricPoint');
const point = { series: 'cpu', timestampMs: 1_700_000_000_000, value: 0.25, labels: { host: 'a' } };

function errorClassOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CodecError);
    return (error as CodecError).errorClass;
  }
  throw new Error('expected a CodecError');
}

describe('Avro single-object encoding', () => {
  it('writes C3 01, the CRC-64-AVRO of the canonical form little-endian, then the Avro body', () => {
    const bytes = encodeSingleObject(metric, point);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xc3, 0x01]));
    expect(bytes.readBigUInt64LE(2)).toBe(crc64Avro(metric.canonicalForm));
    expect(bytes.subarray(10)).toEqual(metric.type.toBuffer(point));
    // body: "cpu" (zigzag len 3 → 06), long 1.7e12 as zigzag varint, double LE, map block of 1, end.
    expect(bytes.subarray(10, 14).toString('hex')).toBe('06637075');
  });

  it('round-trips through decodeSingleObject', () => {
    const { entry, value } = decodeSingleObject(catalog, encodeSingleObject(metric, point));
    expect(entry.name).toBe('MetricPoint');
    expect(value).toEqual(point);
  });

  it('reports short headers as truncated', () => {
    expect(errorClassOf(() => readSingleObjectFrame(Buffer.from([0xc3])))).toBe('truncated');
    expect(errorClassOf(() => readSingleObjectFrame(Buffer.from([0xc3, 0x01, 1, 2, 3, 4, 5, 6, 7])))).toBe(
      'truncated',
    );
  });

  it('reports a truncated body as truncated and trailing bytes as malformed-avro', () => {
    const bytes = encodeSingleObject(metric, point);
    expect(errorClassOf(() => decodeSingleObject(catalog, bytes.subarray(0, bytes.length - 3)))).toBe(
      'truncated',
    );
    expect(errorClassOf(() => decodeSingleObject(catalog, Buffer.concat([bytes, Buffer.from([0])])))).toBe(
      'malformed-avro',
    );
  });

  it('reports unknown fingerprints and wrong markers', () => {
    const bytes = Buffer.from(encodeSingleObject(metric, point));
    bytes[5] = (bytes[5] ?? 0) ^ 0xff;
    expect(errorClassOf(() => decodeSingleObject(catalog, bytes))).toBe('unknown-fingerprint');
    expect(errorClassOf(() => readSingleObjectFrame(Buffer.from([0xc3, 0x02, 0, 0, 0, 0, 0, 0, 0, 0])))).toBe(
      'wrong-magic-byte',
    );
  });
});
