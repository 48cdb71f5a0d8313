import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionEvent } from '../../src/model/action-event.js';
import type { Severity } from '../../src/model/anomaly-event.js';
import type { IncidentRecord, IncidentStatus, IncidentStore } from '../../src/storage/incident-store.js';
import { MIGRATIONS, runMigrations } from '../../src/storage/migrations.js';
import type { SqlClient } from '../../src/storage/sql-client.js';
import { createSqlIncidentStore } from '../../src/storage/sql-incident-store.js';
import { hypothesisEvent, T0 } from '../actions/support/hypothesis-fixture.js';

/** A fresh, empty database (its own schema or PGlite instance) and how to dispose of it. */
export interface StoreFixture {
  readonly client: SqlClient;
  dispose(): Promise<void>;
}

function action(incidentId: string, n: number, atMs: number, over: Partial<ActionEvent> = {}): ActionEvent {
  return {
    id: `${incidentId}-act-${n}`,
    incidentId,
    kind: 'alert',
    target: 'slack',
    status: 'ok',
    detail: `HTTP 200 #${n}`,
    attempts: 1,
    atMs,
    runbook: null,
    step: null,
    ...over,
  };
}

async function count(client: SqlClient, table: string): Promise<number> {
  const rows = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

/**
 * The incident store's contract, run against each adapter: PGlite in the unit tests, the real
 * PostgreSQL in `test/integration/storage-postgres.test.ts`.
 */
export function describeIncidentStoreContract(adapter: string, open: () => Promise<StoreFixture>): void {
  describe(`incident store contract (${adapter})`, () => {
    let fixture: StoreFixture;
    let store: IncidentStore;

    beforeEach(async () => {
      fixture = await open();
      await runMigrations(fixture.client);
      store = createSqlIncidentStore(fixture.client);
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    it('migrations are recorded in order, create every table, and are idempotent', async () => {
      const rows = await fixture.client.query<{ version: number; detail: string }>(
        'SELECT version, detail FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      const again = await runMigrations(fixture.client);
      expect(again.applied).toEqual([]);
      expect(again.version).toBe(MIGRATIONS.at(-1)!.version);
      expect(await count(fixture.client, 'schema_migrations')).toBe(MIGRATIONS.length);
      const tables = await fixture.client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining(['incidents', 'anomalies', 'contexts', 'hypotheses', 'actions', 'audit_log']),
      );
      // Whether hypertables were made must match what the server offers.
      const available = await fixture.client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'timescaledb'`,
      );
      const v2 = rows.find((r) => r.version === 2)!;
      if (available[0]!.n === 0) expect(v2.detail).toBe('plain tables (timescaledb extension not available)');
      else expect(v2.detail).toMatch(/hypertables|plain tables/);
    });

    it('concurrent migration runs apply each migration once', async () => {
      const reports = await Promise.all([runMigrations(fixture.client), runMigrations(fixture.client)]);
      expect(reports.flatMap((r) => r.applied)).toEqual([]);
      expect(await count(fixture.client, 'schema_migrations')).toBe(MIGRATIONS.length);
    });

    it('refuses a database whose schema is newer than the code', async () => {
      await fixture.client.query(
        `INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')`,
      );
      await expect(runMigrations(fixture.client)).rejects.toThrow(/version 999 .* upgrade Vigil/);
    });

    it('records a hypothesis event idempotently: re-delivery never duplicates rows', async () => {
      const e1 = hypothesisEvent({ revision: 1 });
      await store.recordHypothesisEvent(e1);
      await store.recordHypothesisEvent(e1);
      for (const table of ['incidents', 'anomalies', 'contexts', 'hypotheses']) {
        expect(await count(fixture.client, table)).toBe(1);
      }
      const acts = [action('inc-1', 1, T0), action('inc-1', 2, T0)];
      await store.recordActions(acts);
      // re-delivered with a different wall-clock time: still one row per id
      await store.recordActions(acts.map((a) => ({ ...a, atMs: a.atMs + 5_000 })));
      expect(await count(fixture.client, 'actions')).toBe(2);
    });

    it('keeps the newest revision of an incident and never its older one', async () => {
      await store.recordHypothesisEvent(hypothesisEvent({ revision: 1, severity: 'medium' }));
      await store.recordHypothesisEvent(
        hypothesisEvent({ revision: 3, severity: 'critical', series: ['a', 'b', 'c'] }),
      );
      await store.recordHypothesisEvent(hypothesisEvent({ revision: 2, severity: 'high' }));
      const [incident] = (await store.listIncidents()).items;
      expect(incident).toMatchObject({
        id: 'inc-1',
        revision: 3,
        severity: 'critical',
        series: ['a', 'b', 'c'],
      });
      expect(incident!.lastAnomalyAtMs).toBe(T0 + 3 * 60_000);
      expect(incident!.openedAtMs).toBe(T0);
      expect(incident!.status).toBe('open');
      expect(incident!.topCause).toBe('database connection pool exhausted');
      expect(await count(fixture.client, 'hypotheses')).toBe(3);
      expect(await count(fixture.client, 'anomalies')).toBe(3);
      await store.setIncidentStatus('inc-1', 'resolved');
      await store.recordHypothesisEvent(hypothesisEvent({ revision: 4 }));
      expect((await store.listIncidents()).items[0]!.status).toBe('resolved');
    });

    it('lists incidents with filters and cursor pagination, newest activity first', async () => {
      const severities: Severity[] = ['low', 'medium', 'high', 'critical'];
      const statuses: IncidentStatus[] = ['open', 'resolved', 'escalated'];
      for (let i = 0; i < 23; i++) {
        const id = `inc-${String(i).padStart(2, '0')}`;
        // three incidents share each activity time, so the id breaks ties across page boundaries
        const atMs = T0 + Math.floor(i / 3) * 3_600_000;
        await store.recordHypothesisEvent(
          hypothesisEvent({
            incidentId: id,
            revision: 1,
            atMs,
            openedAtMs: atMs - 600_000,
            severity: severities[i % 4]!,
            series: [`svc${i % 3}.latency`, `svc${i % 3}.errors`],
            components: [`svc${i % 3}`],
          }),
        );
        await store.setIncidentStatus(id, statuses[i % 3]!);
      }
      const all = async (query: Parameters<IncidentStore['listIncidents']>[0], limit: number) => {
        const seen: IncidentRecord[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page = await store.listIncidents({ ...query, limit, cursor });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items);
          cursor = page.nextCursor;
          pages++;
        } while (cursor && pages < 50);
        return seen;
      };
      const everything = await all({}, 100);
      expect(everything).toHaveLength(23);
      const order = (a: IncidentRecord, b: IncidentRecord) =>
        b.lastAnomalyAtMs - a.lastAnomalyAtMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
      expect(everything.map((i) => i.id)).toEqual([...everything].sort(order).map((i) => i.id));

      const cases: Array<{
        query: Parameters<IncidentStore['listIncidents']>[0];
        keep: (i: IncidentRecord) => boolean;
      }> = [
        { query: {}, keep: () => true },
        {
          query: { severities: ['high', 'critical'] },
          keep: (i) => i.severity === 'high' || i.severity === 'critical',
        },
        { query: { statuses: ['resolved'] }, keep: (i) => i.status === 'resolved' },
        { query: { series: 'svc1.errors' }, keep: (i) => i.series.includes('svc1.errors') },
        { query: { service: 'svc2' }, keep: (i) => i.components.includes('svc2') },
        {
          query: { fromMs: T0 + 2 * 3_600_000, toMs: T0 + 5 * 3_600_000 },
          keep: (i) => i.lastAnomalyAtMs >= T0 + 2 * 3_600_000 && i.openedAtMs < T0 + 5 * 3_600_000,
        },
        {
          query: { service: 'svc0', severities: ['low', 'critical'], statuses: ['open', 'escalated'] },
          keep: (i) =>
            i.components.includes('svc0') &&
            ['low', 'critical'].includes(i.severity) &&
            ['open', 'escalated'].includes(i.status),
        },
      ];
      for (const { query, keep } of cases) {
        const expected = everything.filter(keep).map((i) => i.id);
        expect(expected.length).toBeGreaterThan(0);
        for (const limit of [1, 4, 7]) {
          const got = (await all(query, limit)).map((i) => i.id);
          expect(got, `${JSON.stringify(query)} limit ${limit}`).toEqual(expected);
        }
      }
      const last = await store.listIncidents({ limit: 23 });
      expect(last.nextCursor).toBeNull();
      await expect(store.listIncidents({ cursor: 'garbage' })).rejects.toMatchObject({
        code: 'VIGIL_ERR_STORE_BAD_CURSOR',
      });
    });

    it('returns an incident timeline: anomalies → similar incidents → hypotheses → actions', async () => {
      for (const revision of [1, 2, 3]) {
        await store.recordHypothesisEvent(
          hypothesisEvent({
            revision,
            anomalySeries: revision === 2 ? 'checkout.latency.p99' : 'checkout.db.connections',
          }),
        );
      }
      const kinds = ['alert', 'runbook-plan', 'runbook-dry-run', 'alert-update'] as const;
      await store.recordActions(kinds.map((kind, n) => action('inc-1', n, T0 + 1000, { kind })));
      await store.recordActions([action('other', 9, T0)]);
      const timeline = await store.incidentTimeline('inc-1');
      expect(timeline).not.toBeNull();
      const t = timeline!;
      expect(t.incident.revision).toBe(3);
      expect(t.anomalies.map((a) => a.timestampMs)).toEqual([1, 2, 3].map((r) => T0 + r * 60_000));
      expect(t.anomalies[1]!.series).toBe('checkout.latency.p99');
      expect(t.anomalies[0]!.detectors[0]!.detector).toBe('zscore');
      expect(t.anomalies[0]!.labels.env).toBe('prod');
      expect(t.contexts).toHaveLength(3);
      expect(t.contexts[0]!.similar[0]).toMatchObject({ id: 'past-7', similarity: 0.91 });
      expect(t.hypotheses.map((h) => h.revision)).toEqual([1, 2, 3]);
      expect(t.hypotheses[0]!.hypotheses[0]!.cause).toBe('database connection pool exhausted');
      // same wall-clock time: insertion order is kept
      expect(t.actions.map((a) => a.kind)).toEqual([...kinds]);
      expect(t.actions[0]).toEqual(action('inc-1', 0, T0 + 1000, { kind: 'alert' }));
      expect(await store.incidentTimeline('missing')).toBeNull();
    });
  });
}
