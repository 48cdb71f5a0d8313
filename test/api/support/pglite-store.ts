import type { QueryableIncidentStore } from '../../../src/storage/incident-store.js';
import { runMigrations } from '../../../src/storage/migrations.js';
import { createPgliteSqlClient } from '../../../src/storage/pglite-sql-client.js';
import type { SqlClient } from '../../../src/storage/sql-client.js';
import { createSqlIncidentStore } from '../../../src/storage/sql-incident-store.js';

// One PGlite per test file (starting one takes seconds); each store gets its own schema in it.
let shared: Promise<SqlClient> | undefined;
let schemas = 0;

/** A migrated, empty incident store in a fresh schema of the file's PGlite. */
export async function freshPgliteStore(): Promise<{
  store: QueryableIncidentStore;
  client: SqlClient;
  dispose(): Promise<void>;
}> {
  shared ??= createPgliteSqlClient();
  const client = await shared;
  const schema = `api${++schemas}`;
  await client.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  await runMigrations(client);
  return {
    store: createSqlIncidentStore(client),
    client,
    dispose: () => client.exec(`SET search_path TO public; DROP SCHEMA ${schema} CASCADE`),
  };
}

/** Closes the file's PGlite (afterAll). */
export async function closePglite(): Promise<void> {
  if (shared) await (await shared).close();
  shared = undefined;
}
