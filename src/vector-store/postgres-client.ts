import pg from 'pg';
import type { SqlClient } from './pgvector-store.js';

/** Options of {@link createPostgresClient}. */
export interface PostgresClientOptions {
  /** e.g. `postgres://vigil:vigil@127.0.0.1:55432/vigil`. */
  readonly connectionString: string;
  /** Pool size (default 4). */
  readonly max?: number;
  /** Time to wait for a connection, ms (default 5000). */
  readonly connectionTimeoutMs?: number;
}

/** A `pg` connection pool as a {@link SqlClient}, for PostgreSQL servers with the pgvector extension. */
export function createPostgresClient(options: PostgresClientOptions): SqlClient {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 4,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => {});
  let ended = false;
  return {
    async query<R>(text: string, params?: unknown[]) {
      const result = await pool.query(text, params);
      return { rows: result.rows as R[] };
    },
    async close() {
      if (ended) return;
      ended = true;
      await pool.end();
    },
  };
}
