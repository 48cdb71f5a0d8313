import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountedBTree } from '../../src/streams/counted-btree.js';
import { medianAbsoluteDeviation, quantile } from '../../src/streams/window-quantiles.js';
import { naiveMad, naiveQuantile } from './naive-model.js';

function treeOf(values: readonly number[]): CountedBTree {
  const tree = new CountedBTree(Math.max(1, values.length));
  values.forEach((v, i) => {
    tree.f64[i] = v;
    tree.insert(i);
  });
  return tree;
}

const valueArb = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1e9, -1e9),
);

describe('quantile (type 7)', () => {
  it.each([
    { values: [7], p: 0.5, expected: 7 },
    { values: [1, 3], p: 0.5, expected: 2 },
    { values: [1, 2, 3, 4], p: 0.25, expected: 1.75 },
    { values: [1, 2, 3, 4], p: 0.75, expected: 3.25 },
    { values: [4, 1, 3, 2, 5], p: 0.5, expected: 3 },
    { values: [], p: 0.5, expected: 0 },
  ])('q($p) of $values = $expected', ({ values, p, expected }) => {
    expect(quantile(treeOf(values), p)).toBe(expected);
  });

  it('equals the sorted-array definition', () => {
    fc.assert(
      fc.property(
        fc.array(valueArb, { minLength: 1, maxLength: 60 }),
        fc.constantFrom(0, 0.25, 0.5, 0.75, 1),
        (raw, p) => {
          const values = raw.map((v) => (v === 0 ? 0 : v));
          const sorted = [...values].sort((a, b) => a - b);
          expect(quantile(treeOf(values), p)).toBe(naiveQuantile(sorted, p));
        },
      ),
    );
  });
});

describe('medianAbsoluteDeviation', () => {
  it.each([
    { values: [5], expected: 0 },
    { values: [1, 3], expected: 1 },
    { values: [1, 1, 2, 2, 4, 6, 9], expected: 1 },
    { values: [3, 3, 3, 3], expected: 0 },
    { values: [1, 2, 3, 4], expected: 1 },
    { values: [0, 0, 0, 100], expected: 0 },
  ])('MAD of $values = $expected', ({ values, expected }) => {
    const tree = treeOf(values);
    expect(medianAbsoluteDeviation(tree, quantile(tree, 0.5))).toBe(expected);
  });

  it('equals median(|x − median|) for any multiset, whatever the search hint', () => {
    fc.assert(
      fc.property(
        fc.array(valueArb, { minLength: 1, maxLength: 80 }),
        fc.integer({ min: -5, max: 90 }),
        (raw, split) => {
          const values = raw.map((v) => (v === 0 ? 0 : v));
          const tree = treeOf(values);
          const median = quantile(tree, 0.5);
          const expected = naiveMad(values);
          expect(medianAbsoluteDeviation(tree, median)).toBe(expected);
          const hint = { split };
          expect(medianAbsoluteDeviation(tree, median, hint)).toBe(expected);
          // The hint now points at the answer; a second call must agree.
          expect(medianAbsoluteDeviation(tree, median, hint)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
