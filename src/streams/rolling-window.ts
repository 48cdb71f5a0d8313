import { OrderStatisticTree } from './order-statistic-tree.js';
import { RollingMoments } from './rolling-moments.js';

/**
 * A rolling window of finite values held in a ring buffer (arrival order), with an order-statistic tree
 * and Welford moments kept in step.
 *
 * Two eviction policies share this structure:
 * - **count**: `capacity` = size; adding to a full window evicts the oldest arrival.
 * - **time**: `capacity` = maxSize; additionally {@link RollingWindow.evictBefore} drops points from the
 *   arrival-order front while their event time is ≤ the given cut-off. Accepted points are never more than
 *   the allowed lateness out of order, so front eviction is exact for in-order streams; a within-lateness
 *   point that arrived behind a newer one is evicted when it reaches the front (it can outlive the cut-off by
 *   at most the allowed lateness).
 *
 * Costs: add / evict O(log w) expected (tree) + O(1) amortised for the moments (an exact O(w) recompute
 * every `capacity` removals, or when a dominant value leaves — see {@link RollingMoments}). Memory at capacity w: 8w (values) + 6w (tree links) bytes, + 8w for event times (time windows).
 */
export class RollingWindow {
  /** Maximum number of points. */
  readonly capacity: number;
  /** Ring of values; slot `i` is tree node `i`. */
  readonly values: Float64Array;
  /** Ring of event times (ms), only for time windows. */
  readonly times: Float64Array | null;
  /** Order statistics of the values in the window. */
  readonly tree: OrderStatisticTree;
  /** Mean / variance of the values in the window. */
  readonly moments = new RollingMoments();
  /** Slot of the oldest arrival. */
  private head = 0;
  private count = 0;

  /** @param capacity maximum number of points (≥ 1); @param withTimes keep event times (time windows). */
  constructor(capacity: number, withTimes: boolean) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`window capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    // One contiguous buffer per window: values, event times (time windows), tree links.
    const timeBytes = withTimes ? 8 * capacity : 0;
    const buffer = new ArrayBuffer(8 * capacity + timeBytes + OrderStatisticTree.linkBytes(capacity));
    this.values = new Float64Array(buffer, 0, capacity);
    this.times = withTimes ? new Float64Array(buffer, 8 * capacity, capacity) : null;
    this.tree = new OrderStatisticTree(
      this.values,
      OrderStatisticTree.allocateLinks(capacity, buffer, 8 * capacity + timeBytes),
    );
  }

  /**
   * Reads one word per 64-byte cache line of the window's buffer, in address order. Tree descents are chains
   * of dependent loads; when many series are interleaved the state is usually out of cache, and touching it
   * linearly first lets the CPU fetch all lines in parallel instead of one miss per tree level. Returns a
   * meaningless number (so the loads are not optimised away). O(w).
   */
  prefetch(): number {
    return (
      this.tree.prefetch() + prefetchF64(this.values) + (this.times === null ? 0 : prefetchF64(this.times))
    );
  }

  /** Number of points in the window. */
  get size(): number {
    return this.count;
  }

  /** Appends a point, evicting the oldest arrival first if the window is full. Expected O(log w). */
  push(timestampMs: number, value: number): void {
    if (this.count === this.capacity) this.evictOldest();
    let slot = this.head + this.count;
    if (slot >= this.capacity) slot -= this.capacity;
    this.values[slot] = value;
    if (this.times !== null) this.times[slot] = timestampMs;
    this.tree.insert(slot);
    this.moments.add(value);
    this.count++;
  }

  /** Time windows: evicts from the front while the oldest arrival's event time is ≤ `cutoffMs`. */
  evictBefore(cutoffMs: number): void {
    const times = this.times;
    if (times === null) return;
    while (this.count > 0 && (times[this.head] as number) <= cutoffMs) this.evictOldest();
  }

  /** Value of the `i`-th oldest point (0 = oldest). */
  valueAt(i: number): number {
    let slot = this.head + i;
    if (slot >= this.capacity) slot -= this.capacity;
    return this.values[slot] as number;
  }

  /** Event time of the `i`-th oldest point (0 for count windows, which do not keep times). */
  timeAt(i: number): number {
    if (this.times === null) return 0;
    let slot = this.head + i;
    if (slot >= this.capacity) slot -= this.capacity;
    return this.times[slot] as number;
  }

  /** Removes the oldest arrival. */
  private evictOldest(): void {
    const slot = this.head;
    const value = this.values[slot] as number;
    this.tree.remove(slot);
    this.count--;
    this.head = slot + 1 === this.capacity ? 0 : slot + 1;
    this.moments.remove(value);
    if (this.moments.needsRecompute(this.capacity)) {
      this.moments.recompute(this.values, this.head, this.count);
    }
  }
}

/** Reads one element per 64-byte line of `a`. */
function prefetchF64(a: Float64Array): number {
  let acc = 0;
  for (let i = 0; i < a.length; i += 8) acc += a[i] as number;
  return acc;
}
