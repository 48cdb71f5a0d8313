/**
 * Order-statistic treap over typed arrays, keyed by an external `Float64Array` of values.
 *
 * Node `i` is slot `i` of the caller's value buffer (the rolling window's ring), so the tree stores only
 * links: `left`, `right` and subtree `size` per node, interleaved in one Int16Array (Int32Array when the
 * capacity exceeds 32 767). Nodes are ordered by `(value, slot)`, which makes ties unambiguous.
 *
 * Priorities come from a fixed, seeded xorshift sequence shared by every tree (no `Math.random`), so the
 * structure is deterministic. The *shape* depends on which slots hold which values, but every query
 * returns values only, so two trees holding the same multiset answer every query identically.
 *
 * Complexity (expected, w = number of nodes): insert / remove / select / rank O(log w), no allocation.
 * Memory: 6 bytes per slot at capacity ≤ 32 767 (12 bytes above), plus the caller's 8-byte values.
 */
export class OrderStatisticTree {
  /** Maximum number of nodes (slots 0 … capacity − 1). */
  readonly capacity: number;
  private readonly keys: Float64Array;
  /** `[left, right, size]` per slot; −1 is the null link. */
  private readonly links: Int16Array | Int32Array;
  private readonly prio: Uint32Array;
  private root = -1;

  /**
   * @param keys value buffer indexed by slot; `keys[slot]` must be set before `insert(slot)` and stay
   *   unchanged until `remove(slot)`. Values must not be NaN.
   * @param links optional storage for the links (length ≥ 3·capacity, Int16Array only when capacity ≤ 32 767),
   *   e.g. a view on the same ArrayBuffer as `keys` so one series' state is contiguous in memory.
   */
  constructor(keys: Float64Array, links?: Int16Array | Int32Array) {
    this.capacity = keys.length;
    this.keys = keys;
    this.links = links ?? OrderStatisticTree.allocateLinks(this.capacity);
    if (
      this.links.length < this.capacity * 3 ||
      (this.capacity > 32_767 && this.links instanceof Int16Array)
    ) {
      throw new RangeError(`OrderStatisticTree: links storage too small for ${this.capacity} slots`);
    }
    this.prio = priorities(this.capacity);
    ensureScratch(this.capacity);
  }

  /** Bytes of link storage needed for `capacity` slots (6 per slot up to 32 767 slots, 12 above). */
  static linkBytes(capacity: number): number {
    return capacity * 3 * (capacity <= 32_767 ? 2 : 4);
  }

  /** Link storage for `capacity` slots, optionally as a view on `buffer` at `byteOffset`. */
  static allocateLinks(capacity: number, buffer?: ArrayBuffer, byteOffset = 0): Int16Array | Int32Array {
    if (buffer === undefined)
      return capacity <= 32_767 ? new Int16Array(capacity * 3) : new Int32Array(capacity * 3);
    return capacity <= 32_767
      ? new Int16Array(buffer, byteOffset, capacity * 3)
      : new Int32Array(buffer, byteOffset, capacity * 3);
  }

  /** Number of values in the tree. O(1). */
  get size(): number {
    return this.root === -1 ? 0 : (this.links[this.root * 3 + 2] as number);
  }

  /** Removes every node. O(1). */
  clear(): void {
    this.root = -1;
  }

  /** True when node `a` orders before node `b`: by value, then by slot. */
  private less(a: number, b: number): boolean {
    const ka = this.keys[a] as number;
    const kb = this.keys[b] as number;
    return ka < kb || (ka === kb && a < b);
  }

  /** Inserts slot `id` (not currently in the tree) with value `keys[id]`. Expected O(log w). */
  insert(id: number): void {
    const links = this.links;
    const prio = this.prio;
    const p = prio[id] as number;
    // Descend while the current node outranks the new one; every node passed gains one descendant.
    let parent = -1;
    let side = 0;
    let t = this.root;
    while (t !== -1 && (prio[t] as number) > p) {
      links[t * 3 + 2] = (links[t * 3 + 2] as number) + 1;
      parent = t;
      side = this.less(id, t) ? 0 : 1;
      t = links[t * 3 + side] as number;
    }
    if (parent === -1) this.root = id;
    else links[parent * 3 + side] = id;
    // Split the subtree at t around id: nodes before id form id.left, nodes after form id.right.
    const stack = SCRATCH;
    let depth = 0;
    let l = -1;
    let r = -1;
    links[id * 3] = -1;
    links[id * 3 + 1] = -1;
    while (t !== -1) {
      stack[depth++] = t;
      if (this.less(t, id)) {
        if (l === -1) links[id * 3] = t;
        else links[l * 3 + 1] = t;
        l = t;
        t = links[t * 3 + 1] as number;
      } else {
        if (r === -1) links[id * 3 + 1] = t;
        else links[r * 3] = t;
        r = t;
        t = links[t * 3] as number;
      }
    }
    if (l !== -1) links[l * 3 + 1] = -1;
    if (r !== -1) links[r * 3] = -1;
    // Children were pushed after their parents, so recomputing in reverse order is bottom-up.
    while (depth > 0) this.resize(stack[--depth] as number);
    this.resize(id);
  }

  /** Removes slot `id`, which must be in the tree with its value unchanged since insertion. Expected O(log w). */
  remove(id: number): void {
    const links = this.links;
    let parent = -1;
    let side = 0;
    let t = this.root;
    while (t !== id) {
      if (t === -1) throw new Error(`OrderStatisticTree.remove: slot ${id} is not in the tree`);
      links[t * 3 + 2] = (links[t * 3 + 2] as number) - 1;
      parent = t;
      side = this.less(id, t) ? 0 : 1;
      t = links[t * 3 + side] as number;
    }
    // Merge id.left (all smaller) and id.right (all larger) into id's place, top-down.
    let a = links[id * 3] as number;
    let b = links[id * 3 + 1] as number;
    const prio = this.prio;
    while (a !== -1 && b !== -1) {
      if ((prio[a] as number) > (prio[b] as number)) {
        links[a * 3 + 2] = (links[a * 3 + 2] as number) + (links[b * 3 + 2] as number);
        if (parent === -1) this.root = a;
        else links[parent * 3 + side] = a;
        parent = a;
        side = 1;
        a = links[a * 3 + 1] as number;
      } else {
        links[b * 3 + 2] = (links[b * 3 + 2] as number) + (links[a * 3 + 2] as number);
        if (parent === -1) this.root = b;
        else links[parent * 3 + side] = b;
        parent = b;
        side = 0;
        b = links[b * 3] as number;
      }
    }
    const rest = a !== -1 ? a : b;
    if (parent === -1) this.root = rest;
    else links[parent * 3 + side] = rest;
  }

  /**
   * The value of rank `k` (0-based) in ascending order: `select(0)` is the minimum, `select(size − 1)` the
   * maximum. Requires `0 ≤ k < size`. Expected O(log w).
   */
  select(k: number): number {
    const links = this.links;
    let t = this.root;
    let rank = k;
    while (t !== -1) {
      const l = links[t * 3] as number;
      const ls = l === -1 ? 0 : (links[l * 3 + 2] as number);
      if (rank < ls) t = l;
      else if (rank === ls) return this.keys[t] as number;
      else {
        rank -= ls + 1;
        t = links[t * 3 + 1] as number;
      }
    }
    throw new RangeError(`OrderStatisticTree.select: rank ${k} out of range [0, ${this.size})`);
  }

  /**
   * Writes the values of ranks `k` and `k + 1` to `out[offset]` and `out[offset + 1]` in one descent
   * (`+Infinity` when `k + 1 = size`). Requires `0 ≤ k < size`. Expected O(log w).
   */
  selectPair(k: number, out: Float64Array, offset: number): void {
    const links = this.links;
    const keys = this.keys;
    let t = this.root;
    let rank = k;
    let successor = -1; // last ancestor where the descent went left
    while (t !== -1) {
      const l = links[t * 3] as number;
      const ls = l === -1 ? 0 : (links[l * 3 + 2] as number);
      if (rank < ls) {
        successor = t;
        t = l;
      } else if (rank === ls) {
        out[offset] = keys[t] as number;
        let r = links[t * 3 + 1] as number;
        if (r !== -1) {
          for (let rl = links[r * 3] as number; rl !== -1; rl = links[r * 3] as number) r = rl;
          out[offset + 1] = keys[r] as number;
        } else {
          out[offset + 1] = successor === -1 ? Number.POSITIVE_INFINITY : (keys[successor] as number);
        }
        return;
      } else {
        rank -= ls + 1;
        t = links[t * 3 + 1] as number;
      }
    }
    throw new RangeError(`OrderStatisticTree.selectPair: rank ${k} out of range [0, ${this.size})`);
  }

  /** Number of values strictly less than `value`. Expected O(log w). */
  rankOf(value: number): number {
    const links = this.links;
    let t = this.root;
    let rank = 0;
    while (t !== -1) {
      if ((this.keys[t] as number) < value) {
        const l = links[t * 3] as number;
        rank += (l === -1 ? 0 : (links[l * 3 + 2] as number)) + 1;
        t = links[t * 3 + 1] as number;
      } else {
        t = links[t * 3] as number;
      }
    }
    return rank;
  }

  /** Reads one link per 64-byte cache line (see `RollingWindow.prefetch`); returns a meaningless number. O(w). */
  prefetch(): number {
    const links = this.links;
    const step = links instanceof Int16Array ? 32 : 16;
    let acc = 0;
    for (let i = 0; i < links.length; i += step) acc ^= links[i] as number;
    return acc;
  }

  /** Depth of the deepest node (0 for an empty tree). O(w); for tests and diagnostics only. */
  height(): number {
    const walk = (t: number): number =>
      t === -1 ? 0 : 1 + Math.max(walk(this.links[t * 3] as number), walk(this.links[t * 3 + 1] as number));
    return walk(this.root);
  }

  private resize(t: number): void {
    const links = this.links;
    const l = links[t * 3] as number;
    const r = links[t * 3 + 1] as number;
    links[t * 3 + 2] =
      1 + (l === -1 ? 0 : (links[l * 3 + 2] as number)) + (r === -1 ? 0 : (links[r * 3 + 2] as number));
  }
}

/** Shared priority table: a fixed xorshift32 sequence, grown on demand; all values are distinct. */
let PRIORITIES = new Uint32Array(0);
/** Shared split stack; single-threaded code, never held across calls. */
let SCRATCH = new Int32Array(64);

function priorities(capacity: number): Uint32Array {
  if (PRIORITIES.length < capacity) {
    const next = new Uint32Array(Math.max(capacity, PRIORITIES.length * 2, 256));
    let s = 0x9e3779b9 | 0;
    for (let i = 0; i < next.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      next[i] = s >>> 0;
    }
    PRIORITIES = next;
  }
  return PRIORITIES;
}

function ensureScratch(capacity: number): void {
  if (SCRATCH.length < capacity + 1) SCRATCH = new Int32Array(capacity + 1);
}
