import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import type { SqlClient } from './pgvector-store.js';

/**
 * An embedded PostgreSQL (PGlite, WASM) with pgvector loaded. `dataDir` keeps the data in a folder;
 * without it the database lives in memory and is gone on close.
 */
export async function createPgliteClient(dataDir?: string): Promise<SqlClient> {
  // Options object form: `PGlite.create(undefined, options)` drops the options (extensions not loaded).
  const db = await PGlite.create(dataDir ? { dataDir, extensions: { vector } } : { extensions: { vector } });
  return {
    async query<R>(text: string, params?: unknown[]) {
      const result = await db.query<R>(text, params);
      return { rows: result.rows };
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}
