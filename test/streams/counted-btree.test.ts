import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountedBTree, FAN_MAX, LEAF_MAX } from '../../src/streams/counted-btree.js';

type Op = { insert: boolean; value: number; pick: number };

/** Replays insert/remove operations on a tree and on a plain multiset, checking every query after each step. */
function replay(capacity: number, ops: readonly Op[], checkAllRanks = true): void {
  const tree = new CountedBTree(capacity);
  const keys = tree.f64;
  const free = [...Array(capacity).keys()];
  const used: number[] = [];
  const out = new Float64Array(5);
  // ±0 compare equal in the tree (a multiset of numbers), so compare with ===, not Object.is.
  const same = (actual: number | undefined, expected: number | undefined) => {
    if (actual !== expected) expect(actual).toBe(expected);
  };
  const take = (from: number[], i: number): number => {
    const slot = from[i] as number;
    from[i] = from[from.length - 1] as number;
    from.pop();
    return slot;
  };
  for (const [step, op] of ops.entries()) {
    if (op.insert && free.length > 0) {
      const slot = take(free, op.pick % free.length);
      keys[slot] = op.value;
      tree.insert(slot);
      used.push(slot);
    } else if (used.length > 0) {
      const slot = take(used, op.pick % used.length);
      tree.remove(slot);
      free.push(slot);
    }
    if (checkAllRanks || step % 50 === 0 || step === ops.length - 1) tree.check();
    const sorted = used.map((s) => keys[s] as number).sort((a, b) => a - b);
    expect(tree.size).toBe(sorted.length);
    const ranks = checkAllRanks ? [...sorted.keys()] : [0, sorted.length >> 1, sorted.length - 1];
    for (const k of ranks) {
      if (k < 0 || k >= sorted.length) continue;
      same(tree.select(k), sorted[k]);
      tree.selectRun(k, 5, out, 0);
      for (let j = 0; j < 5; j++) {
        same(out[j], k + j < sorted.length ? sorted[k + j] : Number.POSITIVE_INFINITY);
      }
    }
    if (checkAllRanks || step % 50 === 0) {
      expect(tree.rankOf(op.value)).toBe(sorted.filter((v) => v < op.value).length);
    }
  }
}

const opArb = (values: fc.Arbitrary<number>) =>
  fc.record({ insert: fc.boolean(), value: values, pick: fc.nat() });

describe('CountedBTree', () => {
  it('matches a sorted multiset under random inserts and removes (with many ties)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(
          opArb(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }))),
          { maxLength: 150 },
        ),
        (capacity, ops) => replay(capacity, ops),
      ),
      { numRuns: 150 },
    );
  });

  it('splits, borrows and merges correctly across several levels (small fan-out stress)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 3000 }),
        fc.array(opArb(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ noNaN: true }))), {
          minLength: 500,
          maxLength: 2500,
        }),
        fc.double({ min: 0.3, max: 0.9, noNaN: true }),
        (capacity, ops, bias) => {
          // Bias towards inserts first, then towards removes, so the tree grows tall then shrinks.
          const shaped = ops.map((o, i) => ({
            ...o,
            insert: i < ops.length / 2 ? o.pick % 100 < bias * 100 : o.pick % 100 >= bias * 100,
          }));
          replay(capacity, shaped, false);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('stays within its node pools when kept full under churn (sliding windows, time-window evictions)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 700 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.double({ min: -1e3, max: 1e3, noNaN: true })), {
          minLength: 1,
          maxLength: 3000,
        }),
        fc.boolean(),
        (capacity, values, fifo) => {
          const ops: Op[] = [];
          for (const [i, value] of values.entries()) {
            // Fill up first, then alternate remove + insert (FIFO-like picks or random ones).
            if (i >= capacity) ops.push({ insert: false, value, pick: fifo ? 0 : i * 7919 });
            ops.push({ insert: true, value, pick: i });
          }
          replay(capacity, ops, false);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('handles ±0, huge and tiny magnitudes as values', () => {
    replay(
      64,
      [0, -0, 5e-324, -5e-324, 1.7976931348623157e308, -1.7976931348623157e308, 0, -0, 1e-300, 1e300].flatMap(
        (value, i) => [
          { insert: true, value, pick: i * 7 },
          { insert: true, value, pick: i * 3 },
          { insert: i % 3 === 0, value, pick: i },
        ],
      ),
    );
  });

  it('a sliding window over a monotone series keeps the height logarithmic', () => {
    const n = 50_000;
    const tree = new CountedBTree(n);
    for (let i = 0; i < n; i++) {
      tree.f64[i] = i;
      tree.insert(i);
    }
    // Leaves hold ≥ LEAF_MAX/2 slots and nodes ≥ FAN_MAX/2 children: depth ≤ 1 + log_(FAN_MAX/2)(n / (LEAF_MAX/2)).
    const bound = 1 + Math.ceil(Math.log(n / (LEAF_MAX / 2)) / Math.log(FAN_MAX / 2));
    expect(tree.depth).toBeLessThanOrEqual(bound);
    tree.check();
    for (let i = 0; i < n; i += 2) tree.remove(i);
    tree.check();
    expect(tree.size).toBe(n / 2);
    expect(tree.select(0)).toBe(1);
    expect(tree.select(12_345)).toBe(2 * 12_345 + 1);
    for (let i = 1; i < n; i += 2) tree.remove(i);
    tree.check();
    expect(tree.size).toBe(0);
    expect(tree.depth).toBe(1);
  });

  it('uses wider slot and index types for large capacities', () => {
    const n = 70_000;
    const tree = new CountedBTree(n);
    for (let i = 0; i < n; i++) {
      tree.f64[i] = (i * 7919) % n;
      tree.insert(i);
    }
    expect(tree.size).toBe(n);
    expect(tree.select(n - 1)).toBe(n - 1);
    expect(tree.select(12_345)).toBe(12_345);
    tree.check();
  });

  it('rejects out-of-range ranks, unknown slots and a full tree, and stays usable', () => {
    const tree = new CountedBTree(4);
    tree.f64[0] = 1;
    tree.insert(0);
    expect(() => tree.select(1)).toThrow(RangeError);
    expect(() => tree.remove(2)).toThrow(/not in the tree/);
    tree.check();
    for (let s = 1; s < 4; s++) {
      tree.f64[s] = s;
      tree.insert(s);
    }
    expect(() => tree.insert(0)).toThrow(/full/);
    expect([0, 1, 2, 3].map((k) => tree.select(k))).toEqual([1, 1, 2, 3]);
  });
});
