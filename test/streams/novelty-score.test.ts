import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR_CONFIG } from '../../src/streams/detector-config.js';
import {
  levelStart,
  type NoveltyParams,
  type NoveltySettings,
  noveltyAccept,
  noveltyParams,
  noveltyScore,
  noveltyWords,
  outsideRange,
  seasonalBin,
  seasonalStart,
} from '../../src/streams/novelty-score.js';
import { scaleFloor } from '../../src/streams/robust-scale.js';
import { scoreFromStatistic } from '../../src/streams/score-mapping.js';
import { createSeriesDetector } from '../../src/streams/series-detector.js';

const settingsArb: fc.Arbitrary<NoveltySettings> = fc.record({
  learningPoints: fc.integer({ min: 8, max: 40 }),
  rangeThreshold: fc.double({ min: 0.001, max: 1, noNaN: true }),
  longAlpha: fc.double({ min: 0.001, max: 1, noNaN: true }),
  longThreshold: fc.double({ min: 0.5, max: 20, noNaN: true }),
  levelAlpha: fc.double({ min: 0.01, max: 1, noNaN: true }),
  levelThreshold: fc.double({ min: 0.001, max: 1, noNaN: true }),
  seasonalBins: fc.integer({ min: 1, max: 32 }),
  seasonalPeriodMs: fc.integer({ min: 100, max: 10_000 }),
  seasonalAlpha: fc.double({ min: 0.01, max: 1, noNaN: true }),
  seasonalThreshold: fc.double({ min: 0.01, max: 1, noNaN: true }),
  floorRelative: fc.constant(1e-9),
  floorAbsolute: fc.constant(1e-12),
});

const pointsArb = fc.array(
  fc.record({
    gap: fc.integer({ min: -50, max: 500 }),
    value: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
  }),
  { minLength: 1, maxLength: 160 },
);

/**
 * Naive model: recomputes every statistic of point k from the whole history h[0 … k) by plain loops, the
 * way the definitions in novelty-score.ts read.
 */
function naiveStats(ts: number[], xs: number[], k: number, s: NoveltyParams): number[] {
  const x = xs[k] as number;
  const floor = (c: number) => scaleFloor(c, s.floorRelative, s.floorAbsolute);
  const stats = [0, 0, 0, 0];
  if (k >= 2) {
    const lo = Math.min(...xs.slice(0, k));
    const hi = Math.max(...xs.slice(0, k));
    stats[0] = outsideRange(x, lo, hi, floor(hi));
    let m = 0;
    let v = 0;
    for (let i = 0; i < k; i++) {
      const a = Math.max(1 / (i + 1), s.longAlpha);
      const d = (xs[i] as number) - m;
      m += a * d;
      v = (1 - a) * (v + a * d * d);
    }
    stats[1] = Math.abs(x - m) / Math.max(Math.sqrt(v), floor(m));
  }
  // level series: L[i] = EWMA including x_i
  const levels: number[] = [];
  let l = xs[0] as number;
  for (let i = 0; i <= k; i++) {
    l += s.levelAlpha * ((xs[i] as number) - l);
    levels.push(l);
  }
  const ls = levelStart(s);
  if (k >= ls) {
    const seen = levels.slice(ls - 1, k);
    const hi = Math.max(...seen);
    stats[2] = outsideRange(levels[k] as number, Math.min(...seen), hi, floor(hi));
  }
  // seasonal residuals r[i] = x_i − profile before i (0 for a bin not seen yet)
  const residuals: number[] = [];
  const profile = new Map<number, number>();
  for (let i = 0; i <= k; i++) {
    const b = seasonalBin(ts[i] as number, s);
    const p = profile.get(b);
    residuals.push(p === undefined ? 0 : (xs[i] as number) - p);
    profile.set(b, p === undefined ? (xs[i] as number) : p + s.seasonalAlpha * ((xs[i] as number) - p));
  }
  const ss = seasonalStart(s);
  if (k >= ss) {
    const seen = residuals.slice(ss - 1, k);
    const hi = Math.max(...xs.slice(0, k));
    stats[3] = outsideRange(residuals[k] as number, Math.min(...seen), Math.max(...seen), floor(hi));
  }
  return stats;
}

describe('novelty scores', () => {
  it('match a naive recomputation from the whole history', () => {
    fc.assert(
      fc.property(settingsArb, pointsArb, (settings, points) => {
        const s = noveltyParams(settings);
        const f64 = new Float64Array(3 + noveltyWords(s.seasonalBins));
        const base = 3; // not at offset 0, as in the window buffer
        const stats = new Float64Array(4);
        const ts: number[] = [];
        const xs: number[] = [];
        let t = 1_000_000;
        for (const [k, p] of points.entries()) {
          t += p.gap;
          ts.push(t);
          xs.push(p.value);
          const bin = seasonalBin(t, s);
          const score = noveltyScore(f64, base, bin, p.value, s, stats);
          const naive = naiveStats(ts, xs, k, s);
          for (let j = 0; j < 4; j++) {
            const want = naive[j] as number;
            if (Math.abs((stats[j] as number) - want) > 1e-9 * Math.max(1, Math.abs(want)))
              throw new Error(`point ${k} statistic ${j}: ${stats[j]} vs naive ${want}`);
          }
          const th = [s.rangeThreshold, s.longThreshold, s.levelThreshold, s.seasonalThreshold];
          const maxScore = Math.max(...naive.map((v, j) => scoreFromStatistic(v, th[j] as number)));
          expect(Math.abs(score - maxScore)).toBeLessThanOrEqual(1e-9);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(1);
          noveltyAccept(f64, base, bin, p.value, s);
        }
        expect(f64.slice(0, base)).toEqual(new Float64Array(base)); // never writes outside its region
      }),
      { numRuns: 150 },
    );
  });

  it('seasonalBin maps every time (negative too) into [0, bins)', () => {
    fc.assert(
      fc.property(settingsArb, fc.double({ min: -1e13, max: 1e13, noNaN: true }), (settings, t) => {
        const s = noveltyParams(settings);
        const b = seasonalBin(t, s);
        expect(Number.isInteger(b) && b >= 0 && b < s.seasonalBins).toBe(true);
      }),
    );
    const s = noveltyParams({ ...DEFAULT_DETECTOR_CONFIG.novelty, floorRelative: 0, floorAbsolute: 1e-12 });
    expect(seasonalBin(Date.UTC(2026, 0, 1, 13, 59), s)).toBe(13);
    expect(seasonalBin(-1, s)).toBe(23);
  });
});

describe('the live decision with novelty', () => {
  const config = { ...DEFAULT_DETECTOR_CONFIG };
  const noise = (seed: number) => {
    let x = seed;
    return () => {
      x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
      return (x / 2 ** 32) * 2 - 1;
    };
  };

  it('after learning, the score is the novelty score and a new extreme spike is an anomaly', () => {
    const r = noise(7);
    const d = createSeriesDetector(config);
    for (let i = 0; i < 1000; i++) d.update(i * 300_000, 50 + r());
    const e = d.update(1000 * 300_000, 50 + 25);
    expect(e.anomalous).toBe(true);
    expect(e.score).toBeGreaterThan(config.novelty.threshold);
  });

  it('a spike that is not new (equal spikes every 100 points) is flagged once, then no longer', () => {
    const r = noise(11);
    const d = createSeriesDetector(config);
    const flagged: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const spike = i % 100 === 50 && i >= 1000;
      const e = d.update(i * 300_000, 50 + r() + (spike ? 25 : 0));
      if (e.anomalous) flagged.push(i);
    }
    // The quorum rule alone flags all 20 spikes (next test); the novelty rule flags the first and then only
    // the few that are still new (slightly higher than all before, or far out for the slow long-run std).
    expect(flagged[0]).toBe(1050);
    expect(flagged.length).toBeLessThanOrEqual(5);
  });

  it('with novelty disabled the decision is the quorum rule alone', () => {
    const d = createSeriesDetector({ ...config, novelty: { ...config.novelty, enabled: false } });
    const r = noise(3);
    let anomalies = 0;
    for (let i = 0; i < 3000; i++) {
      const e = d.update(i * 300_000, 50 + r() + (i % 100 === 50 && i >= 1000 ? 25 : 0));
      if (e.anomalous) anomalies++;
      expect(e.anomalous).toBe(e.warm && e.score >= config.combine.threshold);
    }
    expect(anomalies).toBe(20);
  });
});
