import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Severity } from '../../src/model/anomaly-event.js';
import type {
  AnomalyQuery,
  IncidentStatus,
  QueryableIncidentStore,
  StoredAnomaly,
} from '../../src/storage/incident-store.js';
import { runMigrations } from '../../src/storage/migrations.js';
import { createSqlIncidentStore } from '../../src/storage/sql-incident-store.js';
import { hypothesisEvent, T0 } from '../actions/support/hypothesis-fixture.js';
import type { StoreFixture } from './incident-store-contract.js';

const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const STATUSES: readonly IncidentStatus[] = ['open', 'resolved', 'escalated'];

/** Reads every page of `query` with page size `limit`. */
async function allPages(
  store: QueryableIncidentStore,
  query: AnomalyQuery,
  limit: number,
): Promise<StoredAnomaly[]> {
  const seen: StoredAnomaly[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await store.listAnomalies({ ...query, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return seen;
}

/**
 * The API's queries (anomaly list, feedback) on top of the incident store contract, run against each
 * adapter: PGlite in the unit tests, the real PostgreSQL in `test/integration/api.test.ts`.
 */
export function describeIncidentQueriesContract(adapter: string, open: () => Promise<StoreFixture>): void {
  describe(`incident store queries (${adapter})`, () => {
    let fixture: StoreFixture;
    let store: QueryableIncidentStore;

    beforeEach(async () => {
      fixture = await open();
      await runMigrations(fixture.client);
      store = createSqlIncidentStore(fixture.client);
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    it('lists anomalies with filters and cursor pagination, newest first, like a naive filter', async () => {
      // 6 incidents × 3 revisions = 18 anomalies; pairs share an event time so the id breaks ties.
      for (let i = 0; i < 6; i++) {
        const incidentId = `inc-${i}`;
        for (const revision of [1, 2, 3]) {
          const n = i * 3 + revision;
          const event = hypothesisEvent({
            incidentId,
            revision,
            atMs: T0 + Math.floor(n / 2) * 60_000,
            severity: SEVERITIES[n % 4]!,
            anomalySeries: `svc${i % 3}.latency`,
            series: [`svc${i % 3}.latency`],
            components: [`svc${i % 3}`],
          });
          // every other incident has no service label: the series prefix stands in for it
          const labels: Record<string, string> =
            i % 2 === 0 ? { env: 'prod' } : { env: 'prod', service: `label-svc${i % 3}` };
          const anomaly = { ...event.trigger.anomaly, labels };
          await store.recordHypothesisEvent({ ...event, trigger: { ...event.trigger, anomaly } });
        }
        await store.setIncidentStatus(incidentId, STATUSES[i % 3]!);
      }
      const everything = await allPages(store, {}, 100);
      expect(everything).toHaveLength(18);
      const order = (a: StoredAnomaly, b: StoredAnomaly) =>
        b.timestampMs - a.timestampMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
      expect(everything.map((a) => a.id)).toEqual([...everything].sort(order).map((a) => a.id));
      const statusOf = (a: StoredAnomaly) => STATUSES[Number(a.incidentId!.slice(4)) % 3]!;
      const serviceOf = (a: StoredAnomaly) => a.labels.service ?? a.series.split('.')[0]!;

      const cases: Array<{ query: AnomalyQuery; keep: (a: StoredAnomaly) => boolean }> = [
        { query: {}, keep: () => true },
        { query: { series: 'svc1.latency' }, keep: (a) => a.series === 'svc1.latency' },
        { query: { service: 'svc0' }, keep: (a) => serviceOf(a) === 'svc0' },
        { query: { service: 'label-svc1' }, keep: (a) => serviceOf(a) === 'label-svc1' },
        {
          query: { severities: ['high', 'critical'] },
          keep: (a) => a.severity === 'high' || a.severity === 'critical',
        },
        { query: { statuses: ['resolved'] }, keep: (a) => statusOf(a) === 'resolved' },
        { query: { incidentId: 'inc-4' }, keep: (a) => a.incidentId === 'inc-4' },
        {
          query: { fromMs: T0 + 3 * 60_000, toMs: T0 + 7 * 60_000 },
          keep: (a) => a.timestampMs >= T0 + 3 * 60_000 && a.timestampMs < T0 + 7 * 60_000,
        },
        {
          query: {
            fromMs: T0 + 2 * 60_000,
            severities: ['low', 'critical'],
            statuses: ['open', 'escalated'],
          },
          keep: (a) =>
            a.timestampMs >= T0 + 2 * 60_000 &&
            ['low', 'critical'].includes(a.severity) &&
            ['open', 'escalated'].includes(statusOf(a)),
        },
      ];
      for (const { query, keep } of cases) {
        const expected = everything.filter(keep).map((a) => a.id);
        expect(expected.length, JSON.stringify(query)).toBeGreaterThan(0);
        if (Object.keys(query).length > 0) expect(expected.length, JSON.stringify(query)).toBeLessThan(18);
        for (const limit of [1, 4, 7]) {
          const got = (await allPages(store, query, limit)).map((a) => a.id);
          expect(got, `${JSON.stringify(query)} limit ${limit}`).toEqual(expected);
        }
      }
      const first = everything[0]!;
      expect(first.detectors[0]!.detector).toBe('zscore');
      expect(first.baseline.median).toBe(39);
      expect((await store.listAnomalies({ limit: 18 })).nextCursor).toBeNull();
      await expect(store.listAnomalies({ cursor: 'garbage' })).rejects.toMatchObject({
        code: 'VIGIL_ERR_STORE_BAD_CURSOR',
        message: expect.stringContaining('listAnomalies'),
      });
    });

    it('records feedback as appended rows and lists it per incident, oldest first', async () => {
      await store.recordHypothesisEvent(hypothesisEvent());
      const first = await store.recordFeedback({
        incidentId: 'inc-1',
        verdict: 'confirmed',
        rootCause: 'database connection pool exhausted',
        note: null,
        by: 'alice',
        atMs: T0 + 3_600_000,
        memoryOutcome: 'remembered',
      });
      const second = await store.recordFeedback({
        incidentId: 'inc-1',
        verdict: 'corrected',
        rootCause: 'a leaking connection in the orders service',
        note: 'found in the heap dump',
        by: 'bob',
        atMs: T0 + 3_600_000,
        memoryOutcome: 'remembered',
      });
      expect(first).toMatchObject({ incidentId: 'inc-1', verdict: 'confirmed', by: 'alice', note: null });
      expect(first.atMs).toBe(T0 + 3_600_000);
      expect(second.id).not.toBe(first.id);
      expect(await store.listFeedback('inc-1')).toEqual([first, second]);
      expect(await store.listFeedback('unknown')).toEqual([]);
      await expect(store.recordFeedback({ ...first, verdict: 'maybe' as 'confirmed' })).rejects.toThrow(
        /verdict/,
      );
    });
  });
}
