import { describe, expect, it } from 'vitest';
import { singleObjectEncoder } from '../../src/api/single-object-encoder.js';
import { decodeSingleObject, encodeSingleObject, loadSchemaCatalog } from '../../src/codec/index.js';

const catalog = loadSchemaCatalog();
const entry = catalog.get('MetricPoint');
const point = (i: number, labels: Record<string, string> = { host: `h${i}` }) => ({
  series: `svc.metric.${i}`,
  timestampMs: 1_772_366_400_000 + i,
  value: i / 3,
  labels,
});

describe('singleObjectEncoder', () => {
  it('writes the same bytes as encodeSingleObject, across slab boundaries, without later writes changing earlier records', () => {
    const encode = singleObjectEncoder(entry, 200);
    const records = Array.from({ length: 50 }, (_, i) => encode(point(i)));
    records.forEach((bytes, i) => {
      expect(bytes.equals(encodeSingleObject(entry, point(i)))).toBe(true);
      expect(decodeSingleObject(catalog, bytes).value).toEqual(point(i));
    });
    // the records need several 200-byte slabs
    expect(records.reduce((bytes, r) => bytes + r.length, 0)).toBeGreaterThan(5 * 200);
  });

  it('encodes a value larger than a slab on its own', () => {
    const encode = singleObjectEncoder(entry, 64);
    const big = point(1, { note: 'x'.repeat(500) });
    const bytes = encode(big);
    expect(bytes.equals(encodeSingleObject(entry, big))).toBe(true);
    expect(encode(point(2)).equals(encodeSingleObject(entry, point(2)))).toBe(true);
  });
});
