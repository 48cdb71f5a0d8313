import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BandSettings, bandSettingsOf, baselineBand } from '../../src/api/baseline-band.js';
import { DEFAULT_DETECTOR_CONFIG } from '../../src/streams/index.js';

/** Type-7 quantile of an unsorted list, recomputed from scratch. */
function naiveQuantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? 0) - sorted[lo]!);
}

/** The band recomputed naively: window = points before i, selected by the detectors' rules. */
function naiveBand(points: ReadonlyArray<{ timestampMs: number; value: number }>, s: BandSettings) {
  return points.map((p, i) => {
    let before = points.slice(0, i);
    if (s.window.kind === 'count') before = before.slice(-s.window.size);
    else {
      const { durationMs, maxSize } = s.window;
      before = before.filter((q) => q.timestampMs > p.timestampMs - durationMs).slice(-maxSize);
    }
    if (before.length < s.warmupPoints) return null;
    const values = before.map((q) => q.value);
    const median = naiveQuantile(values, 0.5);
    const mad = naiveQuantile(
      values.map((v) => Math.abs(v - median)),
      0.5,
    );
    const iqr = naiveQuantile(values, 0.75) - naiveQuantile(values, 0.25);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(
      values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0,
    );
    const floor = Math.max(s.scaleFloor.relative * Math.abs(median), s.scaleFloor.absolute);
    const sigma = Math.max(mad > 0 ? 1.4826 * mad : iqr > 0 ? iqr / 1.349 : std, floor);
    return { median, lower: median - s.k * sigma, upper: median + s.k * sigma };
  });
}

describe('baselineBand', () => {
  it('is median ± k·1.4826·MAD of the points before each point once the window is warm', () => {
    const points = [10, 12, 11, 13, 9, 50].map((value, i) => ({ timestampMs: i * 1000, value }));
    const band = baselineBand(points, {
      window: { kind: 'count', size: 4 },
      warmupPoints: 3,
      scaleFloor: { relative: 0, absolute: 0 },
      k: 3,
    });
    expect(band.slice(0, 3)).toEqual([null, null, null]);
    // before index 3: 10, 12, 11 → median 11, MAD 1
    expect(band[3]).toEqual({ median: 11, lower: 11 - 3 * 1.4826, upper: 11 + 3 * 1.4826 });
    // before index 5: the last four, 12, 11, 13, 9 → median 11.5, deviations .5 .5 1.5 2.5 → MAD 1
    expect(band[5]).toEqual({ median: 11.5, lower: 11.5 - 3 * 1.4826, upper: 11.5 + 3 * 1.4826 });
  });

  it('gives a flat window a band through the fall-backs instead of zero width', () => {
    const points = Array.from({ length: 40 }, (_, i) => ({ timestampMs: i, value: 5 }));
    const band = baselineBand(points, bandSettingsOf(DEFAULT_DETECTOR_CONFIG));
    const last = band.at(-1)!;
    expect(last.median).toBe(5);
    expect(last.upper).toBeGreaterThan(5);
  });

  it('equals a naive recomputation on random series, count and time windows', () => {
    const settings = fc.record({
      window: fc.oneof(
        fc.record({ kind: fc.constant('count' as const), size: fc.integer({ min: 1, max: 20 }) }),
        fc.record({
          kind: fc.constant('time' as const),
          durationMs: fc.integer({ min: 1, max: 30 }),
          maxSize: fc.integer({ min: 1, max: 20 }),
        }),
      ),
      warmupPoints: fc.integer({ min: 1, max: 8 }),
      scaleFloor: fc.record({ relative: fc.constantFrom(0, 0.01), absolute: fc.constantFrom(0, 0.5) }),
      k: fc.constantFrom(1, 3, 3.5),
    });
    const series = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -50, max: 50 })), { maxLength: 60 })
      .map((steps) => {
        let t = 0;
        return steps.map(([dt, v]) => {
          t += dt;
          return { timestampMs: t, value: v / 4 };
        });
      });
    fc.assert(
      fc.property(series, settings, (points, s) => {
        const got = baselineBand(points, s);
        const want = naiveBand(points, s);
        expect(got.length).toBe(want.length);
        got.forEach((g, i) => {
          const w = want[i] ?? null;
          if (w === null) expect(g).toBeNull();
          else {
            expect(g!.median).toBeCloseTo(w.median, 9);
            expect(g!.lower).toBeCloseTo(w.lower, 9);
            expect(g!.upper).toBeCloseTo(w.upper, 9);
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
