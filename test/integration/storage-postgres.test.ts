import { describe, expect, it } from 'vitest';
import { MIGRATIONS, runMigrations } from '../../src/storage/migrations.js';
import { openIncidentStore } from '../../src/storage/open-incident-store.js';
import { createPgSqlClient } from '../../src/storage/pg-sql-client.js';
import { hypothesisEvent } from '../actions/support/hypothesis-fixture.js';
import { describeIncidentStoreContract } from '../storage/incident-store-contract.js';

import { DATABASE_URL, useScratchSchemas } from './support/postgres.js';

const scratch = useScratchSchemas('store');
const freshSchema = scratch.freshSchema;

describeIncidentStoreContract('PostgreSQL through pg', async () => {
  const schema = await freshSchema();
  const client = createPgSqlClient({ connectionString: DATABASE_URL, schema });
  return {
    client,
    async dispose() {
      await client.close();
      await scratch.admin().query(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
});

describe('PostgreSQL specifics', () => {
  it('exposes live pool counts for the pool metrics (busy connections while a query runs)', async () => {
    const client = createPgSqlClient({ connectionString: DATABASE_URL, maxConnections: 2 });
    try {
      expect(client.pool?.options?.max).toBe(2);
      const slow = client.query('SELECT pg_sleep(0.3)');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.pool!.totalCount - client.pool!.idleCount).toBe(1);
      await slow;
      expect(client.pool!.idleCount).toBe(client.pool!.totalCount);
      expect(client.pool!.waitingCount).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('two processes migrating the same database at once apply each migration exactly once', async () => {
    const schema = await freshSchema();
    const a = createPgSqlClient({ connectionString: DATABASE_URL, schema });
    const b = createPgSqlClient({ connectionString: DATABASE_URL, schema });
    try {
      const [ra, rb] = await Promise.all([runMigrations(a), runMigrations(b)]);
      expect([...ra.applied, ...rb.applied].sort()).toEqual(MIGRATIONS.map((m) => m.version));
      const rows = await a.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0]!.n).toBe(MIGRATIONS.length);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('detects that this server has no TimescaleDB and keeps plain tables', async () => {
    const available = await scratch
      .admin()
      .query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
    const schema = await freshSchema();
    const opened = await openIncidentStore({ kind: 'postgres', connectionString: DATABASE_URL, schema });
    try {
      expect(opened.migrations.timescale).toBe(available.rowCount! > 0);
      if (available.rowCount === 0) {
        const [v2] = await opened.client.query<{ detail: string }>(
          'SELECT detail FROM schema_migrations WHERE version = 2',
        );
        expect(v2!.detail).toBe('plain tables (timescaledb extension not available)');
      }
      await opened.store.recordHypothesisEvent(hypothesisEvent());
      expect((await opened.store.listIncidents()).items).toHaveLength(1);
    } finally {
      await opened.store.close();
    }
  });
});
