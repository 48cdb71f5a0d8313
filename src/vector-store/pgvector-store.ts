import { VigilError } from '../errors.js';
import {
  checkFilter,
  checkVector,
  FIELD_NAME,
  type PayloadObject,
  type SearchHit,
  type SearchOptions,
  type VectorItem,
  type VectorStore,
} from './vector-store.js';

/** The little of a PostgreSQL client the pgvector adapter needs (PGlite and `pg` both fit). */
export interface SqlClient {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  close(): Promise<void>;
}

/** Options of {@link createPgvectorStore}. */
export interface PgvectorStoreOptions {
  readonly client: SqlClient;
  /** Table name (default `vigil_incidents`). */
  readonly table?: string;
  readonly dimensions: number;
  /** Backend name for logs (default `pgvector`). */
  readonly backend?: string;
}

/** Formats a vector as a pgvector literal, e.g. `[0.1,0.2]`. */
export function toVectorLiteral(vector: ArrayLike<number>): string {
  return `[${Array.from(vector).join(',')}]`;
}

/** Parses a pgvector literal back into numbers. */
export function fromVectorLiteral(text: string): Float32Array {
  const inner = text.trim().replace(/^\[/, '').replace(/\]$/, '');
  return Float32Array.from(inner.length === 0 ? [] : inner.split(',').map(Number));
}

/**
 * Vector store on PostgreSQL with the pgvector extension — the same SQL for PGlite (embedded) and a
 * PostgreSQL server. One table: `id text primary key, embedding vector(d), payload jsonb`. Search is an
 * exact cosine scan (`<=>`) with a jsonb containment filter (GIN index): exact, and fast enough for an
 * incident memory of tens of thousands of entries; add an HNSW index if it grows far beyond that.
 */
export function createPgvectorStore(options: PgvectorStoreOptions): VectorStore {
  const { client, dimensions } = options;
  const table = options.table ?? 'vigil_incidents';
  if (!FIELD_NAME.test(table)) throw new RangeError(`table name "${table}" is not a plain identifier`);
  if (!Number.isInteger(dimensions) || dimensions < 1) throw new RangeError('dimensions must be >= 1');
  let closed = false;

  return {
    dimensions,
    backend: options.backend ?? 'pgvector',
    async ensureCollection() {
      try {
        await client.query('CREATE EXTENSION IF NOT EXISTS vector');
      } catch (error) {
        throw new VigilError(
          'VIGIL_ERR_VECTOR_STORE_NO_PGVECTOR',
          `the pgvector extension is not available in this PostgreSQL (${(error as Error).message}); ` +
            'install it (Debian: postgresql-<major>-pgvector) or use the embedded PGlite store',
          { cause: error },
        );
      }
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${table} (
           id text PRIMARY KEY,
           embedding vector(${dimensions}) NOT NULL,
           payload jsonb NOT NULL DEFAULT '{}'::jsonb,
           updated_at timestamptz NOT NULL DEFAULT now())`,
      );
      await client.query(`CREATE INDEX IF NOT EXISTS ${table}_payload_idx ON ${table} USING gin (payload)`);
      const { rows } = await client.query<{ dims: number }>(
        `SELECT atttypmod AS dims FROM pg_attribute
          WHERE attrelid = $1::regclass AND attname = 'embedding'`,
        [table],
      );
      const existing = rows[0]?.dims;
      if (existing !== undefined && existing !== dimensions) {
        throw new VigilError(
          'VIGIL_ERR_VECTOR_STORE_DIMENSIONS',
          `table ${table} holds ${existing}-d vectors but the embedder makes ${dimensions}-d ones; ` +
            'use another table or drop it',
        );
      }
    },
    async upsert(items) {
      if (items.length === 0) return;
      const values: string[] = [];
      const params: unknown[] = [];
      // Last one wins when the same id appears twice in one call.
      const byId = new Map<string, VectorItem>();
      for (const item of items) byId.set(item.id, item);
      for (const item of byId.values()) {
        if (!item.id) throw new RangeError('vector item id must be a non-empty string');
        checkVector(item.vector, dimensions, `vector of ${item.id}`);
        const n = params.length;
        values.push(`($${n + 1}, $${n + 2}::vector, $${n + 3}::jsonb, now())`);
        params.push(item.id, toVectorLiteral(item.vector), JSON.stringify(item.payload));
      }
      await client.query(
        `INSERT INTO ${table} (id, embedding, payload, updated_at) VALUES ${values.join(', ')}
         ON CONFLICT (id) DO UPDATE
           SET embedding = excluded.embedding, payload = excluded.payload, updated_at = excluded.updated_at`,
        params,
      );
    },
    async get(ids) {
      if (ids.length === 0) return [];
      const { rows } = await client.query<{ id: string; embedding: string; payload: PayloadObject }>(
        `SELECT id, embedding::text AS embedding, payload FROM ${table} WHERE id = ANY($1::text[])`,
        [ids],
      );
      return rows.map((r) => ({ id: r.id, vector: fromVectorLiteral(r.embedding), payload: r.payload }));
    },
    async search(vector, searchOptions: SearchOptions): Promise<SearchHit[]> {
      checkVector(vector, dimensions, 'query vector');
      checkFilter(searchOptions.filter);
      const limit = Math.max(1, Math.floor(searchOptions.limit));
      const filter = JSON.stringify(searchOptions.filter ?? {});
      const { rows } = await client.query<{ id: string; score: number | string; payload: PayloadObject }>(
        `SELECT id, payload, 1 - (embedding <=> $1::vector) AS score FROM ${table}
          WHERE payload @> $2::jsonb
          ORDER BY embedding <=> $1::vector, id
          LIMIT $3`,
        [toVectorLiteral(vector), filter, limit],
      );
      return rows.map((r) => ({ id: r.id, score: Number(r.score), payload: r.payload }));
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}
