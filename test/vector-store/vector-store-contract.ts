import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { cosineSimilarity } from '../../src/embeddings/embedder.js';
import type { VectorStore } from '../../src/vector-store/vector-store.js';

/** Builds a fresh, empty store (own table / collection) of `dimensions`. `name` is unique per call. */
export type StoreFactory = (name: string, dimensions: number) => Promise<VectorStore>;

const DIMS = 384;

/** A unique collection / table name. */
export const uniqueName = (tag: string) => `t_${tag}_${randomBytes(4).toString('hex')}`;

/** Deterministic pseudo-random unit-ish vectors (xorshift32). */
export function seededVectors(count: number, dims: number, seed: number): Float32Array[] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0xffffffff - 0.5;
  };
  return Array.from({ length: count }, () => Float32Array.from({ length: dims }, next));
}

const basis = (i: number, dims = DIMS) => {
  const v = new Float32Array(dims);
  v[i] = 1;
  return v;
};

/**
 * The behaviour every {@link VectorStore} adapter must have. Called inside a `describe` per adapter, so
 * pgvector (PGlite and PostgreSQL) and Qdrant are held to exactly the same tests.
 */
export function vectorStoreContract(factory: StoreFactory): void {
  const opened: VectorStore[] = [];
  const open = async (tag: string, dims = DIMS) => {
    const store = await factory(uniqueName(tag), dims);
    opened.push(store);
    await store.ensureCollection();
    return store;
  };
  afterAll(async () => {
    for (const s of opened) await s.close();
  });

  it('ensureCollection is idempotent and an empty collection finds nothing', async () => {
    const store = await open('empty');
    await store.ensureCollection();
    expect(store.dimensions).toBe(DIMS);
    expect(await store.search(basis(0), { limit: 5 })).toEqual([]);
    expect(await store.get(['nope'])).toEqual([]);
  });

  it('upsert is idempotent by id: the last write wins and the id appears once', async () => {
    const store = await open('upsert');
    await store.upsert([{ id: 'inc-1', vector: basis(0), payload: { service: 'checkout', rev: 1 } }]);
    await store.upsert([{ id: 'inc-1', vector: basis(1), payload: { service: 'checkout', rev: 2 } }]);
    await store.upsert([
      { id: 'inc-2', vector: basis(2), payload: { service: 'payments', rev: 1 } },
      { id: 'inc-2', vector: basis(2), payload: { service: 'payments', rev: 3 } },
    ]);
    const hits = await store.search(basis(1), { limit: 10 });
    expect(hits.map((h) => h.id).sort()).toEqual(['inc-1', 'inc-2']);
    expect(hits[0]).toMatchObject({ id: 'inc-1', payload: { service: 'checkout', rev: 2 } });
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    const [got] = await store.get(['inc-2']);
    expect(got?.payload).toEqual({ service: 'payments', rev: 3 });
    const fetched = await store.get(['inc-1', 'missing']);
    expect(fetched.map((f) => f.id)).toEqual(['inc-1']);
    expect(Array.from(fetched[0]!.vector)).toEqual(Array.from(basis(1)));
  });

  it('search ranks by cosine similarity, reports it as the score, and honours the limit', async () => {
    const store = await open('rank');
    const vectors = seededVectors(40, DIMS, 7);
    await store.upsert(vectors.map((v, i) => ({ id: `v${i}`, vector: v, payload: { i } })));
    const query = seededVectors(1, DIMS, 99)[0]!;
    const naive = vectors
      .map((v, i) => ({ id: `v${i}`, score: cosineSimilarity(query, v) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 7);
    const hits = await store.search(query, { limit: 7 });
    expect(hits).toHaveLength(7);
    expect(hits.map((h) => h.id)).toEqual(naive.map((n) => n.id));
    hits.forEach((h, k) => {
      expect(h.score).toBeCloseTo(naive[k]!.score, 4);
      expect(h.payload).toEqual({ i: Number(h.id.slice(1)) });
    });
    // scale does not matter for cosine: a scaled query finds the same neighbours with the same scores
    const scaled = query.map((x) => x * 3.5);
    const again = await store.search(scaled, { limit: 7 });
    expect(again.map((h) => h.id)).toEqual(naive.map((n) => n.id));
  });

  it('filters on string and boolean payload fields (all conditions must hold)', async () => {
    const store = await open('filter');
    await store.upsert([
      { id: 'a', vector: basis(0), payload: { service: 'checkout', falsePositive: false } },
      { id: 'b', vector: basis(1), payload: { service: 'checkout', falsePositive: true } },
      { id: 'c', vector: basis(2), payload: { service: 'payments', falsePositive: false } },
    ]);
    const q = Float32Array.from(basis(0).map((x, i) => (i < 3 ? 1 : x)));
    const ids = async (filter: Record<string, string | boolean>) =>
      (await store.search(q, { limit: 10, filter })).map((h) => h.id).sort();
    expect(await ids({ service: 'checkout' })).toEqual(['a', 'b']);
    expect(await ids({ falsePositive: false })).toEqual(['a', 'c']);
    expect(await ids({ service: 'checkout', falsePositive: false })).toEqual(['a']);
    expect(await ids({ service: 'shipping' })).toEqual([]);
    const anti = await store.search(
      basis(0).map((x) => -x),
      { limit: 1, filter: { service: 'checkout' } },
    );
    expect(anti[0]!.score).toBeLessThanOrEqual(0.0001);
  });

  it('rejects vectors of the wrong size', async () => {
    const store = await open('dims');
    await expect(store.upsert([{ id: 'x', vector: new Float32Array(3), payload: {} }])).rejects.toThrow(
      /dimensions/,
    );
    await expect(store.search(new Float32Array(10), { limit: 1 })).rejects.toThrow(/dimensions/);
  });

  it('refuses to reuse a collection made for another vector size', async () => {
    const name = uniqueName('resize');
    const small = await factory(name, 8);
    opened.push(small);
    await small.ensureCollection();
    const big = await factory(name, DIMS);
    opened.push(big);
    await expect(big.ensureCollection()).rejects.toThrow(/8|size/);
  });
}
