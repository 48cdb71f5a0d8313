import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlClient } from './sql-client.js';

/** Options of {@link createPgliteSqlClient}. */
export interface PgliteSqlClientOptions {
  /** Data folder; omitted = in memory (lost on close). */
  readonly dataDir?: string;
}

function wrapTx(tx: Transaction): SqlClient {
  const self: SqlClient = {
    kind: 'pglite',
    query: async <R>(sql: string, params: readonly unknown[] = []) =>
      (await tx.query<R>(sql, params as unknown[])).rows,
    exec: async (sql) => {
      await tx.exec(sql);
    },
    transaction: (fn) => fn(self),
    close: async () => {},
  };
  return self;
}

/** A {@link SqlClient} over embedded PGlite (PostgreSQL in WASM): the no-server default. */
export async function createPgliteSqlClient(options: PgliteSqlClientOptions = {}): Promise<SqlClient> {
  const db = options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create();
  let closed = false;
  return {
    kind: 'pglite',
    query: async <R>(sql: string, params: readonly unknown[] = []) =>
      (await db.query<R>(sql, params as unknown[])).rows,
    exec: async (sql) => {
      await db.exec(sql);
    },
    transaction: (fn) => db.transaction((tx) => fn(wrapTx(tx))),
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}
