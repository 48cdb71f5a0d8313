import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiPlugin } from '../../../src/api/build-app.js';
import type { Severity } from '../../../src/model/anomaly-event.js';
import type { IncidentStatus, QueryableIncidentStore } from '../../../src/storage/incident-store.js';
import type { SqlClient } from '../../../src/storage/sql-client.js';
import { hypothesisEvent, T0 } from '../../actions/support/hypothesis-fixture.js';
import { type ApiFixture, apiFixture, NOW_MS } from '../support/api-fixture.js';
import { closePglite, freshPgliteStore } from '../support/pglite-store.js';

let fixture: ApiFixture;
let store: QueryableIncidentStore;
let client: SqlClient;
let dispose: () => Promise<void>;

beforeEach(async () => {
  ({ store, client, dispose } = await freshPgliteStore());
  fixture = await apiFixture({ store });
}, 60_000);
afterEach(async () => {
  await fixture.close();
  await dispose();
});
afterAll(closePglite);

const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const STATUSES: readonly IncidentStatus[] = ['open', 'resolved', 'escalated'];

/** 9 incidents on 3 services, 2 revisions each (so 2 anomalies each), with statuses and actions. */
async function seed(): Promise<void> {
  for (let i = 0; i < 9; i++) {
    const incidentId = `inc-${i}`;
    for (const revision of [1, 2]) {
      await store.recordHypothesisEvent(
        hypothesisEvent({
          incidentId,
          revision,
          atMs: T0 + i * 600_000 + revision * 60_000,
          openedAtMs: T0 + i * 600_000,
          severity: SEVERITIES[i % 4]!,
          series: [`svc${i % 3}.latency`, `svc${i % 3}.errors`],
          anomalySeries: revision === 1 ? `svc${i % 3}.latency` : `svc${i % 3}.errors`,
          components: [`svc${i % 3}`],
        }),
      );
    }
    await store.setIncidentStatus(incidentId, STATUSES[i % 3]!);
    await store.recordActions([
      {
        id: `${incidentId}-alert`,
        incidentId,
        kind: 'alert',
        target: 'slack',
        status: 'skipped',
        detail: 'not sent: no slack destination configured',
        attempts: 0,
        atMs: T0 + i * 600_000 + 90_000,
        runbook: null,
        step: null,
      },
    ]);
  }
}

async function get(url: string) {
  return fixture.app.inject({ method: 'GET', url });
}

/** Every page of a list route, following nextCursor. */
async function allPages(path: string, query: string): Promise<Array<{ id: string }>> {
  const items: Array<{ id: string }> = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response = await get(`${path}?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    fixture.schemaOf(`GET ${path}`, 200).parse(body);
    items.push(...body.items);
    cursor = body.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return items;
}

describe('GET /api/v1/incidents', () => {
  it('pages through the incidents with the store order and filters', async () => {
    await seed();
    const everything = (await store.listIncidents({ limit: 500 })).items.map((i) => i.id);
    expect(everything).toHaveLength(9);
    expect((await allPages('/api/v1/incidents', 'limit=2')).map((i) => i.id)).toEqual(everything);
    const cases: Array<[string, Parameters<QueryableIncidentStore['listIncidents']>[0]]> = [
      ['severity=high,critical', { severities: ['high', 'critical'] }],
      ['severity=high&severity=critical', { severities: ['high', 'critical'] }],
      ['status=resolved', { statuses: ['resolved'] }],
      ['service=svc1', { service: 'svc1' }],
      ['series=svc2.errors', { series: 'svc2.errors' }],
      [
        `from=${new Date(T0 + 1_800_000).toISOString()}&to=${T0 + 4_200_000}`,
        { fromMs: T0 + 1_800_000, toMs: T0 + 4_200_000 },
      ],
    ];
    for (const [query, storeQuery] of cases) {
      const expected = (await store.listIncidents({ ...storeQuery, limit: 500 })).items.map((i) => i.id);
      expect(expected.length, query).toBeGreaterThan(0);
      expect(expected.length, query).toBeLessThan(9);
      expect(
        (await allPages('/api/v1/incidents', `${query}&limit=2`)).map((i) => i.id),
        query,
      ).toEqual(expected);
    }
  });

  it.each([
    ['severity=urgent', 'query.severity[0]'],
    ['status=open,closed', 'query.status[1]'],
    ['limit=0', 'query.limit'],
    ['limit=many', 'query.limit'],
    ['from=yesterday', 'query.from'],
    ['from=2026-03-01T12:00:00Z&to=2026-03-01T11:00:00Z', 'query.to'],
    ['cursor=garbage', 'query.cursor'],
    ['sevrity=high', 'query'],
  ])('answers 400 for %s naming %s', async (query, field) => {
    const response = await get(`/api/v1/incidents?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'VIGIL_ERR_API_INVALID_REQUEST', field });
    expect(response.json().message.startsWith(`${field}: `)).toBe(true);
  });
});

describe('GET /api/v1/anomalies', () => {
  it('pages through the anomalies newest first, filtered by incident, service, severity and status', async () => {
    await seed();
    const everything = (await store.listAnomalies({ limit: 500 })).items.map((a) => a.id);
    expect(everything).toHaveLength(18);
    expect((await allPages('/api/v1/anomalies', 'limit=4')).map((a) => a.id)).toEqual(everything);
    for (const [query, storeQuery] of [
      ['incidentId=inc-4', { incidentId: 'inc-4' }],
      [
        'service=svc0&severity=low,critical',
        { service: 'svc0', severities: ['low', 'critical'] as Severity[] },
      ],
      ['status=escalated', { statuses: ['escalated'] as IncidentStatus[] }],
      [`from=${T0 + 3_000_000}`, { fromMs: T0 + 3_000_000 }],
    ] as const) {
      const expected = (await store.listAnomalies({ ...storeQuery, limit: 500 })).items.map((a) => a.id);
      expect(expected.length, query).toBeGreaterThan(0);
      expect(expected.length, query).toBeLessThan(18);
      expect(
        (await allPages('/api/v1/anomalies', `${query}&limit=3`)).map((a) => a.id),
        query,
      ).toEqual(expected);
    }
  });
});

describe('GET /api/v1/incidents/:id', () => {
  it('returns the timeline: anomalies → similar incidents → hypotheses → actions, and the feedback', async () => {
    await seed();
    const response = await get('/api/v1/incidents/inc-4');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    fixture.schemaOf('GET /api/v1/incidents/:id', 200).parse(body);
    expect(body.incident).toMatchObject({
      id: 'inc-4',
      revision: 2,
      status: 'resolved',
      components: ['svc1'],
    });
    expect(body.anomalies.map((a: { series: string }) => a.series)).toEqual(['svc1.latency', 'svc1.errors']);
    expect(body.contexts[0].similar[0]).toMatchObject({ id: 'past-7', similarity: 0.91 });
    expect(body.hypotheses.map((h: { revision: number }) => h.revision)).toEqual([1, 2]);
    expect(body.actions).toEqual([expect.objectContaining({ id: 'inc-4-alert', kind: 'alert' })]);
    expect(body.feedback).toEqual([]);
  });

  it('answers 404 for an unknown incident', async () => {
    const response = await get('/api/v1/incidents/inc-404');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'VIGIL_ERR_API_NOT_FOUND', message: 'no incident "inc-404"' });
  });
});

describe('POST /api/v1/incidents/:id/feedback', () => {
  const feedback = (id: string, payload: Record<string, unknown>) =>
    fixture.app.inject({ method: 'POST', url: `/api/v1/incidents/${id}/feedback`, payload });

  it('confirming remembers the incident with its top cause, so a similar anomaly finds it; it is recorded', async () => {
    await seed();
    const response = await feedback('inc-1', {
      verdict: 'confirmed',
      by: 'alice',
      note: 'restarted the pool',
    });
    expect(response.statusCode).toBe(201);
    const recorded = fixture.schemaOf('POST /api/v1/incidents/:id/feedback', 201).parse(response.json());
    expect(recorded).toMatchObject({
      incidentId: 'inc-1',
      verdict: 'confirmed',
      rootCause: 'database connection pool exhausted',
      note: 'restarted the pool',
      by: 'alice',
      atMs: NOW_MS,
      memoryOutcome: 'remembered',
    });
    const stored = fixture.memory.vectors.items.get('inc-1');
    expect(stored?.payload).toMatchObject({
      rootCause: 'database connection pool exhausted',
      resolution: 'restarted the pool',
      falsePositive: false,
      service: 'svc1',
    });
    // The memory stage embeds a new anomaly's summary the same way: an identical signature finds it first.
    const [query] = await fixture.memory.embedder.embed([stored!.payload.embeddedText as string]);
    const hits = await fixture.memory.vectors.search(query!, { limit: 1, filter: { falsePositive: false } });
    expect(hits[0]).toMatchObject({
      id: 'inc-1',
      payload: { rootCause: 'database connection pool exhausted' },
    });
    const timeline = await get('/api/v1/incidents/inc-1');
    expect(timeline.json().feedback).toEqual([response.json()]);
  });

  it('records the authenticated caller as the author, whatever the body says', async () => {
    await seed();
    const asOperatorKey: ApiPlugin = (instance) => {
      instance.decorateRequest('principal', null);
      instance.addHook('onRequest', async (request) => {
        request.principal = { kind: 'api-key', id: '0123456789ab', name: 'ops', role: 'operator' };
      });
    };
    const keyed = await apiFixture({ store }, [asOperatorKey]);
    try {
      const response = await keyed.app.inject({
        method: 'POST',
        url: '/api/v1/incidents/inc-1/feedback',
        payload: { verdict: 'false-positive', by: 'someone else' },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json().by).toBe('API key "ops" (0123456789ab)');
    } finally {
      await keyed.close();
    }
  });

  it('correcting needs the root cause and remembers the corrected one', async () => {
    await seed();
    const missing = await feedback('inc-2', { verdict: 'corrected' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({
      field: 'rootCause',
      message: 'rootCause: a correction needs the root cause',
    });
    const response = await feedback('inc-2', { verdict: 'corrected', rootCause: 'a bad deploy of svc2' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      rootCause: 'a bad deploy of svc2',
      by: 'unknown',
      memoryOutcome: 'remembered',
    });
    expect(fixture.memory.vectors.items.get('inc-2')?.payload.rootCause).toBe('a bad deploy of svc2');
  });

  it('a false positive marks the remembered incident, or remembers it first, and searches leave it out', async () => {
    await seed();
    expect((await feedback('inc-3', { verdict: 'confirmed' })).statusCode).toBe(201);
    const marked = await feedback('inc-3', { verdict: 'false-positive', by: 'bob' });
    expect(marked.statusCode).toBe(201);
    expect(marked.json()).toMatchObject({ memoryOutcome: 'marked false positive', rootCause: null });
    expect(fixture.memory.vectors.items.get('inc-3')?.payload.falsePositive).toBe(true);
    const unknownToMemory = await feedback('inc-5', { verdict: 'false-positive' });
    expect(unknownToMemory.statusCode).toBe(201);
    expect(unknownToMemory.json().memoryOutcome).toBe('remembered and marked false positive');
    expect(fixture.memory.vectors.items.get('inc-5')?.payload.falsePositive).toBe(true);
    const text = fixture.memory.vectors.items.get('inc-5')!.payload.embeddedText as string;
    const [query] = await fixture.memory.embedder.embed([text]);
    const hits = await fixture.memory.vectors.search(query!, { limit: 10, filter: { falsePositive: false } });
    expect(hits.map((h) => h.id)).not.toContain('inc-5');
    expect((await store.listFeedback('inc-3')).map((f) => f.verdict)).toEqual([
      'confirmed',
      'false-positive',
    ]);
  });

  it('answers 404 for an unknown incident and records nothing', async () => {
    const response = await feedback('inc-404', { verdict: 'confirmed', rootCause: 'x' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'VIGIL_ERR_API_NOT_FOUND', message: 'no incident "inc-404"' });
    expect(fixture.memory.vectors.items.size).toBe(0);
  });

  it('answers 409 when the memory would have to remember an incident with no recorded anomaly', async () => {
    await seed();
    await client.query(`DELETE FROM anomalies WHERE incident_id = 'inc-6'`);
    const response = await feedback('inc-6', { verdict: 'false-positive' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      error: 'VIGIL_ERR_API_CONFLICT',
      message:
        'incident inc-6 is not in the incident memory and has no recorded anomaly to remember it by; nothing was recorded',
    });
    expect(await store.listFeedback('inc-6')).toEqual([]);
  });

  it('answers 503 when the memory is down, and records nothing', async () => {
    await seed();
    fixture.memory.vectors.failing = true;
    const response = await feedback('inc-1', { verdict: 'confirmed' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      error: 'VIGIL_ERR_API_UNAVAILABLE',
      message: 'the incident memory could not remember the incident: vector store down; nothing was recorded',
    });
    expect(await store.listFeedback('inc-1')).toEqual([]);
  });

  it.each([
    [{ verdict: 'maybe' }, 'verdict'],
    [{ verdict: 'confirmed', rootCause: '' }, 'rootCause'],
    [{ verdict: 'confirmed', extra: true }, 'body'],
    [{}, 'verdict'],
  ])('answers 400 for %j naming %s', async (payload, field) => {
    await seed();
    const response = await feedback('inc-1', payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'VIGIL_ERR_API_INVALID_REQUEST', field });
  });
});
