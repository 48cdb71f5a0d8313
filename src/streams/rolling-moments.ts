/**
 * Mean and sum of squared deviations of a sliding multiset, updated with Welford's add/remove formulas.
 *
 * Numerical guards: removal leaves rounding residue of about ε·(largest m2 since the last exact
 * computation) — catastrophic cancellation when a large value leaves a window of small ones. The owner
 * calls {@link RollingMoments.recompute} (exact two-pass) when {@link RollingMoments.needsRecompute} says so:
 * every `capacity` removals (bounds slow drift, amortised O(1)) and whenever `m2` has fallen below
 * 1/10 000 of its peak since the last recompute (at most ~4 of 16 digits lost). The second trigger needs a
 * dominant value to leave, so it fires at most about once per window length per outlier. `m2` is clamped
 * at 0. The scalars are serialised verbatim so a restored detector continues bit-identically.
 */
export class RollingMoments {
  /** Number of values. */
  count = 0;
  /** Arithmetic mean (0 when empty). */
  mean = 0;
  /** Σ (x − mean)², never negative. */
  m2 = 0;
  /** Removals since the last exact recomputation. */
  removalsSinceRecompute = 0;
  /** Largest `m2` since the last exact recomputation (the scale of the accumulated rounding error). */
  m2Peak = 0;

  /** Adds `x`. O(1). */
  add(x: number): void {
    const n = this.count + 1;
    const delta = x - this.mean;
    this.mean += delta / n;
    this.m2 += delta * (x - this.mean);
    if (this.m2 > this.m2Peak) this.m2Peak = this.m2;
    this.count = n;
  }

  /** Removes `x`, which must be one of the values. O(1). */
  remove(x: number): void {
    const n = this.count - 1;
    this.removalsSinceRecompute++;
    if (n === 0) {
      this.count = 0;
      this.mean = 0;
      this.m2 = 0;
      this.m2Peak = 0;
      return;
    }
    const delta = x - this.mean;
    this.mean -= delta / n;
    const m2 = this.m2 - delta * (x - this.mean);
    this.m2 = Math.max(m2, 0);
    this.count = n;
  }

  /**
   * Replaces the state with an exact two-pass computation over the ring `values[0 … cap)`, reading `count`
   * values oldest-first from slot `head` (wrapping at `cap`, default `values.length`), and resets the removal
   * counter. O(count).
   */
  recompute(values: Float64Array, head: number, count: number, cap = values.length): void {
    let sum = 0;
    for (let i = 0, s = head; i < count; i++, s = s + 1 === cap ? 0 : s + 1) sum += values[s] as number;
    const mean = count === 0 ? 0 : sum / count;
    let m2 = 0;
    for (let i = 0, s = head; i < count; i++, s = s + 1 === cap ? 0 : s + 1) {
      const d = (values[s] as number) - mean;
      m2 += d * d;
    }
    this.count = count;
    this.mean = mean;
    this.m2 = m2;
    this.m2Peak = m2;
    this.removalsSinceRecompute = 0;
  }

  /** True when the residue may be significant: `capacity` removals since the last recompute, or m2 ≪ peak. */
  needsRecompute(capacity: number): boolean {
    return this.removalsSinceRecompute >= capacity || this.m2 * 1e4 < this.m2Peak;
  }

  /** Sample variance Σ(x − mean)² / (n − 1); 0 when fewer than two values. */
  sampleVariance(): number {
    return this.count < 2 ? 0 : this.m2 / (this.count - 1);
  }
}
