import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderStatisticTree } from '../../src/streams/order-statistic-tree.js';

/** Replays insert/remove operations on a tree and on a plain multiset, checking every query after each step. */
function replay(capacity: number, ops: readonly { insert: boolean; value: number; pick: number }[]): void {
  const keys = new Float64Array(capacity);
  const tree = new OrderStatisticTree(keys);
  const used = new Set<number>();
  const pair = new Float64Array(2);
  for (const op of ops) {
    const free = [...Array(capacity).keys()].filter((s) => !used.has(s));
    if (op.insert && free.length > 0) {
      const slot = free[op.pick % free.length] as number;
      keys[slot] = op.value;
      tree.insert(slot);
      used.add(slot);
    } else if (used.size > 0) {
      const slot = [...used][op.pick % used.size] as number;
      tree.remove(slot);
      used.delete(slot);
    }
    const sorted = [...used].map((s) => keys[s] as number).sort((a, b) => a - b);
    expect(tree.size).toBe(sorted.length);
    for (let k = 0; k < sorted.length; k++) {
      expect(tree.select(k)).toBe(sorted[k]);
      tree.selectPair(k, pair, 0);
      expect(pair[0]).toBe(sorted[k]);
      expect(pair[1]).toBe(k + 1 < sorted.length ? sorted[k + 1] : Number.POSITIVE_INFINITY);
    }
    expect(tree.rankOf(op.value)).toBe(sorted.filter((v) => v < op.value).length);
  }
}

describe('OrderStatisticTree', () => {
  it('matches a sorted multiset under random inserts and removes (with many ties)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(
          fc.record({
            insert: fc.boolean(),
            value: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
            pick: fc.nat(),
          }),
          { maxLength: 120 },
        ),
        (capacity, ops) =>
          replay(
            capacity,
            ops.map((o) => ({ ...o, value: o.value === 0 ? 0 : o.value })),
          ),
      ),
      { numRuns: 150 },
    );
  });

  it('stays shallow on adversarial (monotone) input', () => {
    const n = 4096;
    const keys = new Float64Array(n);
    const tree = new OrderStatisticTree(keys);
    for (let i = 0; i < n; i++) {
      keys[i] = i;
      tree.insert(i);
    }
    // Expected treap depth is about 2·ln n ≈ 17 at 4096; a degenerate list would be 4096.
    expect(tree.height()).toBeLessThan(40);
    for (let i = 0; i < n; i += 2) tree.remove(i);
    expect(tree.size).toBe(n / 2);
    expect(tree.select(0)).toBe(1);
    expect(tree.height()).toBeLessThan(40);
  });

  it('uses 32-bit links above 32 767 slots', () => {
    const n = 40_000;
    const keys = new Float64Array(n);
    const tree = new OrderStatisticTree(keys);
    for (let i = 0; i < n; i++) {
      keys[i] = (i * 7919) % n;
      tree.insert(i);
    }
    expect(tree.size).toBe(n);
    expect(tree.select(n - 1)).toBe(n - 1);
    expect(tree.select(12_345)).toBe(12_345);
  });

  it('rejects out-of-range ranks and unknown slots', () => {
    const keys = new Float64Array(4);
    const tree = new OrderStatisticTree(keys);
    keys[0] = 1;
    tree.insert(0);
    expect(() => tree.select(1)).toThrow(RangeError);
    expect(() => tree.remove(2)).toThrow(/not in the tree/);
  });
});
