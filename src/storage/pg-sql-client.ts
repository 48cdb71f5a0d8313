import pg from 'pg';
import { ConfigError } from '../errors.js';
import type { SqlClient } from './sql-client.js';

/** Options of {@link createPgSqlClient}. */
export interface PgSqlClientOptions {
  /** `postgres://user:password@host:port/db` (e.g. `DATABASE_URL`, passed in by the composition root). */
  readonly connectionString: string;
  /** Pool size (default 5). */
  readonly maxConnections?: number;
  /** Time to wait for a connection (ms, default 5000). */
  readonly connectTimeoutMs?: number;
  /** Server-side statement timeout (ms, default 10000), so a stuck query cannot hold a partition. */
  readonly statementTimeoutMs?: number;
  /** Schema to create the tables in (`search_path`); default: the server's (usually `public`). */
  readonly schema?: string;
}

function wrap(client: pg.PoolClient): SqlClient {
  const self: SqlClient = {
    kind: 'postgres',
    query: async <R>(sql: string, params: readonly unknown[] = []) =>
      (await client.query(sql, params as unknown[])).rows as R[],
    exec: async (sql) => {
      await client.query(sql);
    },
    transaction: (fn) => fn(self),
    close: async () => {},
  };
  return self;
}

/** A {@link SqlClient} over a `pg` pool. */
export function createPgSqlClient(options: PgSqlClientOptions): SqlClient {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new ConfigError(`storage schema ${options.schema} must be a lower-case SQL identifier`);
  }
  const pool = new pg.Pool({
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    connectionString: options.connectionString,
    max: options.maxConnections ?? 5,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  let closed = false;
  return {
    kind: 'postgres',
    pool,
    query: async <R>(sql: string, params: readonly unknown[] = []) =>
      (await pool.query(sql, params as unknown[])).rows as R[],
    exec: async (sql) => {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
