import { afterAll, beforeAll } from 'vitest';
import { createPgliteSqlClient } from '../../src/storage/pglite-sql-client.js';
import type { SqlClient } from '../../src/storage/sql-client.js';
import { describeSecurityStoreContract } from './api-security-store-contract.js';

// One PGlite instance (starting one takes seconds); every test gets a fresh schema in it.
let shared: Promise<SqlClient> | undefined;
let schemas = 0;

beforeAll(async () => {
  shared ??= createPgliteSqlClient();
  await shared;
}, 60_000);
afterAll(async () => {
  if (shared) await (await shared).close();
});

describeSecurityStoreContract('PGlite, in memory', async () => {
  shared ??= createPgliteSqlClient();
  const client = await shared;
  const schema = `sec${++schemas}`;
  await client.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  return { client, dispose: () => client.exec(`SET search_path TO public; DROP SCHEMA ${schema} CASCADE`) };
});
