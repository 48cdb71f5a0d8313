import { CountedBTree } from './counted-btree.js';
import {
  MOMENTS_WORDS,
  momentsAdd,
  momentsNeedRecompute,
  momentsRecompute,
  momentsRemove,
  RollingMoments,
} from './rolling-moments.js';

/**
 * A rolling window of finite values held in a ring buffer (arrival order), with the counted B+-tree over
 * the ring's slots (the class extends {@link CountedBTree}) and Welford moments kept in step.
 *
 * Two eviction policies share this structure:
 * - **count**: `capacity` = size; adding to a full window evicts the oldest arrival.
 * - **time**: `capacity` = maxSize; additionally {@link RollingWindow.evictBefore} drops points from the
 *   arrival-order front while their event time is ≤ the given cut-off. Accepted points are never more than
 *   the allowed lateness out of order, so front eviction is exact for in-order streams; a within-lateness
 *   point that arrived behind a newer one is evicted when it reaches the front (it can outlive the cut-off by
 *   at most the allowed lateness).
 *
 * Costs: add / evict O(log w) worst case (tree) + O(1) amortised for the moments (an exact O(w) recompute
 * every `capacity` removals, or when a dominant value leaves — see {@link RollingMoments}). Memory in one
 * ArrayBuffer: 8w (values) + 8w (event times, time windows only) + 40 bytes of moments + the tree's nodes
 * (664 bytes at w = 128). The moments live in that buffer too (see `rolling-moments.ts`), so the hot path
 * reaches every scalar of the window through one object and one contiguous block.
 */
export class RollingWindow extends CountedBTree {
  /**
   * The window's whole storage as float64 (see {@link CountedBTree.f64}): the ring of values in
   * `[0, capacity)`, then, for time windows, the ring of event times (ms) in `[capacity, 2·capacity)`, then
   * the moments at {@link RollingWindow.momentsBase} and the caller's words at {@link RollingWindow.extraBase}.
   */
  readonly values: Float64Array;
  private readonly withTimes: boolean;
  /**
   * Order statistics of the values in the window: the window itself. A rolling window *is* its
   * order-statistic ring (one object, so a cold series costs one dependent cache miss less).
   */
  readonly tree: CountedBTree;
  /** Offset in `values` of the moment scalars (see `rolling-moments.ts`). */
  readonly momentsBase: number;
  private momentsView: RollingMoments | null = null;
  /** Slot of the oldest arrival. */
  private head = 0;
  private count = 0;

  /** Offset in `values` of the caller's extra float64 words (after the moments), see the constructor. */
  readonly extraBase: number;

  /**
   * @param capacity maximum number of points (≥ 1); @param withTimes keep event times (time windows);
   * @param extraF64 float64 words reserved for the caller at `values[extraBase …)`, zero-initialised.
   */
  constructor(capacity: number, withTimes: boolean, extraF64 = 0) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`window capacity must be a positive integer, got ${capacity}`);
    }
    // One contiguous buffer per window: values, event times (time windows), moments, caller words, tree.
    super(capacity, (withTimes ? capacity : 0) + MOMENTS_WORDS + extraF64);
    this.momentsBase = capacity + (withTimes ? capacity : 0);
    this.extraBase = this.momentsBase + MOMENTS_WORDS;
    this.withTimes = withTimes;
    this.tree = this;
    this.values = this.f64;
  }

  /** Mean / variance of the values in the window: a view over the moment words of the buffer. */
  get moments(): RollingMoments {
    if (this.momentsView === null) this.momentsView = new RollingMoments(this.values, this.momentsBase);
    return this.momentsView;
  }

  /** Appends a point, evicting the oldest arrival first if the window is full. Expected O(log w). */
  push(timestampMs: number, value: number): void {
    if (this.count === this.capacity) {
      this.replaceOldest(timestampMs, value);
      return;
    }
    let slot = this.head + this.count;
    if (slot >= this.capacity) slot -= this.capacity;
    this.values[slot] = value;
    if (this.withTimes) this.values[this.capacity + slot] = timestampMs;
    this.insert(slot);
    momentsAdd(this.values, this.momentsBase, value);
    this.count++;
  }

  /** Time windows: evicts from the front while the oldest arrival's event time is ≤ `cutoffMs`. */
  evictBefore(cutoffMs: number): void {
    if (!this.withTimes) return;
    const values = this.values;
    const cap = this.capacity;
    while (this.count > 0 && (values[cap + this.head] as number) <= cutoffMs) this.evictOldest();
  }

  /** Value of the `i`-th oldest point (0 = oldest). */
  valueAt(i: number): number {
    let slot = this.head + i;
    if (slot >= this.capacity) slot -= this.capacity;
    return this.values[slot] as number;
  }

  /** Event time of the `i`-th oldest point (0 for count windows, which do not keep times). */
  timeAt(i: number): number {
    if (!this.withTimes) return 0;
    let slot = this.head + i;
    if (slot >= this.capacity) slot -= this.capacity;
    return this.values[this.capacity + slot] as number;
  }

  /**
   * A full window's push: evicts the oldest arrival and puts the new point into its slot, with the same
   * steps in the same order as {@link RollingWindow.evictOldest} followed by an insert (moments: remove,
   * recompute if due, add), but one tree update ({@link CountedBTree.replace}) instead of two.
   */
  private replaceOldest(timestampMs: number, value: number): void {
    const values = this.values;
    const cap = this.capacity;
    const m = this.momentsBase;
    const slot = this.head;
    const old = values[slot] as number;
    this.head = slot + 1 === cap ? 0 : slot + 1;
    momentsRemove(values, m, old);
    if (momentsNeedRecompute(values, m, cap)) {
      // The window without the evicted point: cap − 1 values from the new head (slot is not among them).
      momentsRecompute(values, m, values, this.head, cap - 1, cap);
    }
    if (this.withTimes) values[cap + slot] = timestampMs;
    this.replace(slot, value);
    momentsAdd(values, m, value);
  }

  /** Removes the oldest arrival. */
  private evictOldest(): void {
    const slot = this.head;
    const value = this.values[slot] as number;
    this.remove(slot);
    this.count--;
    this.head = slot + 1 === this.capacity ? 0 : slot + 1;
    const values = this.values;
    const m = this.momentsBase;
    momentsRemove(values, m, value);
    if (momentsNeedRecompute(values, m, this.capacity)) {
      momentsRecompute(values, m, values, this.head, this.count, this.capacity);
    }
  }
}
