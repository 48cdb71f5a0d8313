import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountedBTree } from '../../src/streams/counted-btree.js';

const valueArb = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.constantFrom(0, 5e-324, -5e-324, 1e300, -1e300),
);

/** Sorted copy of the values held in `slots` (−0 normalised, as the detector does before inserting). */
function sortedValues(tree: CountedBTree, slots: readonly number[]): number[] {
  return slots.map((s) => tree.f64[s] as number).sort((a, b) => a - b);
}

/** A tree holding `values` in slots 0 … n − 1. */
function filled(capacity: number, values: readonly number[]): CountedBTree {
  const tree = new CountedBTree(capacity);
  values.forEach((v, i) => {
    tree.f64[i] = v === 0 ? 0 : v;
    tree.insert(i);
  });
  return tree;
}

describe('CountedBTree.replace', () => {
  it('holds the same multiset as remove + insert, across leaf moves, splits, borrows and merges', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.array(valueArb, { minLength: 1, maxLength: 400 }),
        fc.array(fc.record({ pick: fc.nat(), value: valueArb }), { maxLength: 600 }),
        (capacity, initial, ops) => {
          const values = initial.slice(0, capacity);
          const tree = filled(capacity, values);
          const slots = values.map((_, i) => i);
          for (const [step, op] of ops.entries()) {
            const slot = slots[op.pick % slots.length] as number;
            tree.replace(slot, op.value === 0 ? 0 : op.value);
            if (step % 25 === 0 || step === ops.length - 1) tree.check();
            const sorted = sortedValues(tree, slots);
            expect(tree.size).toBe(sorted.length);
            for (const k of [0, sorted.length >> 2, sorted.length >> 1, sorted.length - 1]) {
              if (tree.select(k) !== sorted[k]) expect(tree.select(k)).toBe(sorted[k]);
            }
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('replacing a value by itself changes nothing; an unknown slot throws', () => {
    const tree = filled(8, [3, 1, 2, 2, 5]);
    tree.replace(3, 2);
    tree.check();
    expect([0, 1, 2, 3, 4].map((k) => tree.select(k))).toEqual([1, 2, 2, 3, 5]);
    expect(() => tree.replace(6, 1)).toThrow(/not in the tree/);
  });
});

describe('CountedBTree.selectPairs3', () => {
  it('returns the values at k and k + 1 (k again at the last rank) for three ascending ranks', () => {
    fc.assert(
      fc.property(
        fc.array(valueArb, { minLength: 1, maxLength: 700 }),
        fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
        (raw, picks) => {
          const tree = filled(raw.length, raw);
          const sorted = sortedValues(
            tree,
            raw.map((_, i) => i),
          );
          const n = sorted.length;
          const [k0, k1, k2] = picks.map((p) => p % n).sort((a, b) => a - b) as [number, number, number];
          const out = new Float64Array(6);
          tree.selectPairs3(k0, k1, k2, out);
          const at = (k: number) => sorted[Math.min(k, n - 1)] as number;
          expect(Array.from(out)).toEqual([at(k0), at(k0 + 1), at(k1), at(k1 + 1), at(k2), at(k2 + 1)]);
          // The fingers it leaves behind answer later selects correctly.
          for (const k of [k0, k0 + 1, k2, k2 + 1, 0, n - 1])
            if (k < n) expect(tree.select(k)).toBe(sorted[k]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects ranks out of order or out of range', () => {
    const tree = filled(4, [1, 2, 3]);
    const out = new Float64Array(6);
    expect(() => tree.selectPairs3(1, 0, 2, out)).toThrow(RangeError);
    expect(() => tree.selectPairs3(0, 1, 3, out)).toThrow(RangeError);
  });
});
