/**
 * The NAB v1.1 scorer, exactly as `/work/shared/design/NAB-SCORING.md` specifies it. Pure: no I/O, no
 * clock, no randomness.
 *
 * Two steps: {@link layoutFile} turns a file's timestamps and label windows into row indices and
 * profile-independent row weights (once per file); {@link scoreCorpus} then scores every file's anomaly
 * scores at one threshold per profile, either given or chosen by {@link optimizeThreshold}'s sweep.
 */
import { VigilError } from '../errors.js';
import type { NabProfile } from './nab-profiles.js';

/** The threshold that detects nothing (scores are in [0, 1]): the first candidate of the sweep. */
export const NO_DETECTION_THRESHOLD = 1.1;

/**
 * How much a candidate's corpus score must exceed the best so far to replace it. Keeps "ties keep the
 * highest θ" true under floating-point rounding (two sums of the same terms in another order may differ
 * in the last bits); real differences between candidates are many orders of magnitude larger.
 */
export const TIE_TOLERANCE = 1e-9;

/**
 * NAB's scaled sigmoid: `2/(1+e^(5y)) − 1`, except exactly −1 when `y > 3`. Maps 0 to 0, −1 to ≈0.987,
 * +1 to ≈−0.987; strictly decreasing.
 */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/** Length of the probationary period of a file of `rows` rows: `min(floor(0.15·rows), 750)`. */
export function probationRows(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}

/** A label window in event time, both ends inclusive (ms since the epoch). */
export interface LabelWindowMs {
  readonly startMs: number;
  readonly endMs: number;
}

/** A label window as row indices `[left, right]`, both inclusive. */
export interface RowWindow extends LabelWindowMs {
  readonly left: number;
  readonly right: number;
}

/** What {@link layoutFile} needs: a file's row times (strictly increasing) and its label windows. */
export interface LabelledFile {
  /** NAB file id, `<category>/<file>.csv`. */
  readonly file: string;
  readonly timestampsMs: ArrayLike<number>;
  readonly windows: readonly LabelWindowMs[];
}

/**
 * A file prepared for scoring, independent of the profile. Row `i`'s weight under a profile is
 * `unitWeight[i] · A_TP` when `rowWindow[i] ≥ 0` (inside that window) and `unitWeight[i] · A_FP` otherwise.
 */
export interface FileLayout {
  readonly file: string;
  readonly rows: number;
  /** Rows `0 … probation−1` are not scored. */
  readonly probation: number;
  readonly timestampsMs: ArrayLike<number>;
  /** Windows in time order, non-overlapping. */
  readonly windows: readonly RowWindow[];
  /** Index into `windows` of the window holding each row, or −1. */
  readonly rowWindow: Int32Array;
  /**
   * Inside a window: `scaledSigmoid(−(R−i+1)/W) / scaledSigmoid(−1)` (exactly 1 on the first row).
   * Outside, before any window ended: −1. Outside, after: `scaledSigmoid(|R_prev−i| / (W_prev−1))`.
   */
  readonly unitWeight: Float64Array;
}

/** Index of the first row at or after `from` whose time is exactly `t`, or −1. */
function indexOfTime(times: ArrayLike<number>, t: number, from: number): number {
  for (let i = from; i < times.length; i++) if (times[i] === t) return i;
  return -1;
}

/**
 * Matches a file's label windows to rows by timestamp, as NAB does, and computes every row's unit weight.
 * A window's edges are row timestamps: its first row is the first row (after the previous window) whose
 * time equals the window start, its last row the first row from there whose time equals the window end.
 * Rows are taken in file order (a few NAB files repeat timestamps; nothing is re-sorted). Throws
 * `VIGIL_ERR_BACKTEST_LABELS` when an edge is not a row timestamp.
 */
export function layoutFile(input: LabelledFile): FileLayout {
  const times = input.timestampsMs;
  const rows = times.length;
  const sorted = [...input.windows].sort((a, b) => a.startMs - b.startMs);
  const windows: RowWindow[] = [];
  let from = 0;
  for (const w of sorted) {
    const left = indexOfTime(times, w.startMs, from);
    const right = left < 0 ? -1 : indexOfTime(times, w.endMs, left);
    if (left < 0 || right < 0) {
      throw new VigilError(
        'VIGIL_ERR_BACKTEST_LABELS',
        `${input.file}: label window ${new Date(w.startMs).toISOString()} … ${new Date(w.endMs).toISOString()}: ` +
          `its ${left < 0 ? 'start' : 'end'} is not the time of a row${from > 0 ? ' after the previous window' : ''}; window edges must be row timestamps`,
      );
    }
    windows.push({ startMs: w.startMs, endMs: w.endMs, left, right });
    from = right + 1;
  }
  const rowWindow = new Int32Array(rows).fill(-1);
  const unitWeight = new Float64Array(rows);
  const atMinusOne = scaledSigmoid(-1);
  let next = 0; // the next window not yet passed
  let previous: RowWindow | undefined; // the most recent window that ended before the current row
  for (let i = 0; i < rows; i++) {
    while (next < windows.length && windows[next]!.right < i) previous = windows[next++];
    const w = windows[next];
    if (w && w.left <= i) {
      const width = w.right - w.left + 1;
      rowWindow[i] = next;
      unitWeight[i] = scaledSigmoid(-(w.right - i + 1) / width) / atMinusOne;
    } else if (!previous) {
      unitWeight[i] = -1;
    } else {
      const width = previous.right - previous.left + 1;
      // A one-row window gives y = distance/0 = +∞ > 3, so −1: NAB's own arithmetic does the same.
      unitWeight[i] = scaledSigmoid(Math.abs(previous.right - i) / (width - 1));
    }
  }
  return {
    file: input.file,
    rows,
    probation: probationRows(rows),
    timestampsMs: times,
    windows,
    rowWindow,
    unitWeight,
  };
}

/** A file's layout with the detector's anomaly score for each of its rows. */
export interface ScoredFile {
  readonly layout: FileLayout;
  /** One score in [0, 1] per row (probationary rows included; they are ignored). */
  readonly scores: ArrayLike<number>;
}

/** One label window at a threshold. */
export interface WindowOutcome {
  readonly startMs: number;
  readonly endMs: number;
  /** Row of the first detection in the window, or null when none. */
  readonly detectedRow: number | null;
  /** Rows from the window's first row to the first detection (0 = on the first row), or null. */
  readonly rowsToDetect: number | null;
  /** Event time from the window's start to the first detection, ms, or null. */
  readonly msToDetect: number | null;
  /** The window's contribution to the file score: the first detection's weight, or −A_FN. */
  readonly value: number;
}

/** A file scored under one profile at one threshold. */
export interface FileScore {
  readonly file: string;
  readonly threshold: number;
  /** Raw NAB score S of the file. */
  readonly score: number;
  /** Best possible S for this file (A_TP per window; 0 without windows). */
  readonly perfectScore: number;
  /** S of the null detector on this file (−A_FN per window). */
  readonly nullScore: number;
  /** 100·(S − null)/(perfect − null); null for a file without windows. */
  readonly normalizedScore: number | null;
  readonly windows: number;
  readonly detectedWindows: number;
  /** Detections (scored rows with score ≥ θ). */
  readonly detections: number;
  /** Detections outside every window (each counts). */
  readonly falsePositives: number;
  /** Detections inside windows / all detections; null without detections. */
  readonly precision: number | null;
  /** Detected windows / windows; null without windows. */
  readonly recall: number | null;
  /** Median over detected windows of the time from window start to first detection, ms; null if none. */
  readonly medianMsToDetect: number | null;
  /** Median over detected windows of the rows from window start to first detection; null if none. */
  readonly medianRowsToDetect: number | null;
  readonly windowOutcomes: readonly WindowOutcome[];
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Row `i`'s weight under `profile`. */
export function rowWeight(layout: FileLayout, i: number, profile: NabProfile): number {
  return layout.unitWeight[i]! * (layout.rowWindow[i]! >= 0 ? profile.tpWeight : profile.fpWeight);
}

/** Scores one file at threshold `threshold` under `profile` (row i detects iff it is scored and score ≥ θ). */
export function scoreFile(file: ScoredFile, threshold: number, profile: NabProfile): FileScore {
  const { layout, scores } = file;
  const firstDetection = new Int32Array(layout.windows.length).fill(-1);
  let fpSum = 0;
  let falsePositives = 0;
  let detections = 0;
  for (let i = layout.probation; i < layout.rows; i++) {
    if (!(scores[i]! >= threshold)) continue;
    detections++;
    const w = layout.rowWindow[i]!;
    if (w >= 0) {
      if (firstDetection[w] === -1) firstDetection[w] = i;
    } else {
      falsePositives++;
      fpSum += rowWeight(layout, i, profile);
    }
  }
  let windowSum = 0;
  const outcomes: WindowOutcome[] = layout.windows.map((w, k) => {
    const row = firstDetection[k]!;
    const value = row < 0 ? -profile.fnWeight : rowWeight(layout, row, profile);
    windowSum += value;
    return {
      startMs: w.startMs,
      endMs: w.endMs,
      detectedRow: row < 0 ? null : row,
      rowsToDetect: row < 0 ? null : row - w.left,
      msToDetect: row < 0 ? null : layout.timestampsMs[row]! - layout.timestampsMs[w.left]!,
      value,
    };
  });
  const detected = outcomes.filter((o) => o.detectedRow !== null);
  const windows = layout.windows.length;
  const score = windowSum + fpSum;
  const perfectScore = profile.tpWeight * windows;
  const nullScore = -profile.fnWeight * windows;
  return {
    file: layout.file,
    threshold,
    score,
    perfectScore,
    nullScore,
    normalizedScore: windows > 0 ? (100 * (score - nullScore)) / (perfectScore - nullScore) : null,
    windows,
    detectedWindows: detected.length,
    detections,
    falsePositives,
    precision: detections > 0 ? (detections - falsePositives) / detections : null,
    recall: windows > 0 ? detected.length / windows : null,
    medianMsToDetect: median(detected.map((o) => o.msToDetect!)),
    medianRowsToDetect: median(detected.map((o) => o.rowsToDetect!)),
    windowOutcomes: outcomes,
  };
}

/** Throws unless every score of every file is a number in [0, 1] and there is one score per row. */
export function assertScores(files: readonly ScoredFile[]): void {
  for (const { layout, scores } of files) {
    if (scores.length !== layout.rows) {
      throw new VigilError(
        'VIGIL_ERR_BACKTEST_SCORES',
        `${layout.file}: ${scores.length} anomaly scores for ${layout.rows} rows`,
      );
    }
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i]!;
      if (!(s >= 0 && s <= 1)) {
        throw new VigilError(
          'VIGIL_ERR_BACKTEST_SCORES',
          `${layout.file} row ${i}: anomaly score ${s} is not in [0, 1]`,
        );
      }
    }
  }
}

/** The threshold a sweep chose and the corpus score S it gives. */
export interface SweepResult {
  readonly threshold: number;
  readonly score: number;
  /** Number of candidate thresholds evaluated (1.1 plus the distinct scores). */
  readonly candidates: number;
}

/**
 * Chooses the threshold that maximises the corpus score S under `profile`: candidates are 1.1 (nothing
 * detected) and every distinct score among scored rows, highest first; S is updated incrementally as each
 * candidate adds its rows (a false positive adds its weight; a window's value becomes the weight of its
 * earliest detection so far). A candidate replaces the best only when it beats it by more than
 * {@link TIE_TOLERANCE}, so ties keep the highest θ. O(R log R) for R scored rows. Scores must be in [0, 1].
 */
export function optimizeThreshold(files: readonly ScoredFile[], profile: NabProfile): SweepResult {
  let scoredRows = 0;
  let windowCount = 0;
  for (const { layout } of files) {
    scoredRows += layout.rows - layout.probation;
    windowCount += layout.windows.length;
  }
  const rowScore = new Float64Array(scoredRows);
  const rowWindowId = new Int32Array(scoredRows);
  const weight = new Float64Array(scoredRows);
  let r = 0;
  let windowBase = 0;
  for (const { layout, scores } of files) {
    for (let i = layout.probation; i < layout.rows; i++, r++) {
      rowScore[r] = scores[i]!;
      const w = layout.rowWindow[i]!;
      rowWindowId[r] = w >= 0 ? windowBase + w : -1;
      weight[r] = rowWeight(layout, i, profile);
    }
    windowBase += layout.windows.length;
  }
  const order = new Uint32Array(scoredRows);
  for (let i = 0; i < scoredRows; i++) order[i] = i;
  order.sort((a, b) => rowScore[b]! - rowScore[a]!);

  const windowValue = new Float64Array(windowCount).fill(-profile.fnWeight);
  const windowDetected = new Uint8Array(windowCount);
  let score = -profile.fnWeight * windowCount;
  let bestThreshold = NO_DETECTION_THRESHOLD;
  let bestScore = score;
  let candidates = 1;
  let k = 0;
  while (k < scoredRows) {
    const theta = rowScore[order[k]!]!;
    for (; k < scoredRows && rowScore[order[k]!] === theta; k++) {
      const row = order[k]!;
      const w = rowWindowId[row]!;
      if (w < 0) {
        score += weight[row]!;
      } else if (!windowDetected[w]) {
        windowDetected[w] = 1;
        score += weight[row]! - windowValue[w]!;
        windowValue[w] = weight[row]!;
      } else if (weight[row]! > windowValue[w]!) {
        score += weight[row]! - windowValue[w]!;
        windowValue[w] = weight[row]!;
      }
    }
    candidates++;
    if (score > bestScore + TIE_TOLERANCE) {
      bestThreshold = theta;
      bestScore = score;
    }
  }
  return { threshold: bestThreshold, score: bestScore, candidates };
}

/** The corpus under one profile at one threshold. */
export interface ProfileResult {
  readonly profile: NabProfile;
  readonly threshold: number;
  /** True when the threshold was chosen by the sweep, false when it was given. */
  readonly optimized: boolean;
  /** Normalised NAB score: 100·(S − S_null)/(S_perfect − S_null). */
  readonly score: number;
  /** Raw corpus score S (sum of the file scores). */
  readonly rawScore: number;
  readonly nullScore: number;
  readonly perfectScore: number;
  /** N: windows over all files. */
  readonly windows: number;
  readonly files: readonly FileScore[];
}

/**
 * Scores a corpus under `profile`: at `threshold` when given, else at the threshold
 * {@link optimizeThreshold} chooses. N is the number of windows over all files, so pass every file of
 * the windows file. Throws `VIGIL_ERR_BACKTEST_SCORES` for a score outside [0, 1] or a length mismatch.
 */
export function scoreCorpus(
  files: readonly ScoredFile[],
  profile: NabProfile,
  threshold?: number,
): ProfileResult {
  assertScores(files);
  const theta = threshold ?? optimizeThreshold(files, profile).threshold;
  const fileScores = files.map((f) => scoreFile(f, theta, profile));
  const windows = fileScores.reduce((n, f) => n + f.windows, 0);
  const rawScore = fileScores.reduce((s, f) => s + f.score, 0);
  const nullScore = -profile.fnWeight * windows;
  const perfectScore = profile.tpWeight * windows;
  return {
    profile,
    threshold: theta,
    optimized: threshold === undefined,
    score: windows > 0 ? (100 * (rawScore - nullScore)) / (perfectScore - nullScore) : 0,
    rawScore,
    nullScore,
    perfectScore,
    windows,
    files: fileScores,
  };
}
