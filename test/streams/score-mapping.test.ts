import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenceScale, robustSigma, scaleFloor } from '../../src/streams/robust-scale.js';
import { kthLargest, scoreFromStatistic } from '../../src/streams/score-mapping.js';

describe('scoreFromStatistic', () => {
  it.each([
    { s: 0, t: 3, score: 0 },
    { s: 3, t: 3, score: 0.5 },
    { s: 6, t: 3, score: 0.8 },
    { s: 9, t: 3, score: 0.9 },
    { s: 1.5, t: 3, score: 0.2 },
    { s: Number.POSITIVE_INFINITY, t: 3, score: 1 },
    { s: 1e300, t: 3, score: 1 },
    { s: Number.NaN, t: 3, score: 0 },
  ])('score($s; threshold $t) = $score', ({ s, t, score }) => {
    expect(scoreFromStatistic(s, t)).toBeCloseTo(score, 12);
  });

  it('maps exactly the threshold to 0.5, stays in [0, 1] and is monotone in the statistic', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        (t, a, b) => {
          expect(scoreFromStatistic(t, t)).toBe(0.5);
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const sLo = scoreFromStatistic(lo, t);
          const sHi = scoreFromStatistic(hi, t);
          expect(sLo).toBeGreaterThanOrEqual(0);
          expect(sHi).toBeLessThanOrEqual(1);
          expect(sLo).toBeLessThanOrEqual(sHi);
        },
      ),
    );
  });
});

describe('kthLargest (combined rule)', () => {
  it.each([
    { scores: [0.9, 0.1, 0.2, 0.3], quorum: 2, expected: 0.3 },
    { scores: [0.9, 0.6, 0.2, 0.3], quorum: 2, expected: 0.6 },
    { scores: [0.9, 0.6, 0.2, 0.3], quorum: 1, expected: 0.9 },
    { scores: [0.9, 0.6, 0.2, 0.3], quorum: 4, expected: 0.2 },
    { scores: [0.7], quorum: 2, expected: 0.7 },
    { scores: [], quorum: 2, expected: 0 },
  ])('$quorum-th largest of $scores = $expected', ({ scores, quorum, expected }) => {
    expect(kthLargest(Float64Array.from(scores), scores.length, quorum)).toBe(expected);
  });
});

describe('dispersion fall-backs', () => {
  it.each([
    { mad: 1, iqr: 5, std: 9, floor: 1e-12, expected: 1.4826 },
    { mad: 0, iqr: 1.349, std: 9, floor: 1e-12, expected: 1 },
    { mad: 0, iqr: 0, std: 2, floor: 1e-12, expected: 2 },
    { mad: 0, iqr: 0, std: 0, floor: 1e-9, expected: 1e-9 },
  ])('robust σ for MAD $mad, IQR $iqr, std $std = $expected', ({ mad, iqr, std, floor, expected }) => {
    expect(robustSigma(mad, iqr, std, floor)).toBeCloseTo(expected, 12);
  });

  it('fence scale falls back from IQR to 1.349·std to the floor', () => {
    expect(fenceScale(2, 5, 1e-12)).toBe(2);
    expect(fenceScale(0, 1, 1e-12)).toBeCloseTo(1.349, 12);
    expect(fenceScale(0, 0, 1e-9)).toBeCloseTo(1.349e-9, 20);
  });

  it('the floor is relative to the centre with an absolute minimum', () => {
    expect(scaleFloor(-1e6, 1e-9, 1e-12)).toBeCloseTo(1e-3, 15);
    expect(scaleFloor(0, 1e-9, 1e-12)).toBe(1e-12);
  });
});
