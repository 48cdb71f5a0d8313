import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingMoments } from '../../src/streams/rolling-moments.js';
import { RollingWindow } from '../../src/streams/rolling-window.js';

function naiveMoments(values: readonly number[]): { mean: number; m2: number } {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return { mean: values.length === 0 ? 0 : mean, m2: values.reduce((a, b) => a + (b - mean) ** 2, 0) };
}

describe('RollingWindow (count)', () => {
  it('keeps the last `capacity` values with mean and m2 close to a two-pass recomputation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.oneof(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.constantFrom(1e12, -1e12, 0)), {
          maxLength: 400,
        }),
        (capacity, values) => {
          const w = new RollingWindow(capacity, false);
          const expected: number[] = [];
          for (const v of values) {
            w.push(0, v);
            expected.push(v);
            if (expected.length > capacity) expected.shift();
            expect(w.size).toBe(expected.length);
            const exact = naiveMoments(expected);
            const scale = Math.max(1, ...expected.map(Math.abs));
            expect(Math.abs(w.moments.mean - exact.mean)).toBeLessThanOrEqual(1e-12 * scale);
            // m2 error stays relative to the current spread, not to the largest value ever seen.
            expect(Math.abs(w.moments.m2 - exact.m2)).toBeLessThanOrEqual(
              1e-9 * exact.m2 + 1e-20 * scale * scale,
            );
          }
          expect(Array.from({ length: w.size }, (_, i) => w.valueAt(i))).toEqual(expected);
        },
      ),
    );
  });

  it('recomputes exactly after a dominant value leaves (catastrophic cancellation guard)', () => {
    const w = new RollingWindow(4, false);
    for (const v of [1e15, 1, 2, 3]) w.push(0, v);
    w.push(0, 4); // evicts 1e15: Welford alone would leave residue of order 1e15·ε·1e15
    expect(w.moments.mean).toBe(2.5);
    expect(w.moments.m2).toBe(5);
  });
});

describe('RollingWindow (time)', () => {
  it('evicts from the front while the event time is at or before the cut-off', () => {
    const w = new RollingWindow(10, true);
    [100, 200, 300, 400].forEach((t, i) => {
      w.push(t, i);
    });
    w.evictBefore(200);
    expect(w.size).toBe(2);
    expect([w.timeAt(0), w.valueAt(0)]).toEqual([300, 2]);
    w.evictBefore(1_000);
    expect(w.size).toBe(0);
    expect(w.moments.count).toBe(0);
  });

  it('caps the number of points at maxSize', () => {
    const w = new RollingWindow(3, true);
    for (let i = 0; i < 5; i++) w.push(i, i);
    expect(Array.from({ length: w.size }, (_, i) => w.valueAt(i))).toEqual([2, 3, 4]);
  });
});

describe('RollingMoments', () => {
  it('sample variance is 0 below two values', () => {
    const m = new RollingMoments();
    expect(m.sampleVariance()).toBe(0);
    m.add(5);
    expect(m.sampleVariance()).toBe(0);
    m.add(7);
    expect(m.sampleVariance()).toBe(2);
  });

  it('rejects a non-positive capacity', () => {
    expect(() => new RollingWindow(0, false)).toThrow(RangeError);
  });
});
