/**
 * Mean and sum of squared deviations of a sliding multiset, updated with Welford's add/remove formulas.
 *
 * Numerical guards: removal leaves rounding residue of about ε·(largest m2 since the last exact
 * computation) — catastrophic cancellation when a large value leaves a window of small ones. The owner
 * calls {@link momentsRecompute} (exact two-pass) when {@link momentsNeedRecompute} says so: every
 * `capacity` removals (bounds slow drift, amortised O(1)) and whenever `m2` has fallen below 1/10 000 of its
 * peak since the last recompute (at most ~4 of 16 digits lost). The second trigger needs a dominant value
 * to leave, so it fires at most about once per window length per outlier. `m2` is clamped at 0. The scalars
 * are serialised verbatim so a restored detector continues bit-identically.
 *
 * The state is {@link MOMENTS_WORDS} float64 words `f[at … at + 5)` — count, mean, m2, m2 peak, removals
 * since the last recompute — so a rolling window keeps it inside its own buffer (no separate object, no
 * boxed doubles); {@link RollingMoments} is the same arithmetic as an object.
 */

/** Offsets of the moment scalars in their float64 region. */
export const M_COUNT = 0;
export const M_MEAN = 1;
export const M_M2 = 2;
export const M_PEAK = 3;
export const M_REMOVALS = 4;
/** Float64 words of moment state. */
export const MOMENTS_WORDS = 5;

/** Adds `x` to the moments at `f[at …]`. O(1). */
export function momentsAdd(f: Float64Array, at: number, x: number): void {
  const n = (f[at + M_COUNT] as number) + 1;
  const mean0 = f[at + M_MEAN] as number;
  const delta = x - mean0;
  const mean = mean0 + delta / n;
  const m2 = (f[at + M_M2] as number) + delta * (x - mean);
  f[at + M_MEAN] = mean;
  f[at + M_M2] = m2;
  if (m2 > (f[at + M_PEAK] as number)) f[at + M_PEAK] = m2;
  f[at + M_COUNT] = n;
}

/** Removes `x`, which must be one of the values, from the moments at `f[at …]`. O(1). */
export function momentsRemove(f: Float64Array, at: number, x: number): void {
  const n = (f[at + M_COUNT] as number) - 1;
  f[at + M_REMOVALS] = (f[at + M_REMOVALS] as number) + 1;
  if (n === 0) {
    f[at + M_COUNT] = 0;
    f[at + M_MEAN] = 0;
    f[at + M_M2] = 0;
    f[at + M_PEAK] = 0;
    return;
  }
  const mean0 = f[at + M_MEAN] as number;
  const delta = x - mean0;
  const mean = mean0 - delta / n;
  const m2 = (f[at + M_M2] as number) - delta * (x - mean);
  f[at + M_MEAN] = mean;
  f[at + M_M2] = Math.max(m2, 0);
  f[at + M_COUNT] = n;
}

/**
 * Replaces the moments at `f[at …]` with an exact two-pass computation over the ring `values[0 … cap)`,
 * reading `count` values oldest-first from slot `head` (wrapping at `cap`), and resets the removal counter.
 * O(count).
 */
export function momentsRecompute(
  f: Float64Array,
  at: number,
  values: Float64Array,
  head: number,
  count: number,
  cap: number,
): void {
  let sum = 0;
  for (let i = 0, s = head; i < count; i++, s = s + 1 === cap ? 0 : s + 1) sum += values[s] as number;
  const mean = count === 0 ? 0 : sum / count;
  let m2 = 0;
  for (let i = 0, s = head; i < count; i++, s = s + 1 === cap ? 0 : s + 1) {
    const d = (values[s] as number) - mean;
    m2 += d * d;
  }
  f[at + M_COUNT] = count;
  f[at + M_MEAN] = mean;
  f[at + M_M2] = m2;
  f[at + M_PEAK] = m2;
  f[at + M_REMOVALS] = 0;
}

/** True when the residue may be significant: `capacity` removals since the last recompute, or m2 ≪ peak. */
export function momentsNeedRecompute(f: Float64Array, at: number, capacity: number): boolean {
  return (
    (f[at + M_REMOVALS] as number) >= capacity || (f[at + M_M2] as number) * 1e4 < (f[at + M_PEAK] as number)
  );
}

/** Sample variance Σ(x − mean)² / (n − 1) of the moments at `f[at …]`; 0 when fewer than two values. */
export function momentsSampleVariance(f: Float64Array, at: number): number {
  const n = f[at + M_COUNT] as number;
  return n < 2 ? 0 : (f[at + M_M2] as number) / (n - 1);
}

/**
 * The moments as an object: a view over {@link MOMENTS_WORDS} words of a float64 array (its own by default,
 * or a region of a window's buffer, see `RollingWindow.moments`). Reads and writes go to that region.
 */
export class RollingMoments {
  private readonly f: Float64Array;
  private readonly at: number;

  /** @param store float64 storage (default: a fresh one); @param at offset of the five words in it. */
  constructor(store: Float64Array = new Float64Array(MOMENTS_WORDS), at = 0) {
    this.f = store;
    this.at = at;
  }

  /** Number of values. */
  get count(): number {
    return this.f[this.at + M_COUNT] as number;
  }
  set count(v: number) {
    this.f[this.at + M_COUNT] = v;
  }
  /** Arithmetic mean (0 when empty). */
  get mean(): number {
    return this.f[this.at + M_MEAN] as number;
  }
  set mean(v: number) {
    this.f[this.at + M_MEAN] = v;
  }
  /** Σ (x − mean)², never negative. */
  get m2(): number {
    return this.f[this.at + M_M2] as number;
  }
  set m2(v: number) {
    this.f[this.at + M_M2] = v;
  }
  /** Largest `m2` since the last exact recomputation (the scale of the accumulated rounding error). */
  get m2Peak(): number {
    return this.f[this.at + M_PEAK] as number;
  }
  set m2Peak(v: number) {
    this.f[this.at + M_PEAK] = v;
  }
  /** Removals since the last exact recomputation. */
  get removalsSinceRecompute(): number {
    return this.f[this.at + M_REMOVALS] as number;
  }
  set removalsSinceRecompute(v: number) {
    this.f[this.at + M_REMOVALS] = v;
  }

  /** Adds `x`. O(1). */
  add(x: number): void {
    momentsAdd(this.f, this.at, x);
  }

  /** Removes `x`, which must be one of the values. O(1). */
  remove(x: number): void {
    momentsRemove(this.f, this.at, x);
  }

  /**
   * Replaces the state with an exact two-pass computation over the ring `values[0 … cap)`, reading `count`
   * values oldest-first from slot `head` (wrapping at `cap`, default `values.length`), and resets the removal
   * counter. O(count).
   */
  recompute(values: Float64Array, head: number, count: number, cap = values.length): void {
    momentsRecompute(this.f, this.at, values, head, count, cap);
  }

  /** True when the residue may be significant: `capacity` removals since the last recompute, or m2 ≪ peak. */
  needsRecompute(capacity: number): boolean {
    return momentsNeedRecompute(this.f, this.at, capacity);
  }

  /** Sample variance Σ(x − mean)² / (n − 1); 0 when fewer than two values. */
  sampleVariance(): number {
    return momentsSampleVariance(this.f, this.at);
  }
}
