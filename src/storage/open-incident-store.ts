import type { QueryableIncidentStore } from './incident-store.js';
import { type MigrationReport, runMigrations, type TimescaleMode } from './migrations.js';
import { createPgSqlClient } from './pg-sql-client.js';
import { createPgliteSqlClient } from './pglite-sql-client.js';
import type { SqlClient } from './sql-client.js';
import { createSqlIncidentStore } from './sql-incident-store.js';

/** Where the incident store lives. */
export type IncidentStoreTarget =
  | {
      readonly kind: 'postgres';
      readonly connectionString: string;
      readonly statementTimeoutMs?: number;
      readonly schema?: string;
    }
  /** Embedded PGlite; without `dataDir` it is in memory. */
  | { readonly kind: 'pglite'; readonly dataDir?: string };

/** An opened, migrated store plus what the migrations did. */
export interface OpenedIncidentStore {
  readonly store: QueryableIncidentStore;
  readonly client: SqlClient;
  readonly migrations: MigrationReport;
}

/**
 * Opens the store and runs the migrations (startup). `postgres` for any PostgreSQL (e.g. `DATABASE_URL`,
 * passed in by the composition root), `pglite` for the embedded default.
 */
export async function openIncidentStore(
  target: IncidentStoreTarget,
  options: { readonly timescale?: TimescaleMode } = {},
): Promise<OpenedIncidentStore> {
  const client =
    target.kind === 'postgres'
      ? createPgSqlClient({
          connectionString: target.connectionString,
          ...(target.statementTimeoutMs ? { statementTimeoutMs: target.statementTimeoutMs } : {}),
          ...(target.schema ? { schema: target.schema } : {}),
        })
      : await createPgliteSqlClient(target.dataDir ? { dataDir: target.dataDir } : {});
  try {
    const migrations = await runMigrations(client, options);
    return { store: createSqlIncidentStore(client), client, migrations };
  } catch (error) {
    await client.close();
    throw error;
  }
}
