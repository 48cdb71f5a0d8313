import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NAB_PROFILES } from '../../src/backtest/nab-profiles.js';
import {
  layoutFile,
  NO_DETECTION_THRESHOLD,
  optimizeThreshold,
  type ScoredFile,
  scoreCorpus,
  TIE_TOLERANCE,
} from '../../src/backtest/nab-scorer.js';

interface Case {
  rows: number;
  /** Non-overlapping windows as [firstRow, lastRow], in order. */
  windows: Array<[number, number]>;
  scores: number[];
}

/** The spec, written out naively: S of one file at θ, straight from NAB-SCORING.md. */
function naiveFileScore(c: Case, theta: number, tp: number, fp: number, fn: number): number {
  const sigma = (y: number) => (y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1);
  const probation = Math.min(Math.floor(0.15 * c.rows), 750);
  let total = 0;
  for (const [l, r] of c.windows) {
    let value = -fn;
    for (let i = Math.max(l, probation); i <= r; i++) {
      if (c.scores[i]! >= theta) {
        value = (sigma(-(r - i + 1) / (r - l + 1)) * tp) / sigma(-1);
        break;
      }
    }
    total += value;
  }
  for (let i = probation; i < c.rows; i++) {
    if (c.scores[i]! < theta || c.windows.some(([l, r]) => l <= i && i <= r)) continue;
    const ended = c.windows.filter(([, r]) => r < i);
    const prev = ended[ended.length - 1];
    total += prev ? sigma(Math.abs(prev[1] - i) / (prev[1] - prev[0])) * fp : -fp;
  }
  return total;
}

/** Brute force: every candidate, highest first, each scored from scratch; ties keep the highest θ. */
function bruteForce(cases: Case[], tp: number, fp: number, fn: number) {
  const candidates = new Set<number>([NO_DETECTION_THRESHOLD]);
  for (const c of cases) {
    const probation = Math.min(Math.floor(0.15 * c.rows), 750);
    for (let i = probation; i < c.rows; i++) candidates.add(c.scores[i]!);
  }
  let best = { threshold: Number.NaN, score: Number.NEGATIVE_INFINITY };
  for (const theta of [...candidates].sort((a, b) => b - a)) {
    const score = cases.reduce((s, c) => s + naiveFileScore(c, theta, tp, fp, fn), 0);
    if (score > best.score + TIE_TOLERANCE) best = { threshold: theta, score };
  }
  return best;
}

const caseArb: fc.Arbitrary<Case> = fc
  .integer({ min: 4, max: 60 })
  .chain((rows) =>
    fc.record({
      rows: fc.constant(rows),
      // Cut points → alternating gaps and windows; scores from a coarse grid so that ties happen often.
      cuts: fc.uniqueArray(fc.integer({ min: 0, max: rows - 1 }), { maxLength: 6 }),
      scores: fc.array(
        fc.oneof(fc.constantFrom(0, 0.25, 0.5, 0.75, 1), fc.double({ min: 0, max: 1, noNaN: true })),
        { minLength: rows, maxLength: rows },
      ),
    }),
  )
  .map(({ rows, cuts, scores }) => {
    const sorted = [...cuts].sort((a, b) => a - b);
    const windows: Array<[number, number]> = [];
    for (let k = 0; k + 1 < sorted.length; k += 2) windows.push([sorted[k]!, sorted[k + 1]!]);
    return { rows, windows, scores };
  });

function toScored(c: Case): ScoredFile {
  const timestampsMs = Array.from({ length: c.rows }, (_, i) => i * 60_000);
  return {
    layout: layoutFile({
      file: 'case.csv',
      timestampsMs,
      windows: c.windows.map(([l, r]) => ({ startMs: l * 60_000, endMs: r * 60_000 })),
    }),
    scores: c.scores,
  };
}

describe('threshold sweep (property)', () => {
  it('picks the same θ and S as a brute-force re-score over all candidates', () => {
    fc.assert(
      fc.property(fc.array(caseArb, { minLength: 1, maxLength: 4 }), (cases) => {
        for (const profile of NAB_PROFILES) {
          const expected = bruteForce(cases, profile.tpWeight, profile.fpWeight, profile.fnWeight);
          const sweep = optimizeThreshold(cases.map(toScored), profile);
          expect(sweep.threshold).toBe(expected.threshold);
          expect(sweep.score).toBeCloseTo(expected.score, 9);
          // …and the corpus score at that θ is the sum of the naive file scores.
          const corpus = scoreCorpus(cases.map(toScored), profile);
          expect(corpus.rawScore).toBeCloseTo(expected.score, 9);
        }
      }),
      { numRuns: 300, seed: 20260701 },
    );
  });

  it('scores each file like the naive reading of the spec at any threshold', () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 0, max: 1.1, noNaN: true }), (c, theta) => {
        for (const profile of NAB_PROFILES) {
          const corpus = scoreCorpus([toScored(c)], profile, theta);
          expect(corpus.rawScore).toBeCloseTo(
            naiveFileScore(c, theta, profile.tpWeight, profile.fpWeight, profile.fnWeight),
            9,
          );
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('evaluates 1.1 plus one candidate per distinct scored value and stays fast on 400k rows', () => {
    const rows = 400_000;
    const scores = Array.from({ length: rows }, (_, i) => ((i * 7919) % 1000) / 1000);
    const layout = layoutFile({
      file: 'big.csv',
      timestampsMs: Array.from({ length: rows }, (_, i) => i * 1000),
      windows: [{ startMs: 200_000_000, endMs: 201_000_000 }],
    });
    const started = performance.now();
    const sweep = optimizeThreshold([{ layout, scores }], NAB_PROFILES[0]!);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(sweep.candidates).toBe(1 + 1000);
  });
});
