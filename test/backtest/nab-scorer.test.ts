import { describe, expect, it } from 'vitest';
import { NAB_PROFILES, type NabProfile } from '../../src/backtest/nab-profiles.js';
import {
  layoutFile,
  NO_DETECTION_THRESHOLD,
  probationRows,
  scaledSigmoid,
  scoreCorpus,
  scoreFile,
} from '../../src/backtest/nab-scorer.js';

const [standard, lowFp, lowFn] = NAB_PROFILES as [NabProfile, NabProfile, NabProfile];
const MINUTE = 60_000;
const T0 = Date.UTC(2014, 3, 1);

/** A file of `rows` rows one minute apart, with windows given as [firstRow, lastRow] (inclusive). */
function file(rows: number, windows: Array<[number, number]>) {
  const timestampsMs = Array.from({ length: rows }, (_, i) => T0 + i * MINUTE);
  return layoutFile({
    file: 'test/file.csv',
    timestampsMs,
    windows: windows.map(([l, r]) => ({ startMs: T0 + l * MINUTE, endMs: T0 + r * MINUTE })),
  });
}

/** Scores of `rows` rows: 1 on the listed rows, 0 elsewhere. */
function firing(rows: number, at: number[]): number[] {
  return Array.from({ length: rows }, (_, i) => (at.includes(i) ? 1 : 0));
}

// Reference numbers, computed by hand (σ(y) = 2/(1+e^(5y)) − 1):
//   σ(−1)   = 2/(1+e^−5)   − 1 = 2/1.0067379 − 1 = 0.98661430
//   σ(−3/4) = 2/(1+e^−3.75) − 1 = 2/1.0235177 − 1 = 0.95404526 → /σ(−1) = 0.96698909
//   σ(−1/2) = 2/(1+e^−2.5)  − 1 = 2/1.0820850 − 1 = 0.84828364 → /σ(−1) = 0.85979257
//   σ(2/3)  = 2/(1+e^3.3333) − 1 = 2/29.031605 − 1 = −0.93110961 → ·0.11 = −0.10242206
//   σ(1)    = 2/(1+e^5)     − 1 = 2/149.41316 − 1 = −0.98661430 → ·0.11 = −0.10852757
describe('scaledSigmoid', () => {
  it.each([
    [0, 0],
    [-1, 0.9866143],
    [1, -0.9866143],
    [-0.75, 0.9540453],
    [2 / 3, -0.9311096],
    [3, -0.9999994], // 2/(1+e^15) − 1: not yet clamped at exactly 3
  ])('σ(%f) = %f', (y, expected) => {
    expect(scaledSigmoid(y)).toBeCloseTo(expected, 6);
  });

  it('is exactly −1 beyond 3', () => {
    expect(scaledSigmoid(3.000001)).toBe(-1);
    expect(scaledSigmoid(Number.POSITIVE_INFINITY)).toBe(-1);
  });
});

describe('probationary period', () => {
  it.each([
    [6, 0], // floor(0.9)
    [7, 1], // floor(1.05)
    [20, 3], // floor(3)
    [4032, 604], // floor(604.8)
    [5000, 750], // min(750, 750)
    [22695, 750], // capped
  ])('%i rows → %i probationary rows', (rows, expected) => {
    expect(probationRows(rows)).toBe(expected);
  });

  it('ignores detections in the probationary period', () => {
    // 20 rows → rows 0..2 are probationary. A detection at row 2 inside a window [1, 4] is not scored, so
    // the window is missed (−A_FN = −1); one at row 3 counts: y = −(4−3+1)/4 = −1/2 → 0.85979257.
    const layout = file(20, [[1, 4]]);
    expect(layout.probation).toBe(3);
    expect(scoreFile({ layout, scores: firing(20, [2]) }, 0.5, standard).score).toBe(-1);
    expect(scoreFile({ layout, scores: firing(20, [2, 3]) }, 0.5, standard).score).toBeCloseTo(0.85979257, 7);
    // A false positive in the probationary period costs nothing either: rows 0..2 only → S = −1.
    expect(
      scoreFile({ layout: file(20, [[8, 11]]), scores: firing(20, [0, 1, 2]) }, 0.5, standard).score,
    ).toBe(-1);
  });
});

describe('scoring one file (20 rows, window on rows 8..11, W = 4)', () => {
  const layout = file(20, [[8, 11]]);

  it('a detection on the first row of the window earns exactly A_TP', () => {
    const s = scoreFile({ layout, scores: firing(20, [8]) }, 1, standard);
    expect(s.score).toBe(1);
    expect(s.detectedWindows).toBe(1);
    expect(s.falsePositives).toBe(0);
    expect(s.recall).toBe(1);
    expect(s.precision).toBe(1);
    expect(s.medianMsToDetect).toBe(0);
  });

  it('a late detection earns less: row 10 → y = −(11−10+1)/4 = −1/2 → 0.85979257', () => {
    const s = scoreFile({ layout, scores: firing(20, [10]) }, 1, standard);
    expect(s.score).toBeCloseTo(0.85979257, 7);
    expect(s.windowOutcomes[0]!.rowsToDetect).toBe(2);
    expect(s.medianMsToDetect).toBe(2 * MINUTE);
  });

  it('only the first detection in a window counts: rows 9, 10, 11 → σ(−3/4)/σ(−1) = 0.96698909', () => {
    const s = scoreFile({ layout, scores: firing(20, [9, 10, 11]) }, 1, standard);
    expect(s.score).toBeCloseTo(0.96698909, 7);
    expect(s.detections).toBe(3);
    expect(s.falsePositives).toBe(0);
    expect(s.detectedWindows).toBe(1);
  });

  it('a false positive before any window costs −A_FP; the missed window −A_FN', () => {
    // Row 5: no window has ended yet → −0.11; window missed → −1. S = −1.11.
    const s = scoreFile({ layout, scores: firing(20, [5]) }, 1, standard);
    expect(s.score).toBeCloseTo(-1.11, 12);
    expect(s.falsePositives).toBe(1);
    expect(s.precision).toBe(0);
    expect(s.recall).toBe(0);
    // reward_low_FP_rate: −0.22 − 1 = −1.22; reward_low_FN_rate: −0.11 − 2 = −2.11.
    expect(scoreFile({ layout, scores: firing(20, [5]) }, 1, lowFp).score).toBeCloseTo(-1.22, 12);
    expect(scoreFile({ layout, scores: firing(20, [5]) }, 1, lowFn).score).toBeCloseTo(-2.11, 12);
  });

  it('false positives after a window are weighted by their distance, each row on its own', () => {
    // R_prev = 11, W_prev = 4. Row 13: y = |11−13|/3 = 2/3 → σ·0.11 = −0.10242206.
    // Row 14: y = 3/3 = 1 → σ·0.11 = −0.10852757. With the window hit on row 8 (+1):
    // S = 1 − 0.10242206 − 0.10852757 = 0.78905037.
    const s = scoreFile({ layout, scores: firing(20, [8, 13, 14]) }, 1, standard);
    expect(s.score).toBeCloseTo(0.78905037, 7);
    expect(s.falsePositives).toBe(2);
    expect(s.precision).toBeCloseTo(1 / 3, 12);
    // Normalised over this one-window corpus: 100·(0.78905037 + 1)/(1 + 1) = 89.452519.
    const corpus = scoreCorpus([{ layout, scores: firing(20, [8, 13, 14]) }], standard, 1);
    expect(corpus.score).toBeCloseTo(89.452519, 5);
  });

  it('a false positive three window-widths after a window costs the full A_FP', () => {
    // Window [8, 9] (W = 2): row 14 → y = |9−14|/(2−1) = 5 > 3 → σ = −1 exactly → −0.11. Window hit (+1).
    const narrow = file(20, [[8, 9]]);
    expect(scoreFile({ layout: narrow, scores: firing(20, [8, 14]) }, 1, standard).score).toBe(1 - 0.11);
  });

  it('the weight of a later window restarts at A_TP and false positives use the most recent window', () => {
    // Windows [4, 5] and [12, 15]. Row 16: R_prev = 15, W_prev = 4 → y = 1/3:
    // σ(1/3) = 2/(1+e^1.66667) − 1 = 2/6.29449 − 1 = −0.68226179 → ·0.11 = −0.07504880.
    // Row 8: after window 1 (R = 5, W = 2): y = 3/1 = 3 → σ(3) = −0.99999939 → ·0.11 = −0.10999993.
    const two = file(20, [
      [4, 5],
      [12, 15],
    ]);
    const s = scoreFile({ layout: two, scores: firing(20, [4, 8, 12, 16]) }, 1, standard);
    expect(s.score).toBeCloseTo(1 - 0.10999993 + 1 - 0.0750488, 7);
    expect(s.detectedWindows).toBe(2);
  });

  it('a file without windows charges every detection as a false positive', () => {
    const none = file(20, []);
    const s = scoreFile({ layout: none, scores: firing(20, [3, 4]) }, 1, standard);
    expect(s.score).toBeCloseTo(-0.22, 12);
    expect(s.normalizedScore).toBeNull();
    expect(s.recall).toBeNull();
  });
});

describe('threshold sweep', () => {
  it('ties keep the highest threshold', () => {
    // Window rows 8..11. Row 8 scores 0.9, row 10 scores 0.5: lowering θ from 0.9 to 0.5 only adds a
    // second detection in an already detected window, so S stays 1 — θ = 0.9 is kept.
    const layout = file(20, [[8, 11]]);
    const scores = Array.from({ length: 20 }, (_, i) => (i === 8 ? 0.9 : i === 10 ? 0.5 : 0.1));
    const result = scoreCorpus([{ layout, scores }], standard);
    expect(result.threshold).toBe(0.9);
    expect(result.score).toBe(100);
  });

  it('keeps 1.1 when every detection costs more than it earns', () => {
    // reward_low_FP_rate (A_FP = 0.22). Rows 3..7 and 12..19 score 0.9, the window rows 8..11 score 0.5.
    //   θ = 1.1: S = −1 (window missed).
    //   θ = 0.9: S = −1 − 5·0.22 − Σ_{i=12..19} 0.22·|σ(|11−i|/3)| = −1 − 1.1 − 1.6713074 = −3.7713074.
    //   θ = 0.5: S = +1 − 1.1 − 1.6713074 = −1.7713074 < −1. So θ stays 1.1 and the score is 0.
    const layout = file(20, [[8, 11]]);
    const scores = Array.from({ length: 20 }, (_, i) => (i >= 8 && i <= 11 ? 0.5 : 0.9));
    const result = scoreCorpus([{ layout, scores }], lowFp);
    expect(result.threshold).toBe(NO_DETECTION_THRESHOLD);
    expect(result.score).toBe(0);
    expect(scoreCorpus([{ layout, scores }], lowFp, 0.5).rawScore).toBeCloseTo(-1.7713074, 6);
  });

  it('uses a fixed threshold when one is given', () => {
    const layout = file(20, [[8, 11]]);
    const result = scoreCorpus([{ layout, scores: firing(20, [5, 8]) }], standard, 0.5);
    expect(result.threshold).toBe(0.5);
    expect(result.optimized).toBe(false);
    expect(result.rawScore).toBeCloseTo(1 - 0.11, 12);
  });

  it('rejects scores outside [0, 1] and missing rows', () => {
    const layout = file(20, [[8, 11]]);
    expect(() => scoreCorpus([{ layout, scores: firing(20, []).fill(1.5) }], standard)).toThrow(
      /not in \[0, 1\]/,
    );
    expect(() => scoreCorpus([{ layout, scores: [0, 0] }], standard)).toThrow(/2 anomaly scores for 20 rows/);
  });
});

describe('matching windows to rows', () => {
  it('matches by exact timestamp and rejects edges that are not row times', () => {
    expect(file(20, [[8, 11]]).windows[0]).toMatchObject({ left: 8, right: 11 });
    expect(() =>
      layoutFile({
        file: 'x.csv',
        timestampsMs: [0, 60_000, 120_000],
        windows: [{ startMs: 30_000, endMs: 120_000 }],
      }),
    ).toThrow(/start is not the time of a row/);
  });

  it('keeps file order when a timestamp repeats (rows are never re-sorted)', () => {
    // Times 0,1,2,1,2,3 (minutes): the window [2, 3] starts at the first row with time 2 (row 2) and
    // ends at the first row with time 3 from there (row 5).
    const layout = layoutFile({
      file: 'x.csv',
      timestampsMs: [0, 1, 2, 1, 2, 3].map((m) => m * MINUTE),
      windows: [{ startMs: 2 * MINUTE, endMs: 3 * MINUTE }],
    });
    expect(layout.windows[0]).toMatchObject({ left: 2, right: 5 });
  });
});
