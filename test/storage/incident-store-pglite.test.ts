import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, runMigrations, TIME_SERIES_TABLES } from '../../src/storage/migrations.js';
import { openIncidentStore } from '../../src/storage/open-incident-store.js';
import { createPgliteSqlClient } from '../../src/storage/pglite-sql-client.js';
import type { SqlClient } from '../../src/storage/sql-client.js';
import { hypothesisEvent } from '../actions/support/hypothesis-fixture.js';
import { describeIncidentQueriesContract } from './incident-queries-contract.js';
import { describeIncidentStoreContract } from './incident-store-contract.js';

// One PGlite instance (starting one takes seconds); every test gets a fresh schema in it.
let shared: Promise<SqlClient> | undefined;
let schemas = 0;
async function freshSchema(): Promise<{ client: SqlClient; dispose(): Promise<void> }> {
  shared ??= createPgliteSqlClient();
  const client = await shared;
  const schema = `t${++schemas}`;
  await client.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  return {
    client,
    dispose: () => client.exec(`SET search_path TO public; DROP SCHEMA ${schema} CASCADE`),
  };
}
beforeAll(async () => {
  shared ??= createPgliteSqlClient();
  await shared;
}, 60_000);
afterAll(async () => {
  if (shared) await (await shared).close();
});

describeIncidentStoreContract('PGlite, in memory', freshSchema);
describeIncidentQueriesContract('PGlite, in memory', freshSchema);

/**
 * A client that pretends the server offers TimescaleDB: it answers the extension queries and records
 * `CREATE EXTENSION` and `create_hypertable` instead of running them (PGlite has no TimescaleDB).
 */
function timescaleLookalike(inner: SqlClient, calls: string[], createFails = false): SqlClient {
  const wrap = (c: SqlClient): SqlClient => ({
    kind: c.kind,
    async query<R>(sql: string, params: readonly unknown[] = []) {
      if (sql.includes('FROM pg_available_extensions')) return [{ n: 1 }] as R[];
      if (sql.includes('create_hypertable')) {
        calls.push(`create_hypertable(${params.join(', ')})`);
        return [] as R[];
      }
      return c.query<R>(sql, params);
    },
    async exec(sql: string) {
      if (sql.includes('CREATE EXTENSION')) {
        calls.push('CREATE EXTENSION timescaledb');
        if (createFails) {
          // make the transaction fail like a real server would, so the savepoint path is exercised
          await c.exec('SELECT * FROM a_table_that_does_not_exist');
        }
        return;
      }
      return c.exec(sql);
    },
    transaction: (fn) => c.transaction((tx) => fn(wrap(tx))),
    close: () => c.close(),
  });
  return wrap(inner);
}

describe('TimescaleDB detection', () => {
  it('makes the time-series tables hypertables when the extension is available', async () => {
    const { client: inner, dispose } = await freshSchema();
    const calls: string[] = [];
    const report = await runMigrations(timescaleLookalike(inner, calls));
    expect(report.timescale).toBe(true);
    expect(calls).toEqual([
      'CREATE EXTENSION timescaledb',
      ...TIME_SERIES_TABLES.map((t) => `create_hypertable(${t.table}, ${t.timeColumn})`),
    ]);
    const [v2] = await inner.query<{ detail: string }>(
      'SELECT detail FROM schema_migrations WHERE version = 2',
    );
    expect(v2!.detail).toBe('hypertables: anomalies, actions');
    await dispose();
  });

  it('falls back to plain tables when the extension cannot be created (savepoint rolled back)', async () => {
    const { client: inner, dispose } = await freshSchema();
    const calls: string[] = [];
    const report = await runMigrations(timescaleLookalike(inner, calls, true));
    expect(report.timescale).toBe(false);
    expect(calls).toEqual(['CREATE EXTENSION timescaledb']);
    const [v2] = await inner.query<{ detail: string }>(
      'SELECT detail FROM schema_migrations WHERE version = 2',
    );
    expect(v2!.detail).toMatch(/^plain tables/);
    const tables = await inner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema()`,
    );
    expect(tables[0]!.n).toBeGreaterThanOrEqual(7);
    await dispose();
  });

  it('uses plain tables on a server without the extension, and never with timescale off', async () => {
    const plain = await freshSchema();
    expect((await runMigrations(plain.client)).timescale).toBe(false);
    await plain.dispose();
    const calls: string[] = [];
    const other = await freshSchema();
    expect(
      (await runMigrations(timescaleLookalike(other.client, calls), { timescale: 'off' })).timescale,
    ).toBe(false);
    expect(calls).toEqual([]);
    await other.dispose();
  });
});

describe('PGlite in a data folder', () => {
  it('keeps incidents across reopen and does not re-apply migrations', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-store-'));
    try {
      const first = await openIncidentStore({ kind: 'pglite', dataDir: dir });
      expect(first.migrations.applied).toEqual(MIGRATIONS.map((m) => m.version));
      await first.store.recordHypothesisEvent(hypothesisEvent());
      await first.store.close();
      const second = await openIncidentStore({ kind: 'pglite', dataDir: dir });
      expect(second.migrations.applied).toEqual([]);
      expect((await second.store.listIncidents()).items.map((i) => i.id)).toEqual(['inc-1']);
      await second.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
