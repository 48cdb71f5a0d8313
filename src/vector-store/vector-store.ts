/** A JSON value stored with a vector. */
export type PayloadValue = string | number | boolean | null | readonly PayloadValue[] | PayloadObject;
/** A JSON object stored with a vector. */
export interface PayloadObject {
  readonly [key: string]: PayloadValue;
}

/** One stored entry: a caller-chosen id, its vector and a JSON payload. */
export interface VectorItem {
  /** Any non-empty string (adapters map it to what their backend needs). */
  readonly id: string;
  readonly vector: Float32Array | readonly number[];
  readonly payload: PayloadObject;
}

/** Equality conditions on top-level scalar payload fields, all of which must hold. */
export type PayloadFilter = Readonly<Record<string, string | number | boolean>>;

/** Options of {@link VectorStore.search}. */
export interface SearchOptions {
  /** Maximum number of hits (≥ 1). */
  readonly limit: number;
  readonly filter?: PayloadFilter;
}

/** A search result. */
export interface SearchHit {
  readonly id: string;
  /** Cosine similarity in [-1, 1] between the query and the stored vector (1 = same direction). */
  readonly score: number;
  readonly payload: PayloadObject;
}

/**
 * Where incident vectors live. Every adapter (pgvector on PGlite or PostgreSQL, Qdrant) passes the same
 * contract suite (`test/vector-store/vector-store-contract.ts`).
 */
export interface VectorStore {
  /** Vector length of the collection. */
  readonly dimensions: number;
  /** Short name for logs and degraded reasons, e.g. `pgvector(pglite)` or `qdrant`. */
  readonly backend: string;
  /** Creates the collection (table, indexes) if missing; fails if it exists with another vector size. */
  ensureCollection(): Promise<void>;
  /** Inserts or replaces by id: upserting the same id twice leaves one entry (the last one). */
  upsert(items: readonly VectorItem[]): Promise<void>;
  /** The stored entries among `ids` (missing ids are left out; order not guaranteed). */
  get(ids: readonly string[]): Promise<VectorItem[]>;
  /** The `limit` entries most similar to `vector` that match `filter`, most similar first. */
  search(vector: Float32Array | readonly number[], options: SearchOptions): Promise<SearchHit[]>;
  /** Releases connections (idempotent). */
  close(): Promise<void>;
}

/** Names accepted for payload filter fields and SQL identifiers: letters, digits, `_`, not leading digit. */
export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Throws a RangeError unless `vector` has `dimensions` finite numbers. */
export function checkVector(vector: ArrayLike<number>, dimensions: number, what = 'vector'): void {
  if (vector.length !== dimensions) {
    throw new RangeError(`${what} has ${vector.length} dimensions, the collection has ${dimensions}`);
  }
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) throw new RangeError(`${what}[${i}] is not a finite number`);
  }
}

/** Throws a RangeError for filter keys that are not plain field names. */
export function checkFilter(filter: PayloadFilter | undefined): void {
  for (const key of Object.keys(filter ?? {})) {
    if (!FIELD_NAME.test(key)) throw new RangeError(`filter field "${key}" is not a plain field name`);
  }
}
