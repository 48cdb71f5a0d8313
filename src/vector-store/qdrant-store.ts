import { QdrantClient } from '@qdrant/js-client-rest';
import { VigilError } from '../errors.js';
import { uuidV5 } from './deterministic-uuid.js';
import {
  checkFilter,
  checkVector,
  type PayloadObject,
  type SearchHit,
  type VectorItem,
  type VectorStore,
} from './vector-store.js';

/** Payload key that keeps the caller's original id (Qdrant point ids must be UUIDs or integers). */
export const QDRANT_ID_FIELD = 'vigil_id';

/** Payload index kinds, per filter field. */
export type QdrantFieldKind = 'keyword' | 'bool' | 'integer' | 'float';

/** Options of {@link createQdrantVectorStore}. */
export interface QdrantVectorStoreOptions {
  /** e.g. `http://127.0.0.1:6333`. */
  readonly url: string;
  readonly apiKey?: string;
  /** Collection name (default `vigil_incidents`). */
  readonly collection?: string;
  readonly dimensions: number;
  /** Payload fields used in search filters, with their index kind (an index is created for each). */
  readonly indexedFields?: Readonly<Record<string, QdrantFieldKind>>;
  /** HTTP timeout per request, ms (default 10000). */
  readonly timeoutMs?: number;
}

type Point = { id: string | number; vector?: unknown; payload?: Record<string, unknown> | null };

function originalId(point: Point): string {
  const id = point.payload?.[QDRANT_ID_FIELD];
  return typeof id === 'string' ? id : String(point.id);
}

function withoutIdField(payload: Record<string, unknown> | null | undefined): PayloadObject {
  const { [QDRANT_ID_FIELD]: _id, ...rest } = payload ?? {};
  return rest as PayloadObject;
}

/**
 * Vector store on Qdrant: one collection with Cosine distance (so scores are cosine similarities), a
 * payload index per filter field, point id = UUIDv5 of the caller's id (kept in the payload as
 * `vigil_id`), so upserts are idempotent by the caller's id.
 */
export function createQdrantVectorStore(options: QdrantVectorStoreOptions): VectorStore {
  const { dimensions } = options;
  const collection = options.collection ?? 'vigil_incidents';
  const indexed = options.indexedFields ?? {};
  const client = new QdrantClient({
    url: options.url,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    timeout: options.timeoutMs ?? 10_000,
    checkCompatibility: false,
  });

  return {
    dimensions,
    backend: 'qdrant',
    async ensureCollection() {
      const { exists } = await client.collectionExists(collection);
      if (!exists) {
        await client.createCollection(collection, { vectors: { size: dimensions, distance: 'Cosine' } });
      } else {
        const info = await client.getCollection(collection);
        const vectors = info.config.params.vectors as { size?: number; distance?: string } | undefined;
        if (vectors?.size !== dimensions || vectors.distance !== 'Cosine') {
          throw new VigilError(
            'VIGIL_ERR_VECTOR_STORE_DIMENSIONS',
            `Qdrant collection ${collection} has vectors ${JSON.stringify(vectors)}, expected size ` +
              `${dimensions} with Cosine distance; use another collection or delete it`,
          );
        }
      }
      await client.createPayloadIndex(collection, {
        field_name: QDRANT_ID_FIELD,
        field_schema: 'keyword',
        wait: true,
      });
      for (const [field, kind] of Object.entries(indexed)) {
        await client.createPayloadIndex(collection, { field_name: field, field_schema: kind, wait: true });
      }
    },
    async upsert(items: readonly VectorItem[]) {
      if (items.length === 0) return;
      const byId = new Map<string, VectorItem>();
      for (const item of items) byId.set(item.id, item);
      const points = [...byId.values()].map((item) => {
        if (!item.id) throw new RangeError('vector item id must be a non-empty string');
        checkVector(item.vector, dimensions, `vector of ${item.id}`);
        return {
          id: uuidV5(item.id),
          vector: Array.from(item.vector),
          payload: { ...item.payload, [QDRANT_ID_FIELD]: item.id } as Record<string, unknown>,
        };
      });
      await client.upsert(collection, { wait: true, points });
    },
    async get(ids) {
      if (ids.length === 0) return [];
      const points = (await client.retrieve(collection, {
        ids: ids.map((id) => uuidV5(id)),
        with_payload: true,
        with_vector: true,
      })) as Point[];
      return points.map((p) => ({
        id: originalId(p),
        vector: Float32Array.from(p.vector as number[]),
        payload: withoutIdField(p.payload),
      }));
    },
    async search(vector, searchOptions): Promise<SearchHit[]> {
      checkVector(vector, dimensions, 'query vector');
      checkFilter(searchOptions.filter);
      const must = Object.entries(searchOptions.filter ?? {}).map(([key, value]) => ({
        key,
        match: { value },
      }));
      const hits = (await client.search(collection, {
        vector: Array.from(vector),
        limit: Math.max(1, Math.floor(searchOptions.limit)),
        with_payload: true,
        ...(must.length > 0 ? { filter: { must } } : {}),
      })) as Array<Point & { score: number }>;
      return hits.map((h) => ({ id: originalId(h), score: h.score, payload: withoutIdField(h.payload) }));
    },
    async close() {
      // The REST client holds no connection of its own beyond fetch keep-alive.
    },
  };
}
