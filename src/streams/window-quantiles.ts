import type { CountedBTree } from './counted-btree.js';

const PAIR = new Float64Array(4);
/** Two adjacent order statistics (see CountedBTree.selectTwo). */
const TWO = new Float64Array(2);

/**
 * Quantiles of the values in a {@link CountedBTree}, using the linear-interpolation definition
 * (Hyndman–Fan type 7, the default of R and NumPy): with the values sorted as a₀ ≤ … ≤ aₙ₋₁ and
 * h = (n − 1)·p, `q(p) = a⌊h⌋ + (h − ⌊h⌋)·(a⌊h⌋₊₁ − a⌊h⌋)`. The median is q(0.5), Q1 = q(0.25), Q3 = q(0.75).
 *
 * Cost: one descent (the successor is read from the same leaf through the tree's finger), O(log w).
 * Returns 0 for an empty tree.
 */
export function quantile(tree: CountedBTree, p: number): number {
  const n = tree.size;
  if (n === 0) return 0;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const frac = h - lo;
  const a = tree.select(lo);
  if (frac === 0 || lo + 1 >= n) return a;
  return a + frac * (tree.select(lo + 1) - a);
}

const VALUES = new Float64Array(6);

/**
 * Q1, median and Q3 (type 7, as {@link quantile}) written to `out[offset … offset + 3)` in that order, from
 * one pass over the tree. Zeros for an empty tree. O(log w).
 */
export function quartiles(tree: CountedBTree, out: Float64Array, offset: number): void {
  const n = tree.size;
  if (n === 0) {
    out[offset] = 0;
    out[offset + 1] = 0;
    out[offset + 2] = 0;
    return;
  }
  const last = n - 1;
  // h = last · p for p = 0.25, 0.5, 0.75 (written as last · (q + 1) · 0.25, q = 0, 1, 2).
  const h0 = last * 1 * 0.25;
  const h1 = last * 2 * 0.25;
  const h2 = last * 3 * 0.25;
  const k0 = Math.floor(h0);
  const k1 = Math.floor(h1);
  const k2 = Math.floor(h2);
  tree.selectPairs3(k0, k1, k2, VALUES);
  out[offset] = interpolate(VALUES[0] as number, VALUES[1] as number, h0 - k0);
  out[offset + 1] = interpolate(VALUES[2] as number, VALUES[3] as number, h1 - k1);
  out[offset + 2] = interpolate(VALUES[4] as number, VALUES[5] as number, h2 - k2);
}

/** a + frac · (b − a), and exactly a when frac = 0. */
function interpolate(a: number, b: number, frac: number): number {
  return frac === 0 ? a : a + frac * (b - a);
}

/** Search hint carried between calls of {@link medianAbsoluteDeviation}; it never changes a result. */
export interface MadSearchHint {
  split: number;
}

/**
 * Median absolute deviation `median(|x − median|)` (type-7 median of the distances, unscaled).
 *
 * With s = ⌊n/2⌋ the sorted values split into a₀ … aₛ₋₁ ≤ median ≤ aₛ … aₙ₋₁, so the distances form two
 * non-decreasing sequences A(i) = median − aₛ₋₁₋ᵢ and B(j) = aₛ₊ⱼ − median. With K = ⌊(n − 1)/2⌋ + 1, the
 * K smallest distances take some i from A and K − i from B; the right i is the smallest one with
 * A(i) ≥ B(K − 1 − i) (a monotone predicate). Both neighbours of a candidate i come from two paired
 * descents (ranks s−1−i, s−i and s+K−1−i, s+K−i), which also yield the K-th and (K+1)-th distances.
 *
 * Cost: the search starts at `hint.split` (the previous answer; a sliding window moves it by at most a few
 * positions), tries its neighbour, then gallops, so it is O(log w · log δ) for a hint off by δ: two descents, O(log w), when the
 * hint is right (the common case in a stream) and O(log² w) in the worst case (no or bad hint). The result
 * does not depend on the hint. No allocation.
 *
 * @param median the type-7 median of the tree, as returned by {@link quantile}.
 */
export function medianAbsoluteDeviation(tree: CountedBTree, median: number, hint?: MadSearchHint): number {
  MAD_IO[0] = median;
  madInto(tree, MAD_IO, hint);
  return MAD_IO[1] as number;
}

const MAD_IO = new Float64Array(2);

/**
 * {@link medianAbsoluteDeviation} with the median read from `io[0]` and the MAD written to `io[1]`: the
 * same computation without passing or returning a double (a double crossing a call that is not inlined is
 * boxed, which allocates on every point).
 */
export function madInto(tree: CountedBTree, io: Float64Array, hint?: MadSearchHint): void {
  const n = tree.size;
  if (n < 2) {
    io[1] = 0;
    return;
  }
  const s = n >> 1;
  const nA = s;
  const nB = n - s;
  const K = ((n - 1) >> 1) + 1;
  const lo = Math.max(K - nB, 0);
  const hi = Math.min(K, nA);
  const guess = hint === undefined ? (lo + hi) >> 1 : hint.split;
  let i = guess < lo ? lo : Math.min(guess, hi);
  fetchBoundary(tree, io, s, K, i, n);
  let pHere = (PAIR[1] as number) >= (PAIR[2] as number);
  let pBefore = (PAIR[0] as number) >= (PAIR[3] as number);
  if (!pHere || pBefore) {
    // One slide of the window moves the answer by a position or two: try the neighbour first.
    i = pHere ? i - 1 : i + 1;
    fetchBoundary(tree, io, s, K, i, n);
    pHere = (PAIR[1] as number) >= (PAIR[2] as number);
    pBefore = (PAIR[0] as number) >= (PAIR[3] as number);
  }
  if (!pHere || pBefore) {
    // Gallop away from the hint to bracket the answer, then binary search.
    let a: number;
    let b: number;
    if (!pHere) {
      a = i + 1;
      let step = 1;
      let probe = i + 1;
      while (probe < hi && !holds(tree, io, s, K, nA, probe)) {
        a = probe + 1;
        step *= 2;
        probe = i + step;
      }
      b = Math.min(probe, hi);
    } else {
      b = i - 1;
      let step = 2;
      let probe = i - 2;
      while (probe >= lo && holds(tree, io, s, K, nA, probe)) {
        b = probe;
        step *= 2;
        probe = i - step;
      }
      a = Math.max(probe + 1, lo);
    }
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (holds(tree, io, s, K, nA, mid)) b = mid;
      else a = mid + 1;
    }
    i = a;
    fetchBoundary(tree, io, s, K, i, n);
  }
  if (hint !== undefined) hint.split = i;
  const a0 = PAIR[0] as number;
  const b0 = PAIR[2] as number;
  const kth = Math.max(a0, b0);
  if ((n & 1) === 1) {
    io[1] = kth;
    return;
  }
  // Even n: the type-7 median of the distances averages the K-th and (K+1)-th smallest.
  const a1 = PAIR[1] as number;
  const b1 = PAIR[3] as number;
  const next = Math.min(a1, b1);
  io[1] = kth + 0.5 * (next - kth);
}

/** P(i): A(i) ≥ B(K − 1 − i), with A(nA) = +∞ and B(−1) = −∞; the median is `io[0]`. Two selects. */
function holds(tree: CountedBTree, io: Float64Array, s: number, K: number, nA: number, i: number): boolean {
  if (i >= nA || i >= K) return true;
  const m = io[0] as number;
  return m - tree.select(s - 1 - i) >= tree.select(s + K - 1 - i) - m;
}

/**
 * PAIR ← [A(i − 1), A(i), B(K − 1 − i), B(K − i)] with out-of-range entries as −∞ (left) / +∞ (right).
 * Four selects at two pairs of adjacent ranks (O(1) each through the tree's fingers after two descents).
 * The median m is read from `io[0]`.
 */
function fetchBoundary(
  tree: CountedBTree,
  io: Float64Array,
  s: number,
  K: number,
  i: number,
  n: number,
): void {
  const m = io[0] as number;
  const rA = s - 1 - i;
  // Values at two adjacent ranks per side (a neighbour read beyond what is used changes nothing).
  if (rA >= 0) {
    tree.selectTwo(rA, TWO, 0);
    PAIR[0] = i >= 1 ? m - (TWO[1] as number) : Number.NEGATIVE_INFINITY;
    PAIR[1] = m - (TWO[0] as number);
  } else {
    tree.selectTwo(0, TWO, 0);
    PAIR[0] = m - (TWO[0] as number);
    PAIR[1] = Number.POSITIVE_INFINITY;
  }
  const rB = s + K - 1 - i;
  if (i <= K - 1) {
    tree.selectTwo(rB, TWO, 0);
    PAIR[2] = (TWO[0] as number) - m;
    PAIR[3] = rB + 1 < n ? (TWO[1] as number) - m : Number.POSITIVE_INFINITY;
  } else {
    tree.selectTwo(s, TWO, 0);
    PAIR[2] = Number.NEGATIVE_INFINITY;
    PAIR[3] = (TWO[0] as number) - m;
  }
}
