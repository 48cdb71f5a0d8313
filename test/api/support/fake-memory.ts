import { createHash } from 'node:crypto';
import type { Embedder } from '../../../src/embeddings/embedder.js';
import { createIncidentMemory, type IncidentMemory } from '../../../src/memory/incident-memory.js';
import type { SearchHit, VectorItem, VectorStore } from '../../../src/vector-store/vector-store.js';

/** Vector length of the fake embedder. */
export const FAKE_DIMENSIONS = 16;

/** A deterministic embedder: the same text always gives the same unit vector (from its SHA-256). */
export function hashEmbedder(): Embedder {
  return {
    model: 'fake-hash',
    dimensions: FAKE_DIMENSIONS,
    async embed(texts) {
      return texts.map((text) => {
        const digest = createHash('sha256').update(text).digest();
        const v = Float32Array.from({ length: FAKE_DIMENSIONS }, (_, i) => digest[i]! - 127.5);
        const norm = Math.hypot(...v);
        return v.map((x) => x / norm);
      });
    },
  };
}

/** A vector store in a Map (exact cosine search, equality filters), with a switch that makes it fail. */
export function mapVectorStore(): VectorStore & { items: Map<string, VectorItem>; failing: boolean } {
  const items = new Map<string, VectorItem>();
  const store = {
    items,
    failing: false,
    dimensions: FAKE_DIMENSIONS,
    backend: 'map',
    check() {
      if (store.failing) throw new Error('vector store down');
    },
    async ensureCollection() {
      store.check();
    },
    async upsert(list: readonly VectorItem[]) {
      store.check();
      for (const item of list) items.set(item.id, item);
    },
    async get(ids: readonly string[]) {
      store.check();
      return ids.flatMap((id) => (items.has(id) ? [items.get(id)!] : []));
    },
    async search(vector: ArrayLike<number>, options: { limit: number; filter?: Record<string, unknown> }) {
      store.check();
      const hits: SearchHit[] = [];
      for (const item of items.values()) {
        if (Object.entries(options.filter ?? {}).some(([k, v]) => item.payload[k] !== v)) continue;
        let dot = 0;
        for (let i = 0; i < vector.length; i++) dot += vector[i]! * item.vector[i]!;
        hits.push({ id: item.id, score: dot, payload: item.payload });
      }
      return hits.sort((a, b) => b.score - a.score).slice(0, options.limit);
    },
    async close() {},
  };
  return store;
}

/** The real incident memory over the fake embedder and the map store. */
export function fakeIncidentMemory(): {
  memory: IncidentMemory;
  embedder: Embedder;
  vectors: ReturnType<typeof mapVectorStore>;
} {
  const embedder = hashEmbedder();
  const vectors = mapVectorStore();
  return { memory: createIncidentMemory({ embedder, store: vectors }), embedder, vectors };
}
