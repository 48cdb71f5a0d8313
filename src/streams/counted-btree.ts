/**
 * Counted B+-tree of ring-buffer slots ordered by the value in the slot: the order-statistic structure of a
 * rolling window.
 *
 * Leaves hold slot numbers (1 byte each for capacities ≤ 256, else 2 or 4), sorted by `(value, slot)`, which
 * makes every key unique even with ties. Internal nodes hold, per child, the child id, the number of values
 * below it and a separator — a copy of the smallest key `(value, slot)` the child may hold (a lower bound
 * that stays valid after the key left, even when the slot is reused). Every query returns values only, so
 * two trees holding the same multiset answer identically whatever their shapes: restore-then-continue is
 * bit-identical.
 *
 * Constant fan-outs (leaves 10–32 slots, internal nodes 8–16 children; only the root and its only child may
 * hold fewer), so every operation is O(B · log_B w) = O(log w) with few, contiguous cache lines: at w = 128
 * the whole structure is one root and at most 12 leaves of 32 bytes. Rebalancing is top-down (split full
 * nodes on the way down when inserting, borrow/merge minimal nodes on the way down when removing), no
 * recursion, no allocation after construction.
 *
 * Storage: one ArrayBuffer, laid out as `[f64: values | extra f64 | separator values][ix: internal
 * records, leaf sizes, free-leaf and free-node stacks][leaf slots]`; the caller may use the "extra" float64
 * region (e.g. event times) so a whole rolling window is one contiguous block.
 */

/** Most slots in a leaf; a full leaf is split in two halves before an insert descends into it. */
export const LEAF_MAX = 32;
/**
 * Fewest slots in a leaf that has siblings. Below half of LEAF_MAX so that the halves of a split leaf (16
 * each) are not immediately minimal; 2·LEAF_MIN ≤ LEAF_MAX so that two minimal leaves can merge.
 */
export const LEAF_MIN = 10;
const LEAF_HALF = LEAF_MAX >> 1;
/** Most children of an internal node. */
export const FAN_MAX = 16;
/** Fewest children of a non-root internal node. */
export const FAN_MIN = FAN_MAX >> 1;

// Internal node record in `ix` (at node · STRIDE): [size, child × FAN_MAX, count × FAN_MAX, sepSlot × FAN_MAX].
const CHILD = 1;
const COUNT = 1 + FAN_MAX;
const SEP_SLOT = 1 + 2 * FAN_MAX;
const STRIDE = 1 + 3 * FAN_MAX;

// The hot methods (insert, remove, replace and its leaf helpers, selectPairs3, descend, findChild) write the
// layout constants above as literals, e.g. `32 /* LEAF_MAX */`: V8 does not constant-fold module-level
// constants, so each named use there would cost a load and a check on every point. This keeps them in step.
if (LEAF_MAX !== 32 || LEAF_MIN !== 10 || FAN_MAX !== 16 || CHILD !== 1 || COUNT !== 17 || SEP_SLOT !== 33) {
  throw new Error('counted-btree: update the literal layout constants in the hot methods');
}
if (STRIDE !== 49) throw new Error('counted-btree: update the literal layout constants in the hot methods');

type SlotArray = Uint8Array | Uint16Array | Uint32Array;
type IndexArray = Uint16Array | Int32Array;

/**
 * Exact worst-case pool sizes for `capacity` values: every leaf with a sibling holds ≥ LEAF_MIN slots and
 * every non-root internal node ≥ FAN_MIN children (also right after a split), so level j holds at most
 * max(1, ⌊nodes below / minimum⌋) nodes; the root level is the first with one node.
 */
function poolSizes(capacity: number): { leaves: number; nodes: number } {
  const leaves = Math.max(1, Math.floor(capacity / LEAF_MIN));
  let nodes = 0;
  let level = leaves;
  do {
    level = Math.max(1, Math.floor(level / FAN_MIN));
    nodes += level;
  } while (level > 1);
  return { leaves, nodes: nodes + (leaves >= FAN_MAX ? 1 : 0) };
}

/**
 * Order statistics over the values of a ring buffer of `capacity` slots; see the module comment.
 *
 * @example
 * const t = new CountedBTree(4);
 * t.values[0] = 5; t.insert(0);
 * t.values[1] = 2; t.insert(1);
 * t.select(0); // 2
 */
export class CountedBTree {
  /** Maximum number of values (slots 0 … capacity − 1). */
  readonly capacity: number;
  /**
   * The whole storage as float64: `values` occupy `[0, capacity)`, the caller's extra region
   * `[capacity, capacity + extra)`, separators follow. Write a slot's value before `insert(slot)` and keep
   * it until `remove(slot)`.
   */
  readonly f64: Float64Array;
  /** Offset in `f64` of the caller's extra float64 region. */
  readonly extraOffset: number;
  private readonly ix: IndexArray;
  private readonly leaves: SlotArray;
  private readonly sepBase: number;
  /** Length of the float64 region (values, extra, separators); integer regions follow. */
  private readonly f64Words: number;
  /** Elements per 64-byte line in `ix` and in `leaves`. */
  private readonly ixLineStep: number;
  private readonly leafLineStep: number;
  private readonly leafSizeBase: number;
  private readonly freeLeafBase: number;
  private readonly freeNodeBase: number;
  private freeLeafTop: number;
  private freeNodeTop: number;
  private root: number;
  /** Number of internal levels (≥ 1): the root is always internal, leaves are `height` levels below. */
  private height = 1;
  private total = 0;
  /**
   * Two "fingers": the leaves most recently reached by {@link CountedBTree.select}, as (first rank, size,
   * offset in `leaves`), most recent first. Queries at nearby ranks (a rank and its successor, the MAD
   * search around Q1 and Q3) then cost O(1). Reset by every insert and remove.
   */
  private f0Start = 0;
  private f0Size = 0;
  private f0Base = 0;
  private f1Start = 0;
  private f1Size = 0;
  private f1Base = 0;

  /** @param capacity maximum number of slots (≥ 1); @param extraF64 float64 words reserved for the caller. */
  constructor(capacity: number, extraF64 = 0) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`CountedBTree capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    const { leaves, nodes } = poolSizes(capacity);
    const wide = capacity > 65_535;
    const ixBytes = wide ? 4 : 2;
    const slotBytes = capacity <= 256 ? 1 : capacity <= 65_536 ? 2 : 4;
    const f64Words = capacity + extraF64 + nodes * FAN_MAX;
    // ix: internal records, leaf sizes, free-leaf stack, free-node stack.
    const ixWords = nodes * STRIDE + leaves + leaves + nodes;
    const ixOffset = f64Words * 8;
    const leafOffset = ixOffset + Math.ceil((ixWords * ixBytes) / 8) * 8;
    const totalBytes = leafOffset + Math.ceil((leaves * LEAF_MAX * slotBytes) / 8) * 8;
    const buffer = new ArrayBuffer(totalBytes);
    this.f64 = new Float64Array(buffer);
    this.extraOffset = capacity;
    this.sepBase = capacity + extraF64;
    this.f64Words = f64Words;
    this.ixLineStep = 64 / ixBytes;
    this.leafLineStep = 64 / slotBytes;
    this.ix = wide ? new Int32Array(buffer, ixOffset, ixWords) : new Uint16Array(buffer, ixOffset, ixWords);
    const slotCount = leaves * LEAF_MAX;
    this.leaves =
      slotBytes === 1
        ? new Uint8Array(buffer, leafOffset, slotCount)
        : slotBytes === 2
          ? new Uint16Array(buffer, leafOffset, slotCount)
          : new Uint32Array(buffer, leafOffset, slotCount);
    this.leafSizeBase = nodes * STRIDE;
    this.freeLeafBase = this.leafSizeBase + leaves;
    this.freeNodeBase = this.freeLeafBase + leaves;
    const ix = this.ix;
    for (let i = 0; i < leaves; i++) ix[this.freeLeafBase + i] = leaves - 1 - i;
    for (let i = 0; i < nodes; i++) ix[this.freeNodeBase + i] = nodes - 1 - i;
    this.freeLeafTop = leaves;
    this.freeNodeTop = nodes;
    this.root = this.allocNode();
    const leaf = this.allocLeaf();
    const r = this.root * STRIDE;
    ix[r] = 1;
    ix[r + CHILD] = leaf;
    ix[r + COUNT] = 0;
    ix[this.leafSizeBase + leaf] = 0;
  }

  /** The values region of {@link CountedBTree.f64} (`subarray(0, capacity)`), for callers that want a view. */
  valuesView(): Float64Array {
    return this.f64.subarray(0, this.capacity);
  }

  /** Number of values in the tree. O(1). */
  get size(): number {
    return this.total;
  }

  /** Number of internal levels above the leaves (for tests and diagnostics). */
  get depth(): number {
    return this.height;
  }

  /** Inserts slot `id` (not currently in the tree) with value `f64[id]`. O(log w). */
  insert(id: number): void {
    if (this.total >= this.capacity) throw new RangeError('CountedBTree.insert: tree is full');
    const ix = this.ix;
    const f64 = this.f64;
    const v = f64[id] as number;
    if (ix[this.root * 49 /* STRIDE */] === 16 /* FAN_MAX */) {
      const top = this.allocNode();
      const t = top * 49 /* STRIDE */;
      ix[t] = 1;
      ix[t + 1 /* CHILD */] = this.root;
      ix[t + 17 /* COUNT */] = this.total;
      this.root = top;
      this.height++;
      this.splitChild(top, 0, false);
    }
    let node = this.root;
    for (let level = this.height; level >= 1; level--) {
      const base = node * 49 /* STRIDE */;
      let i = this.findChild(node, v, id);
      const childIsLeaf = level === 1;
      const c = ix[base + 1 /* CHILD */ + i] as number;
      const full = childIsLeaf
        ? ix[this.leafSizeBase + c] === 32 /* LEAF_MAX */
        : ix[c * 49 /* STRIDE */] === 16 /* FAN_MAX */;
      if (full) {
        this.splitChild(node, i, childIsLeaf);
        const sv = f64[this.sepBase + node * 16 /* FAN_MAX */ + i + 1] as number;
        if (v > sv || (v === sv && id >= (ix[base + 33 /* SEP_SLOT */ + i + 1] as number))) i++;
      }
      ix[base + 17 /* COUNT */ + i] = (ix[base + 17 /* COUNT */ + i] as number) + 1;
      node = ix[base + 1 /* CHILD */ + i] as number;
    }
    // node is a leaf with room: insert at the lower bound of (v, id).
    const leaves = this.leaves;
    const sizeAt = this.leafSizeBase + node;
    const n = ix[sizeAt] as number;
    const l0 = node * 32 /* LEAF_MAX */;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = leaves[l0 + mid] as number;
      const ev = f64[e] as number;
      if (ev < v || (ev === v && e < id)) lo = mid + 1;
      else hi = mid;
    }
    for (let j = l0 + n; j > l0 + lo; j--) leaves[j] = leaves[j - 1] as number;
    leaves[l0 + lo] = id;
    ix[sizeAt] = n + 1;
    this.total++;
    this.f0Size = 0;
    this.f1Size = 0;
  }

  /** Removes slot `id`, which must be in the tree with its value unchanged since insertion. O(log w). */
  remove(id: number): void {
    const ix = this.ix;
    const f64 = this.f64;
    const v = f64[id] as number;
    let node = this.root;
    for (let level = this.height; level >= 1; level--) {
      const base = node * 49 /* STRIDE */;
      let i = this.findChild(node, v, id);
      if ((ix[base] as number) > 1) {
        const c = ix[base + 1 /* CHILD */ + i] as number;
        const minimal =
          level === 1 ? ix[this.leafSizeBase + c] === 10 /* LEAF_MIN */ : ix[c * 49 /* STRIDE */] === FAN_MIN;
        if (minimal) i = level === 1 ? this.fixLeaf(node, i) : this.fixInternal(node, i);
      }
      ix[base + 17 /* COUNT */ + i] = (ix[base + 17 /* COUNT */ + i] as number) - 1;
      node = ix[base + 1 /* CHILD */ + i] as number;
    }
    const leaves = this.leaves;
    const sizeAt = this.leafSizeBase + node;
    const n = ix[sizeAt] as number;
    const l0 = node * 32 /* LEAF_MAX */;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = leaves[l0 + mid] as number;
      const ev = f64[e] as number;
      if (ev < v || (ev === v && e < id)) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= n || leaves[l0 + lo] !== id) {
      this.rebuildCountsAfterFailedRemove(v, id);
      throw new Error(`CountedBTree.remove: slot ${id} is not in the tree`);
    }
    for (let j = l0 + lo; j < l0 + n - 1; j++) leaves[j] = leaves[j + 1] as number;
    ix[sizeAt] = n - 1;
    this.total--;
    this.f0Size = 0;
    this.f1Size = 0;
    // Collapse a root left with a single internal child.
    while (this.height > 1 && ix[this.root * 49 /* STRIDE */] === 1) {
      const old = this.root;
      this.root = ix[old * 49 /* STRIDE */ + 1 /* CHILD */] as number;
      this.freeNode(old);
      this.height--;
    }
  }

  /**
   * Gives slot `id`, which must be in the tree with its value unchanged since insertion, the new value
   * `value` (written to `f64[id]`): the same multiset as `remove(id)`, `f64[id] = value`, `insert(id)`.
   * O(log w). A full rolling window does this once per point; with one internal level (w < 170) and
   * when no leaf has to be split, borrowed from or merged, it is one root scan and one shift inside a leaf
   * (or one shift in each of two leaves) instead of two descents.
   */
  replace(id: number, value: number): void {
    const ix = this.ix;
    const f64 = this.f64;
    const old = f64[id] as number;
    if (this.height === 1) {
      const root = this.root;
      const r = root * 49 /* STRIDE */;
      const size = ix[r] as number;
      const i = this.findChild(root, old, id);
      const j = this.findChild(root, value, id);
      const a = ix[r + 1 /* CHILD */ + i] as number;
      const na = ix[this.leafSizeBase + a] as number;
      if (i === j) {
        this.moveWithinLeaf(a, na, id, old, value);
        f64[id] = value;
        this.f0Size = 0;
        this.f1Size = 0;
        return;
      }
      const b = ix[r + 1 /* CHILD */ + j] as number;
      const nb = ix[this.leafSizeBase + b] as number;
      if ((na > 10 /* LEAF_MIN */ || size === 1) && nb < 32 /* LEAF_MAX */) {
        this.leafDelete(a, na, id, old);
        ix[r + 17 /* COUNT */ + i] = (ix[r + 17 /* COUNT */ + i] as number) - 1;
        this.leafInsert(b, nb, id, value);
        ix[r + 17 /* COUNT */ + j] = (ix[r + 17 /* COUNT */ + j] as number) + 1;
        f64[id] = value;
        this.f0Size = 0;
        this.f1Size = 0;
        return;
      }
    }
    this.remove(id);
    f64[id] = value;
    this.insert(id);
  }

  /** Leaf `leaf` (size n) holds `id` with value `old`: moves it to the position of value `value`. */
  private moveWithinLeaf(leaf: number, n: number, id: number, old: number, value: number): void {
    const leaves = this.leaves;
    const l0 = leaf * 32 /* LEAF_MAX */;
    const p = this.lowerBound(l0, n, old, id);
    if (p >= n || leaves[l0 + p] !== id)
      throw new Error(`CountedBTree.replace: slot ${id} is not in the tree`);
    // Lower bound of the new key among all n entries (the old entry still compares as (old, id)).
    const q = this.lowerBound(l0, n, value, id);
    if (q > p) {
      for (let k = l0 + p; k < l0 + q - 1; k++) leaves[k] = leaves[k + 1] as number;
      leaves[l0 + q - 1] = id;
    } else if (q < p) {
      for (let k = l0 + p; k > l0 + q; k--) leaves[k] = leaves[k - 1] as number;
      leaves[l0 + q] = id;
    }
  }

  /** Removes `id` (value `v`) from leaf `leaf` of size n (no rebalancing). */
  private leafDelete(leaf: number, n: number, id: number, v: number): void {
    const leaves = this.leaves;
    const l0 = leaf * 32 /* LEAF_MAX */;
    const p = this.lowerBound(l0, n, v, id);
    if (p >= n || leaves[l0 + p] !== id)
      throw new Error(`CountedBTree.replace: slot ${id} is not in the tree`);
    for (let k = l0 + p; k < l0 + n - 1; k++) leaves[k] = leaves[k + 1] as number;
    this.ix[this.leafSizeBase + leaf] = n - 1;
  }

  /** Inserts `id` with value `v` into leaf `leaf` of size n < LEAF_MAX (no rebalancing). */
  private leafInsert(leaf: number, n: number, id: number, v: number): void {
    const leaves = this.leaves;
    const l0 = leaf * 32 /* LEAF_MAX */;
    const q = this.lowerBound(l0, n, v, id);
    for (let k = l0 + n; k > l0 + q; k--) leaves[k] = leaves[k - 1] as number;
    leaves[l0 + q] = id;
    this.ix[this.leafSizeBase + leaf] = n + 1;
  }

  /** Index in `leaves[l0 … l0 + n)` of the first key not below `(v, id)`. */
  private lowerBound(l0: number, n: number, v: number, id: number): number {
    const leaves = this.leaves;
    const f64 = this.f64;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = leaves[l0 + mid] as number;
      const ev = f64[e] as number;
      if (ev < v || (ev === v && e < id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The value of rank `k` (0-based, ascending): `select(0)` is the minimum. Requires `0 ≤ k < size`.
   * O(log w).
   */
  select(k: number): number {
    const d0 = k - this.f0Start;
    if (d0 >= 0 && d0 < this.f0Size) return this.f64[this.leaves[this.f0Base + d0] as number] as number;
    const d1 = k - this.f1Start;
    if (d1 >= 0 && d1 < this.f1Size) return this.f64[this.leaves[this.f1Base + d1] as number] as number;
    return this.descend(k);
  }

  /**
   * Writes the values at the ascending ranks `ranks[0 … m)` (each in [0, size)) to `out[0 … m)` in one
   * pass over the root when the tree has one internal level (always for w < 170), else one select per
   * rank. O(log w + m).
   */
  selectAscending(ranks: Int32Array, m: number, out: Float64Array): void {
    if (this.height !== 1) {
      for (let j = 0; j < m; j++) out[j] = this.select(ranks[j] as number);
      return;
    }
    const ix = this.ix;
    const f64 = this.f64;
    const leaves = this.leaves;
    const last = ranks[m - 1] as number;
    if (!(last < this.total && (ranks[0] as number) >= 0)) {
      throw new RangeError(`CountedBTree.selectAscending: ranks out of range [0, ${this.total})`);
    }
    let at = this.root * STRIDE + COUNT;
    let start = 0;
    let c = ix[at] as number;
    for (let j = 0; j < m; j++) {
      const k = ranks[j] as number;
      while (k - start >= c) {
        start += c;
        c = ix[++at] as number;
      }
      const base = (ix[at - FAN_MAX] as number) * LEAF_MAX;
      out[j] = f64[leaves[base + k - start] as number] as number;
      // Fingers: the leaves of the first and the last rank (the MAD search probes near Q1 and Q3).
      if (j === 0) {
        this.f1Start = start;
        this.f1Size = c;
        this.f1Base = base;
      }
    }
    this.f0Start = start;
    this.f0Size = c;
    this.f0Base = (ix[at - FAN_MAX] as number) * LEAF_MAX;
  }

  /**
   * Writes the values at ranks `k` and `k + 1` to `out[at]` and `out[at + 1]` (`+Infinity` when
   * `k + 1 = size`). Requires `0 ≤ k < size`. O(1) when both ranks are in a finger's leaf, else O(log w).
   * (Writes instead of returning: a double returned from a call that is not inlined is boxed.)
   */
  selectTwo(k: number, out: Float64Array, at: number): void {
    const f64 = this.f64;
    const leaves = this.leaves;
    const d0 = k - this.f0Start;
    if (d0 >= 0 && d0 + 1 < this.f0Size) {
      const b = this.f0Base + d0;
      out[at] = f64[leaves[b] as number] as number;
      out[at + 1] = f64[leaves[b + 1] as number] as number;
      return;
    }
    const d1 = k - this.f1Start;
    if (d1 >= 0 && d1 + 1 < this.f1Size) {
      const b = this.f1Base + d1;
      out[at] = f64[leaves[b] as number] as number;
      out[at + 1] = f64[leaves[b + 1] as number] as number;
      return;
    }
    out[at] = this.select(k);
    out[at + 1] = k + 1 < this.total ? this.select(k + 1) : Number.POSITIVE_INFINITY;
  }

  /**
   * Writes the values at ranks `k0`, `k0 + 1`, `k1`, `k1 + 1`, `k2`, `k2 + 1` to `out[0 … 6)`, where
   * `0 ≤ k0 ≤ k1 ≤ k2 < size` and a `k + 1` that equals `size` reads rank `k` again: the neighbours the
   * type-7 quartiles interpolate between. One pass over the root when the tree has one internal level
   * (always for w < 170), else six selects. Leaves finger 1 on the leaf of `k0` and finger 0 on the leaf
   * of `k2` (the MAD search probes near Q1 and Q3). O(log w).
   */
  selectPairs3(k0: number, k1: number, k2: number, out: Float64Array): void {
    const last = this.total - 1;
    if (!(k0 >= 0 && k0 <= k1 && k1 <= k2 && k2 <= last)) {
      throw new RangeError(`CountedBTree.selectPairs3: ranks out of range [0, ${this.total})`);
    }
    if (this.height !== 1) {
      out[0] = this.select(k0);
      out[1] = this.select(k0 < last ? k0 + 1 : k0);
      out[2] = this.select(k1);
      out[3] = this.select(k1 < last ? k1 + 1 : k1);
      out[4] = this.select(k2);
      out[5] = this.select(k2 < last ? k2 + 1 : k2);
      return;
    }
    const ix = this.ix;
    // One walk over the root's counts (`at`: count index of the current child, `start`: its first rank, `c`:
    // its count); ranks k and k + 1 are read from the child holding k or the next one.
    let at = this.root * 49 /* STRIDE */ + 17 /* COUNT */;
    let start = 0;
    let c = ix[at] as number;
    while (k0 - start >= c) {
      start += c;
      c = ix[++at] as number;
    }
    this.pairAt(k0, last, at, start, c, out, 0);
    this.f1Start = start;
    this.f1Size = c;
    this.f1Base = (ix[at - 16 /* FAN_MAX */] as number) * 32 /* LEAF_MAX */;
    while (k1 - start >= c) {
      start += c;
      c = ix[++at] as number;
    }
    this.pairAt(k1, last, at, start, c, out, 2);
    while (k2 - start >= c) {
      start += c;
      c = ix[++at] as number;
    }
    this.pairAt(k2, last, at, start, c, out, 4);
    this.f0Start = start;
    this.f0Size = c;
    this.f0Base = (ix[at - 16 /* FAN_MAX */] as number) * 32 /* LEAF_MAX */;
  }

  /**
   * For selectPairs3: rank k lies in the root's child at count index `at` (first rank `start`, count `c`);
   * writes the values at k and k + 1 (k again when k is the last rank) to `out[o]`, `out[o + 1]`.
   */
  private pairAt(
    k: number,
    last: number,
    at: number,
    start: number,
    c: number,
    out: Float64Array,
    o: number,
  ): void {
    const ix = this.ix;
    const f64 = this.f64;
    const leaves = this.leaves;
    const b = (ix[at - 16 /* FAN_MAX */] as number) * 32 /* LEAF_MAX */ + (k - start);
    const v = f64[leaves[b] as number] as number;
    out[o] = v;
    if (k === last) out[o + 1] = v;
    else if (k + 1 - start < c) out[o + 1] = f64[leaves[b + 1] as number] as number;
    // k + 1 is the first rank of the next child.
    else
      out[o + 1] = f64[
        leaves[(ix[at + 1 - 16 /* FAN_MAX */] as number) * 32 /* LEAF_MAX */] as number
      ] as number;
  }

  /** {@link CountedBTree.select} without the fingers; moves finger 0 to the leaf reached. */
  private descend(k: number): number {
    if (!(k >= 0 && k < this.total)) {
      throw new RangeError(`CountedBTree.select: rank ${k} out of range [0, ${this.total})`);
    }
    const ix = this.ix;
    let node = this.root;
    let rank = k;
    for (let level = this.height; level >= 1; level--) {
      let at = node * 49 /* STRIDE */ + 17 /* COUNT */;
      let c = ix[at] as number;
      while (rank >= c) {
        rank -= c;
        c = ix[++at] as number;
      }
      node = ix[at - 16 /* FAN_MAX */] as number;
    }
    this.f1Start = this.f0Start;
    this.f1Size = this.f0Size;
    this.f1Base = this.f0Base;
    this.f0Start = k - rank;
    this.f0Size = ix[this.leafSizeBase + node] as number;
    this.f0Base = node * 32 /* LEAF_MAX */;
    return this.f64[this.leaves[node * 32 /* LEAF_MAX */ + rank] as number] as number;
  }

  /**
   * Writes the values of ranks `k` and `k + 1` to `out[offset]` and `out[offset + 1]` (`+Infinity` when
   * `k + 1 = size`). Requires `0 ≤ k < size`. O(log w).
   */
  selectPair(k: number, out: Float64Array, offset: number): void {
    this.selectRun(k, 2, out, offset);
  }

  /**
   * Writes the values of ranks `k … k + m − 1` to `out[offset …]`, `+Infinity` for ranks ≥ size. Requires
   * `0 ≤ k < size`. O(log w + m).
   */
  selectRun(k: number, m: number, out: Float64Array, offset: number): void {
    if (!(k >= 0 && k < this.total)) {
      throw new RangeError(`CountedBTree.selectRun: rank ${k} out of range [0, ${this.total})`);
    }
    const ix = this.ix;
    const f64 = this.f64;
    const leaves = this.leaves;
    let node = this.root;
    let rank = k;
    for (let level = this.height; level >= 1; level--) {
      let at = node * STRIDE + COUNT;
      let c = ix[at] as number;
      while (rank >= c) {
        rank -= c;
        c = ix[++at] as number;
      }
      node = ix[at - FAN_MAX] as number;
    }
    const n = ix[this.leafSizeBase + node] as number;
    const l = node * LEAF_MAX;
    for (let j = 0; j < m; j++) {
      if (rank >= n) {
        if (k + j >= this.total) {
          for (; j < m; j++) out[offset + j] = Number.POSITIVE_INFINITY;
          return;
        }
        // Next leaf: descend again (rare: only when a run crosses a leaf boundary).
        this.selectRun(k + j, m - j, out, offset + j);
        return;
      }
      out[offset + j] = f64[leaves[l + rank] as number] as number;
      rank++;
    }
  }

  /** Number of values strictly less than `value`. O(log w). */
  rankOf(value: number): number {
    const ix = this.ix;
    const f64 = this.f64;
    let node = this.root;
    let rank = 0;
    for (let level = this.height; level >= 1; level--) {
      const base = node * STRIDE;
      const size = ix[base] as number;
      const sep = this.sepBase + node * FAN_MAX;
      let i = 0;
      while (i + 1 < size && (f64[sep + i + 1] as number) < value) {
        rank += ix[base + COUNT + i] as number;
        i++;
      }
      node = ix[base + CHILD + i] as number;
    }
    const n = ix[this.leafSizeBase + node] as number;
    const l0 = node * LEAF_MAX;
    for (let j = 0; j < n; j++) if ((f64[this.leaves[l0 + j] as number] as number) < value) rank++;
    return rank;
  }

  /**
   * Reads one word per 64-byte cache line of the whole storage, in address order, and returns a
   * meaningless number. When many series are interleaved the state is usually out of cache; touching it
   * linearly first lets the CPU fetch every line in parallel instead of one miss per dependent load. The
   * float64 region is summed (it holds values, never denormal bit patterns), the integer regions are
   * XOR-ed. O(w).
   */
  prefetch(): number {
    const f64 = this.f64;
    const ix = this.ix;
    const leaves = this.leaves;
    const f64End = this.f64Words;
    let acc = 0;
    for (let i = 0; i < f64End; i += 8) acc += f64[i] as number;
    let bits = 0;
    const ixStep = this.ixLineStep;
    for (let i = 0; i < ix.length; i += ixStep) bits ^= ix[i] as number;
    const leafStep = this.leafLineStep;
    for (let i = 0; i < leaves.length; i += leafStep) bits ^= leaves[i] as number;
    return acc + bits;
  }

  /** Checks every structural invariant; throws on the first violation. O(w); for tests only. */
  check(): void {
    const ix = this.ix;
    const f64 = this.f64;
    let prevV = Number.NEGATIVE_INFINITY;
    let prevS = -1;
    let seen = 0;
    const walk = (node: number, level: number, isRoot: boolean, loV: number, loS: number): number => {
      if (level === 0) {
        const n = ix[this.leafSizeBase + node] as number;
        if (n > LEAF_MAX) throw new Error(`leaf ${node} overfull`);
        for (let j = 0; j < n; j++) {
          const e = this.leaves[node * LEAF_MAX + j] as number;
          const ev = f64[e] as number;
          if (ev < prevV || (ev === prevV && e <= prevS)) throw new Error('leaf keys out of order');
          if (ev < loV || (ev === loV && e < loS)) throw new Error('key below its separator');
          prevV = ev;
          prevS = e;
          seen++;
        }
        return n;
      }
      const base = node * STRIDE;
      const size = ix[base] as number;
      if (size < 1 || size > FAN_MAX) throw new Error(`node ${node} has ${size} children`);
      let sum = 0;
      for (let i = 0; i < size; i++) {
        const c = ix[base + CHILD + i] as number;
        const cv = i === 0 ? loV : (f64[this.sepBase + node * FAN_MAX + i] as number);
        const cs = i === 0 ? loS : (ix[base + SEP_SLOT + i] as number);
        const got = walk(c, level - 1, false, cv, cs);
        if (got !== ix[base + COUNT + i]) throw new Error(`count mismatch under node ${node}`);
        if (size > 1) {
          const minimum = level === 1 ? LEAF_MIN : FAN_MIN;
          const childSize = level === 1 ? ix[this.leafSizeBase + c] : ix[c * STRIDE];
          if ((childSize as number) < minimum && !isRoot) throw new Error('underfull node');
        }
        sum += got;
      }
      return sum;
    };
    const total = walk(this.root, this.height, true, Number.NEGATIVE_INFINITY, -1);
    if (total !== this.total || seen !== this.total) throw new Error('size mismatch');
  }

  /** Index of the child of `node` whose key range holds `(v, s)`. */
  private findChild(node: number, v: number, s: number): number {
    const ix = this.ix;
    const f64 = this.f64;
    const size = ix[node * 49 /* STRIDE */] as number;
    const sep = this.sepBase + node * 16 /* FAN_MAX */;
    const sepSlot = node * 49 /* STRIDE */ + 33 /* SEP_SLOT */;
    let i = 1;
    while (i < size) {
      const sv = f64[sep + i] as number;
      if (v < sv || (v === sv && s < (ix[sepSlot + i] as number))) break;
      i++;
    }
    return i - 1;
  }

  /** Splits the full child `i` of `parent` into two halves; the new right half becomes child `i + 1`. */
  private splitChild(parent: number, i: number, childIsLeaf: boolean): void {
    const ix = this.ix;
    const f64 = this.f64;
    const p = parent * STRIDE;
    const a = ix[p + CHILD + i] as number;
    let b: number;
    let sepV: number;
    let sepS: number;
    let countA: number;
    let countB: number;
    if (childIsLeaf) {
      b = this.allocLeaf();
      const leaves = this.leaves;
      const a0 = a * LEAF_MAX;
      const b0 = b * LEAF_MAX;
      for (let j = 0; j < LEAF_MAX - LEAF_HALF; j++) leaves[b0 + j] = leaves[a0 + LEAF_HALF + j] as number;
      ix[this.leafSizeBase + a] = LEAF_HALF;
      ix[this.leafSizeBase + b] = LEAF_MAX - LEAF_HALF;
      sepS = leaves[b0] as number;
      sepV = f64[sepS] as number;
      countA = LEAF_HALF;
      countB = LEAF_MAX - LEAF_HALF;
    } else {
      b = this.allocNode();
      const ra = a * STRIDE;
      const rb = b * STRIDE;
      const sa = this.sepBase + a * FAN_MAX;
      const sb = this.sepBase + b * FAN_MAX;
      countA = 0;
      countB = 0;
      for (let j = 0; j < FAN_MIN; j++) countA += ix[ra + COUNT + j] as number;
      for (let j = 0; j < FAN_MAX - FAN_MIN; j++) {
        ix[rb + CHILD + j] = ix[ra + CHILD + FAN_MIN + j] as number;
        ix[rb + COUNT + j] = ix[ra + COUNT + FAN_MIN + j] as number;
        ix[rb + SEP_SLOT + j] = ix[ra + SEP_SLOT + FAN_MIN + j] as number;
        f64[sb + j] = f64[sa + FAN_MIN + j] as number;
        countB += ix[rb + COUNT + j] as number;
      }
      ix[ra] = FAN_MIN;
      ix[rb] = FAN_MAX - FAN_MIN;
      sepV = f64[sb] as number;
      sepS = ix[rb + SEP_SLOT] as number;
    }
    this.openGap(parent, i + 1);
    ix[p + CHILD + i + 1] = b;
    ix[p + COUNT + i] = countA;
    ix[p + COUNT + i + 1] = countB;
    ix[p + SEP_SLOT + i + 1] = sepS;
    f64[this.sepBase + parent * FAN_MAX + i + 1] = sepV;
  }

  /** Child `i` of `parent` is a minimal leaf: borrow from a sibling or merge; returns its new index. */
  private fixLeaf(parent: number, i: number): number {
    const ix = this.ix;
    const f64 = this.f64;
    const leaves = this.leaves;
    const p = parent * STRIDE;
    const size = ix[p] as number;
    const a = ix[p + CHILD + i] as number;
    const na = ix[this.leafSizeBase + a] as number;
    const a0 = a * LEAF_MAX;
    const sep = this.sepBase + parent * FAN_MAX;
    if (i + 1 < size) {
      const b = ix[p + CHILD + i + 1] as number;
      const nb = ix[this.leafSizeBase + b] as number;
      const b0 = b * LEAF_MAX;
      if (nb > LEAF_MIN) {
        // Borrow the right sibling's smallest, half the difference so the next removals need no fix.
        const k = (nb - na + 1) >> 1;
        for (let j = 0; j < k; j++) leaves[a0 + na + j] = leaves[b0 + j] as number;
        for (let j = 0; j < nb - k; j++) leaves[b0 + j] = leaves[b0 + j + k] as number;
        ix[this.leafSizeBase + a] = na + k;
        ix[this.leafSizeBase + b] = nb - k;
        ix[p + COUNT + i] = (ix[p + COUNT + i] as number) + k;
        ix[p + COUNT + i + 1] = (ix[p + COUNT + i + 1] as number) - k;
        const first = leaves[b0] as number;
        ix[p + SEP_SLOT + i + 1] = first;
        f64[sep + i + 1] = f64[first] as number;
        return i;
      }
      if (i === 0 || (ix[this.leafSizeBase + (ix[p + CHILD + i - 1] as number)] as number) === LEAF_MIN) {
        // Merge the right sibling into this leaf.
        for (let j = 0; j < nb; j++) leaves[a0 + na + j] = leaves[b0 + j] as number;
        ix[this.leafSizeBase + a] = na + nb;
        ix[p + COUNT + i] = (ix[p + COUNT + i] as number) + nb;
        this.closeGap(parent, i + 1);
        this.freeLeaf(b);
        return i;
      }
    }
    const l = ix[p + CHILD + i - 1] as number;
    const nl = ix[this.leafSizeBase + l] as number;
    const l0 = l * LEAF_MAX;
    if (nl > LEAF_MIN) {
      // Borrow the left sibling's largest (half the difference).
      const k = (nl - na + 1) >> 1;
      for (let j = na - 1; j >= 0; j--) leaves[a0 + j + k] = leaves[a0 + j] as number;
      for (let j = 0; j < k; j++) leaves[a0 + j] = leaves[l0 + nl - k + j] as number;
      const moved = leaves[a0] as number;
      ix[this.leafSizeBase + a] = na + k;
      ix[this.leafSizeBase + l] = nl - k;
      ix[p + COUNT + i] = (ix[p + COUNT + i] as number) + k;
      ix[p + COUNT + i - 1] = (ix[p + COUNT + i - 1] as number) - k;
      ix[p + SEP_SLOT + i] = moved;
      f64[sep + i] = f64[moved] as number;
      return i;
    }
    // Merge this leaf into the left sibling.
    for (let j = 0; j < na; j++) leaves[l0 + nl + j] = leaves[a0 + j] as number;
    ix[this.leafSizeBase + l] = nl + na;
    ix[p + COUNT + i - 1] = (ix[p + COUNT + i - 1] as number) + na;
    this.closeGap(parent, i);
    this.freeLeaf(a);
    return i - 1;
  }

  /** Child `i` of `parent` is a minimal internal node: borrow from a sibling or merge; returns its new index. */
  private fixInternal(parent: number, i: number): number {
    const ix = this.ix;
    const f64 = this.f64;
    const p = parent * STRIDE;
    const size = ix[p] as number;
    const sep = this.sepBase + parent * FAN_MAX;
    const a = ix[p + CHILD + i] as number;
    const ra = a * STRIDE;
    const sa = this.sepBase + a * FAN_MAX;
    const na = ix[ra] as number;
    if (i + 1 < size) {
      const b = ix[p + CHILD + i + 1] as number;
      const rb = b * STRIDE;
      const sb = this.sepBase + b * FAN_MAX;
      const nb = ix[rb] as number;
      if (nb > FAN_MIN) {
        // Move the right sibling's first child to our end.
        const moved = ix[rb + COUNT] as number;
        ix[ra + CHILD + na] = ix[rb + CHILD] as number;
        ix[ra + COUNT + na] = moved;
        ix[ra + SEP_SLOT + na] = ix[p + SEP_SLOT + i + 1] as number;
        f64[sa + na] = f64[sep + i + 1] as number;
        ix[p + SEP_SLOT + i + 1] = ix[rb + SEP_SLOT + 1] as number;
        f64[sep + i + 1] = f64[sb + 1] as number;
        this.closeGap(b, 0);
        ix[ra] = na + 1;
        ix[p + COUNT + i] = (ix[p + COUNT + i] as number) + moved;
        ix[p + COUNT + i + 1] = (ix[p + COUNT + i + 1] as number) - moved;
        return i;
      }
      if (i === 0 || ix[(ix[p + CHILD + i - 1] as number) * STRIDE] === FAN_MIN) {
        // Merge the right sibling into this node.
        for (let j = 0; j < nb; j++) {
          ix[ra + CHILD + na + j] = ix[rb + CHILD + j] as number;
          ix[ra + COUNT + na + j] = ix[rb + COUNT + j] as number;
          ix[ra + SEP_SLOT + na + j] = ix[rb + SEP_SLOT + j] as number;
          f64[sa + na + j] = f64[sb + j] as number;
        }
        ix[ra + SEP_SLOT + na] = ix[p + SEP_SLOT + i + 1] as number;
        f64[sa + na] = f64[sep + i + 1] as number;
        ix[ra] = na + nb;
        ix[p + COUNT + i] = (ix[p + COUNT + i] as number) + (ix[p + COUNT + i + 1] as number);
        this.closeGap(parent, i + 1);
        this.freeNode(b);
        return i;
      }
    }
    const l = ix[p + CHILD + i - 1] as number;
    const rl = l * STRIDE;
    const sl = this.sepBase + l * FAN_MAX;
    const nl = ix[rl] as number;
    if (nl > FAN_MIN) {
      // Move the left sibling's last child to our front.
      this.openGap(a, 0);
      const moved = ix[rl + COUNT + nl - 1] as number;
      ix[ra + CHILD] = ix[rl + CHILD + nl - 1] as number;
      ix[ra + COUNT] = moved;
      ix[ra + SEP_SLOT + 1] = ix[p + SEP_SLOT + i] as number;
      f64[sa + 1] = f64[sep + i] as number;
      ix[p + SEP_SLOT + i] = ix[rl + SEP_SLOT + nl - 1] as number;
      f64[sep + i] = f64[sl + nl - 1] as number;
      ix[rl] = nl - 1;
      ix[p + COUNT + i] = (ix[p + COUNT + i] as number) + moved;
      ix[p + COUNT + i - 1] = (ix[p + COUNT + i - 1] as number) - moved;
      return i;
    }
    // Merge this node into the left sibling.
    for (let j = 0; j < na; j++) {
      ix[rl + CHILD + nl + j] = ix[ra + CHILD + j] as number;
      ix[rl + COUNT + nl + j] = ix[ra + COUNT + j] as number;
      ix[rl + SEP_SLOT + nl + j] = ix[ra + SEP_SLOT + j] as number;
      f64[sl + nl + j] = f64[sa + j] as number;
    }
    ix[rl + SEP_SLOT + nl] = ix[p + SEP_SLOT + i] as number;
    f64[sl + nl] = f64[sep + i] as number;
    ix[rl] = nl + na;
    ix[p + COUNT + i - 1] = (ix[p + COUNT + i - 1] as number) + (ix[p + COUNT + i] as number);
    this.closeGap(parent, i);
    this.freeNode(a);
    return i - 1;
  }

  /** Shifts entries `at …` of internal node `node` one position right (size + 1). */
  private openGap(node: number, at: number): void {
    const ix = this.ix;
    const f64 = this.f64;
    const r = node * STRIDE;
    const s = this.sepBase + node * FAN_MAX;
    const size = ix[r] as number;
    for (let j = size; j > at; j--) {
      ix[r + CHILD + j] = ix[r + CHILD + j - 1] as number;
      ix[r + COUNT + j] = ix[r + COUNT + j - 1] as number;
      ix[r + SEP_SLOT + j] = ix[r + SEP_SLOT + j - 1] as number;
      f64[s + j] = f64[s + j - 1] as number;
    }
    ix[r] = size + 1;
  }

  /** Removes entry `at` of internal node `node`, shifting the rest left (size − 1). */
  private closeGap(node: number, at: number): void {
    const ix = this.ix;
    const f64 = this.f64;
    const r = node * STRIDE;
    const s = this.sepBase + node * FAN_MAX;
    const size = ix[r] as number;
    for (let j = at; j < size - 1; j++) {
      ix[r + CHILD + j] = ix[r + CHILD + j + 1] as number;
      ix[r + COUNT + j] = ix[r + COUNT + j + 1] as number;
      ix[r + SEP_SLOT + j] = ix[r + SEP_SLOT + j + 1] as number;
      f64[s + j] = f64[s + j + 1] as number;
    }
    ix[r] = size - 1;
  }

  private allocLeaf(): number {
    if (this.freeLeafTop === 0) throw new Error('CountedBTree: leaf pool exhausted (bug)');
    return this.ix[this.freeLeafBase + --this.freeLeafTop] as number;
  }

  private freeLeaf(leaf: number): void {
    this.ix[this.freeLeafBase + this.freeLeafTop++] = leaf;
  }

  private allocNode(): number {
    if (this.freeNodeTop === 0) throw new Error('CountedBTree: node pool exhausted (bug)');
    return this.ix[this.freeNodeBase + --this.freeNodeTop] as number;
  }

  private freeNode(node: number): void {
    this.ix[this.freeNodeBase + this.freeNodeTop++] = node;
  }

  /** A remove of an absent slot decremented the counts on its path; add them back (the shape stays valid). */
  private rebuildCountsAfterFailedRemove(v: number, id: number): void {
    const ix = this.ix;
    let node = this.root;
    for (let level = this.height; level >= 1; level--) {
      const base = node * STRIDE;
      const i = this.findChild(node, v, id);
      ix[base + COUNT + i] = (ix[base + COUNT + i] as number) + 1;
      node = ix[base + CHILD + i] as number;
    }
  }
}
