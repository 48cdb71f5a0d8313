import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from '../../src/streams/detector-config.js';
import { createSeriesDetector, type PointEvaluation } from '../../src/streams/series-detector.js';
import { type NaiveConfig, NaiveDetector, type NaiveEvaluation } from './naive-model.js';

function toNaive(c: DetectorConfig): NaiveConfig {
  return {
    window: c.window,
    warmupPoints: c.warmupPoints,
    allowedLatenessMs: c.allowedLatenessMs,
    thresholds: {
      z: c.zscore.threshold,
      robustZ: c.robustZ.threshold,
      iqrK: c.iqr.k,
      ewma: c.ewma.threshold,
    },
    enabled: { z: c.zscore.enabled, robustZ: c.robustZ.enabled, iqr: c.iqr.enabled, ewma: c.ewma.enabled },
    alpha: c.ewma.alpha,
    quorum: c.combine.quorum,
    combineThreshold: c.combine.threshold,
    floorRelative: c.scaleFloor.relative,
    floorAbsolute: c.scaleFloor.absolute,
  };
}

function close(actual: number, expected: number, scale: number): void {
  const tol = 1e-9 * (Math.abs(expected) + scale) + 1e-12;
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`expected ${actual} to be within ${tol} of ${expected}`);
  }
}

/** Statistics divide by a dispersion that can be tiny; compare them relative to their own size. */
function closeStatistic(actual: number, expected: number): void {
  const tol = 1e-6 * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tol)) throw new Error(`statistic ${actual} != ${expected}`);
}

function compare(e: PointEvaluation, n: NaiveEvaluation, scale: number): void {
  expect(e.late).toBe(n.late);
  expect(e.warm).toBe(n.warm);
  expect(e.baseline.count).toBe(n.count);
  // Order statistics select the same values with the same formulas: exact.
  expect(e.baseline.median).toBe(n.median);
  expect(e.baseline.q1).toBe(n.q1);
  expect(e.baseline.q3).toBe(n.q3);
  expect(e.baseline.mad).toBe(n.mad);
  close(e.baseline.mean, n.mean, scale);
  close(e.baseline.std, n.std, scale);
  close(e.baseline.ewma, n.ewma, scale);
  const byName = new Map(e.readings.map((r) => [r.detector, r.statistic]));
  // Near-constant windows make mean-based statistics ill-conditioned (std ~ rounding); only compare when
  // the std is clearly resolved or exactly zero in both.
  if (n.std > 1e-6 * (Math.abs(n.mean) + scale) || (n.std === 0 && e.baseline.std === 0)) {
    closeStatistic(byName.get('zscore') as number, n.stats.z);
    closeStatistic(byName.get('robust_z') as number, n.stats.robustZ);
    closeStatistic(byName.get('iqr') as number, n.stats.iqr);
  }
  closeStatistic(byName.get('ewma') as number, n.stats.ewma);
  // On an exact tie with the median, the direction comes from value − mean; skip rounding-level ties.
  if (e.value !== n.median || Math.abs(e.value - n.mean) > 1e-9 * (Math.abs(n.mean) + scale)) {
    expect(e.direction).toBe(n.direction);
  }
}

const pointArb = (integers: boolean) =>
  fc.record({
    gap: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: -80, max: -1 }),
      fc.integer({ min: 100, max: 2000 }),
    ),
    value: integers
      ? fc.integer({ min: -3, max: 3 })
      : fc.oneof(
          { weight: 8, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
          { weight: 1, arbitrary: fc.constantFrom(1e6, -1e6, 0, 5) },
        ),
  });

const windowArb = fc.oneof(
  fc.record({
    kind: fc.constant('count' as const),
    size: fc.oneof(fc.constantFrom(1, 2, 3), fc.integer({ min: 4, max: 40 })),
  }),
  fc.record({
    kind: fc.constant('time' as const),
    durationMs: fc.integer({ min: 1, max: 1500 }),
    maxSize: fc.oneof(fc.constantFrom(1, 2), fc.integer({ min: 3, max: 40 })),
  }),
);

function configArb(): fc.Arbitrary<DetectorConfig> {
  return fc
    .record({
      window: windowArb,
      warmupPoints: fc.integer({ min: 0, max: 10 }),
      allowedLatenessMs: fc.constantFrom(0, 30, 100, 10_000),
      quorum: fc.integer({ min: 1, max: 4 }),
      alpha: fc.constantFrom(0.05, 0.3, 1),
    })
    .map(({ window, warmupPoints, allowedLatenessMs, quorum, alpha }) => ({
      ...DEFAULT_DETECTOR_CONFIG,
      window,
      warmupPoints,
      allowedLatenessMs,
      ewma: { ...DEFAULT_DETECTOR_CONFIG.ewma, alpha },
      combine: { threshold: 0.5, quorum },
    }));
}

describe('createSeriesDetector vs naive recomputation', () => {
  for (const integers of [true, false]) {
    it(`agrees on every statistic (${integers ? 'small integers: ties and constant runs' : 'reals with outliers'})`, () => {
      fc.assert(
        fc.property(
          configArb(),
          fc.array(pointArb(integers), { minLength: 1, maxLength: 150 }),
          (config, points) => {
            const fast = createSeriesDetector(config);
            const naive = new NaiveDetector(toNaive(config));
            let t = 1_000_000;
            for (const p of points) {
              t += p.gap;
              const v = p.value === 0 ? 0 : p.value;
              const e = fast.update(t, v);
              const n = naive.update(t, v);
              compare(e, n, 1e6);
              expect(fast.size).toBe(naive.values.length);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  it('combined score and anomaly flag follow the naive rule', () => {
    fc.assert(
      fc.property(
        configArb(),
        fc.array(pointArb(false), { minLength: 1, maxLength: 100 }),
        (config, points) => {
          const fast = createSeriesDetector(config);
          const naive = new NaiveDetector(toNaive(config));
          let t = 0;
          for (const p of points) {
            t += Math.abs(p.gap);
            const e = fast.update(t, p.value);
            const n = naive.update(t, p.value);
            if (n.std > 1e-6 * (Math.abs(n.mean) + 1)) {
              expect(Math.abs(e.score - n.score)).toBeLessThan(1e-6);
              if (Math.abs(n.score - config.combine.threshold) > 1e-6) expect(e.anomalous).toBe(n.anomalous);
            }
            expect(e.score).toBeGreaterThanOrEqual(0);
            expect(e.score).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('updateScore performs the same transition as update', () => {
    fc.assert(
      fc.property(configArb(), fc.array(pointArb(false), { maxLength: 80 }), (config, points) => {
        const a = createSeriesDetector(config);
        const b = createSeriesDetector(config);
        let t = 0;
        for (const p of points) {
          t += p.gap;
          const e = a.update(t, p.value);
          expect(b.updateScore(t, p.value)).toBe(e.warm ? e.score : 0);
        }
        expect(b.snapshot()).toEqual(a.snapshot());
      }),
      { numRuns: 100 },
    );
  });
});

function config(overrides: Partial<DetectorConfig> = {}): DetectorConfig {
  return { ...DEFAULT_DETECTOR_CONFIG, ...overrides };
}

/** Deterministic uniform noise in [-1, 1]. */
function noise(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 4294967295) * 2 - 1;
  };
}

describe('warm-up', () => {
  it.each([
    { warmupPoints: 0, index: 1, warm: true },
    { warmupPoints: 1, index: 1, warm: true },
    { warmupPoints: 5, index: 4, warm: false },
    { warmupPoints: 5, index: 5, warm: true },
    { warmupPoints: 30, index: 29, warm: false },
    { warmupPoints: 30, index: 30, warm: true },
  ])('warmupPoints $warmupPoints: point #$index warm=$warm', ({ warmupPoints, index, warm }) => {
    const d = createSeriesDetector(config({ warmupPoints }));
    let e: PointEvaluation | undefined;
    for (let i = 0; i <= index; i++) e = d.update(i * 1000, i === index ? 1e6 : 10 + (i % 3));
    expect(e?.warm).toBe(warm);
    expect(e?.anomalous).toBe(warm);
    // The score is computed either way.
    expect(e?.score).toBeGreaterThan(0.9);
  });
});

describe('direction', () => {
  it.each([
    { values: [1, 2, 3], x: 10, direction: 'up' },
    { values: [1, 2, 3], x: -10, direction: 'down' },
    { values: [1, 2, 2, 9], x: 2, direction: 'down' }, // = median, below mean
    { values: [-9, 2, 2, 3], x: 2, direction: 'up' }, // = median, above mean
    { values: [4, 4, 4], x: 4, direction: 'up' }, // equal to both
  ])('after $values, $x is $direction', ({ values, x, direction }) => {
    const d = createSeriesDetector(config({ warmupPoints: 0 }));
    values.forEach((v, i) => {
      d.update(i, v);
    });
    expect(d.update(values.length, x).direction).toBe(direction);
  });
});

describe('score mapping and combined rule', () => {
  it('a constant series: the same value scores 0, a different value fires every detector', () => {
    const d = createSeriesDetector(config({ warmupPoints: 3 }));
    for (let i = 0; i < 10; i++) expect(d.update(i, 7).score).toBe(0);
    const e = d.update(10, 7.5);
    expect(e.readings.map((r) => r.fired)).toEqual([true, true, true, true]);
    expect(e.anomalous).toBe(true);
    expect(Number.isFinite(e.score)).toBe(true);
    expect(e.baseline.std).toBe(0);
  });

  it('ties without a constant window fall back to the std (a value already in the window is not anomalous)', () => {
    const d = createSeriesDetector(config({ warmupPoints: 0 }));
    [5, 5, 5, 5, 5, 5, 5, 4, 6].forEach((v, i) => {
      d.update(i, v);
    });
    const e = d.update(9, 6);
    expect(e.baseline.mad).toBe(0);
    expect(e.baseline.q3 - e.baseline.q1).toBe(0);
    expect(e.readings.find((r) => r.detector === 'robust_z')?.fired).toBe(false);
    expect(e.anomalous).toBe(false);
  });

  it('one detector alone does not make an anomaly under quorum 2, two do', () => {
    // Only zscore and ewma on; quorum 2. Build a window and then a moderate deviation.
    const only = (zscore: boolean, ewma: boolean) =>
      config({
        warmupPoints: 0,
        zscore: { enabled: zscore, threshold: 3 },
        robustZ: { enabled: false, threshold: 3.5 },
        iqr: { enabled: false, k: 1.5 },
        ewma: { enabled: ewma, alpha: 0.1, threshold: 1e9 },
      });
    const feed = (c: DetectorConfig) => {
      const d = createSeriesDetector(c);
      const r = noise(7);
      for (let i = 0; i < 100; i++) d.update(i, 100 + r());
      return d.update(100, 120);
    };
    const both = feed(only(true, true));
    expect(both.readings.map((r) => r.fired)).toEqual([true, false]);
    expect(both.score).toBeLessThan(0.5); // second-largest is the EWMA score, far below threshold
    expect(both.anomalous).toBe(false);
    const single = feed(only(true, false)); // quorum clamps to the one enabled detector
    expect(single.score).toBeGreaterThan(0.5);
    expect(single.anomalous).toBe(true);
  });

  it('readings report statistic, threshold, score and fired consistently', () => {
    const d = createSeriesDetector(config({ warmupPoints: 0 }));
    const r = noise(3);
    for (let i = 0; i < 50; i++) d.update(i, 10 + r());
    const e = d.update(50, 13);
    for (const reading of e.readings) {
      const s = reading.statistic;
      const t = reading.threshold;
      expect(reading.score).toBeCloseTo((s * s) / (s * s + t * t), 12);
      expect(reading.fired).toBe(s > t);
    }
    expect(e.readings.map((x) => x.detector)).toEqual(['zscore', 'robust_z', 'iqr', 'ewma']);
    expect(e.readings.map((x) => x.threshold)).toEqual([3, 3.5, 3, 4]);
  });
});

describe('late points', () => {
  it('are scored, flagged, and leave the window untouched', () => {
    const d = createSeriesDetector(config({ warmupPoints: 0, allowedLatenessMs: 100 }));
    for (let i = 0; i < 10; i++) d.update(1000 + i * 10, i);
    const before = d.snapshot();
    const e = d.update(1090 - 101, 1e6);
    expect(e.late).toBe(true);
    expect(e.anomalous).toBe(true);
    expect(d.snapshot()).toEqual(before);
    const within = d.update(1090 - 100, 4);
    expect(within.late).toBe(false);
    expect(d.size).toBe(11);
  });

  it('time windows evict by the newest event time seen, not by the late point', () => {
    const c = config({
      warmupPoints: 0,
      allowedLatenessMs: 50,
      window: { kind: 'time', durationMs: 100, maxSize: 1000 },
    });
    const d = createSeriesDetector(c);
    d.update(0, 1);
    d.update(50, 2);
    d.update(99, 3);
    expect(d.size).toBe(3);
    expect(d.update(60, 4).baseline.count).toBe(3); // within lateness, does not advance time
    expect(d.size).toBe(4);
    const e = d.update(150, 5); // evicts t ≤ 50
    expect(e.baseline.count).toBe(2); // window before the point: t = 99, 60
    expect(d.snapshot().timesMs).toEqual([99, 60, 150]);
  });
});

describe('detection on synthetic series', () => {
  it('flags an injected spike and a level shift on a noisy series', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 40, max: 300 }), (seed, at) => {
        const r = noise(seed);
        const spike = createSeriesDetector(DEFAULT_DETECTOR_CONFIG);
        const shift = createSeriesDetector(DEFAULT_DETECTOR_CONFIG);
        for (let i = 0; i < at; i++) {
          const v = 50 + r();
          spike.update(i * 1000, v);
          shift.update(i * 1000, v);
        }
        const up = spike.update(at * 1000, 50 + 15);
        expect(up.anomalous).toBe(true);
        expect(up.direction).toBe('up');
        const down = shift.update(at * 1000, 50 - 10 + r());
        expect(down.anomalous).toBe(true);
        expect(down.direction).toBe('down');
      }),
      { numRuns: 50 },
    );
  });

  it('never flags bounded noise (uniform ±1 around a level)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        (seed, level) => {
          const r = noise(seed);
          const d = createSeriesDetector(DEFAULT_DETECTOR_CONFIG);
          for (let i = 0; i < 600; i++) {
            const e = d.update(i * 1000, level + r());
            if (e.anomalous) throw new Error(`point ${i} flagged with score ${e.score}`);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('invalid points', () => {
  it.each([
    [0, Number.NaN],
    [0, Number.POSITIVE_INFINITY],
    [Number.NaN, 1],
  ])('update(%s, %s) throws VIGIL_ERR_STREAMS_INVALID_POINT', (t, v) => {
    const d = createSeriesDetector(DEFAULT_DETECTOR_CONFIG);
    expect(() => d.update(t, v)).toThrow(
      expect.objectContaining({ code: 'VIGIL_ERR_STREAMS_INVALID_POINT' }),
    );
  });
});

describe('order statistics at the edges of the B+-tree', () => {
  const extreme = fc.oneof(
    fc.constantFrom(0, -0, 5e-324, -5e-324, 1e-300, -1e-300, 1e300, -1e300, 1, -1),
    fc.integer({ min: -2, max: 2 }),
    fc.double({ min: -1e300, max: 1e300, noNaN: true }),
  );

  it('median, Q1, Q3 and MAD are exact with ±0, subnormals and huge magnitudes (windows 1 … 40, count and time)', () => {
    fc.assert(
      fc.property(
        configArb(),
        fc.array(fc.record({ gap: fc.integer({ min: -20, max: 300 }), value: extreme }), { maxLength: 120 }),
        (config, points) => {
          const fast = createSeriesDetector(config);
          const naive = new NaiveDetector(toNaive(config));
          let t = 0;
          for (const p of points) {
            t += p.gap;
            const e = fast.update(t, p.value);
            // The detector normalises −0 to 0 before anything else; so does the stage's input.
            const n = naive.update(t, p.value === 0 ? 0 : p.value);
            expect(e.value).toBe(p.value === 0 ? 0 : p.value);
            expect(e.baseline.count).toBe(n.count);
            expect(e.baseline.median).toBe(n.median);
            expect(e.baseline.q1).toBe(n.q1);
            expect(e.baseline.q3).toBe(n.q3);
            expect(e.baseline.mad).toBe(n.mad);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with the naive model on large windows (multi-level tree, 2-byte slots) under level shifts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 700 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.boolean(),
        (size, seed, time) => {
          const c = config({
            warmupPoints: 0,
            window: time ? { kind: 'time', durationMs: 400_000, maxSize: size } : { kind: 'count', size },
          });
          const fast = createSeriesDetector(c);
          const naive = new NaiveDetector(toNaive(c));
          const r = noise(seed);
          for (let i = 0; i < 1500; i++) {
            // Level shifts and runs of ties move the MAD split far from its hint.
            const level = Math.floor(i / 300) % 2 === 0 ? 0 : 50;
            const rounded = i % 7 === 0 ? level : Math.round(level + 10 * r());
            const v = rounded === 0 ? 0 : rounded; // Math.round can return −0
            const e = fast.update(i * 1000, v);
            const n = naive.update(i * 1000, v);
            if (i % 5 === 0 || i > 1400) compare(e, n, 100);
          }
        },
      ),
      { numRuns: 6 },
    );
  });
});

describe('settings shared between detectors', () => {
  it('detectors with configs differing in one field do not share settings', () => {
    const base = config({ warmupPoints: 0 });
    const variants: DetectorConfig[] = [
      base,
      { ...base, zscore: { enabled: true, threshold: Number.POSITIVE_INFINITY } },
      { ...base, zscore: { enabled: true, threshold: Number.NaN } },
      { ...base, combine: { threshold: 0.5, quorum: 1 } },
      { ...base, window: { kind: 'time', durationMs: 128, maxSize: 128 } },
    ];
    const results = variants.map((c) => {
      const d = createSeriesDetector(c);
      for (let i = 0; i < 20; i++) d.update(i, i % 3);
      const e = d.update(20, 9);
      return [e.readings[0]?.threshold, e.score];
    });
    expect(results[0]).toEqual([3, expect.any(Number)]);
    expect(results[1]?.[0]).toBe(Number.POSITIVE_INFINITY);
    expect(results[2]?.[0]).toBeNaN();
    expect(results[3]?.[1]).toBeGreaterThan(results[0]?.[1] as number);
  });
});
