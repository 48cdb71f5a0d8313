import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metricPointSchema } from '../../../src/api/schemas/metric-schemas.js';
import { DEFAULT_METRIC_LIMITS, validateMetricPoint } from '../../../src/codec/index.js';

const IN_RANGE = fc.integer({
  min: DEFAULT_METRIC_LIMITS.minTimestampMs,
  max: DEFAULT_METRIC_LIMITS.maxTimestampMs - 1,
});

/** Mostly `usual`, sometimes one of `unusual` (so that most candidates are near-valid points). */
const mostly = <T>(usual: fc.Arbitrary<T>, ...unusual: fc.Arbitrary<unknown>[]) =>
  fc.oneof(
    { weight: 3 * unusual.length, arbitrary: usual as fc.Arbitrary<unknown> },
    ...unusual.map((a) => ({ weight: 1, arbitrary: a })),
  );

const labelValue = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 }));
const labels = mostly(
  fc.dictionary(fc.string({ maxLength: 6 }), labelValue, { maxKeys: 4 }),
  fc.constant(undefined),
  fc.constant(null),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(labelValue, fc.integer()), { minKeys: 1, maxKeys: 3 }),
  fc
    .integer({ min: 30, max: 36 })
    .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']))),
  fc.integer({ min: 1020, max: 1030 }).map((n) => ({ big: 'x'.repeat(n) })),
  fc.integer({ min: 125, max: 131 }).map((n) => ({ ['k'.repeat(n)]: 'v' })),
  // 3-byte characters: within the length limits, around the 8 KiB byte limit
  fc
    .integer({ min: 2700, max: 2760 })
    .map((n) => ({ a: '€'.repeat(n % 1000), b: '€'.repeat(1000), c: '€'.repeat(n - 1000 - (n % 1000)) })),
  fc.constant(['not', 'an', 'object']),
);

const fields = {
  series: mostly(
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.constant(''),
    fc.constant('s'.repeat(513)),
    fc.integer(),
  ),
  timestampMs: mostly(
    IN_RANGE,
    fc.constant(1_772_366_400),
    fc.constant(DEFAULT_METRIC_LIMITS.maxTimestampMs),
    fc.constant(DEFAULT_METRIC_LIMITS.minTimestampMs - 1),
    fc.double({ min: 9.5e11, max: 4e12 }),
    fc.constant(null),
    fc.constant('1772366400000'),
    fc.constant(Number.MAX_SAFE_INTEGER + 2),
  ),
  timestamp: fc.oneof(
    IN_RANGE,
    fc.constant('2026-03-01T12:00:00Z'),
    fc.constant('2026-03-01T12:00:00'),
    fc.constant('2026-02-30T00:00:00Z'),
  ),
  value: mostly(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.double(),
    fc.constant('NaN'),
    fc.constant('1'),
    fc.constant(null),
    fc.boolean(),
  ),
  labels,
  extra: fc.string(),
};

/** A point with every field, then maybe one field left out; `timestamp` only sometimes. */
const candidate = fc
  .tuple(fc.record(fields), fc.constantFrom('none', 'series', 'timestampMs', 'value', 'labels'), fc.boolean())
  .map(([point, omit, withTimestamp]) => {
    const out: Record<string, unknown> = { ...point };
    if (omit !== 'none') delete out[omit];
    if (!withTimestamp) delete out.timestamp;
    return out;
  });

describe('metricPointSchema', () => {
  it('accepts exactly what the codec accepts, with the same point', () => {
    const schema = metricPointSchema();
    fc.assert(
      fc.property(candidate, (raw) => {
        const ms = raw.timestampMs;
        const msUsable = ms !== undefined && ms !== null;
        const t = raw.timestamp as unknown;
        // One deliberate difference: a malformed `timestamp` next to a usable `timestampMs` is refused here,
        // while the codec ignores it.
        fc.pre(
          !(msUsable && t !== undefined && !(typeof t === 'string' || Number.isSafeInteger(t as number))),
        );
        const codec = validateMetricPoint(raw);
        const parsed = schema.safeParse(raw);
        expect(parsed.success, JSON.stringify(raw).slice(0, 300)).toBe(codec.ok);
        if (codec.ok && parsed.success) expect(parsed.data).toEqual(codec.point);
      }),
      { numRuns: 3000 },
    );
  });

  it('names the field the codec names, at the point', () => {
    const schema = metricPointSchema();
    const result = schema.safeParse({ series: 'a', timestampMs: 1_772_366_400, value: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['timestampMs'],
      message: expect.stringContaining('looks like epoch seconds'),
    });
  });
});
