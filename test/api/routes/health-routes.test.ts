import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_API_SETTINGS } from '../../../src/api/api-settings.js';
import { buildApp } from '../../../src/api/build-app.js';
import { DEFAULT_DETECTOR_CONFIG } from '../../../src/streams/index.js';
import { type ApiFixture, apiFixture, fakeCheck } from '../support/api-fixture.js';

let fixture: ApiFixture;
afterEach(async () => {
  await fixture?.close();
});

describe('health routes', () => {
  it('live answers 200 while the process runs', async () => {
    fixture = await apiFixture({ readiness: [fakeCheck('kafka', { error: 'down' })] });
    const response = await fixture.app.inject({ method: 'GET', url: '/api/v1/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('ready answers 200 with every check, its status and latency', async () => {
    fixture = await apiFixture();
    const response = await fixture.app.inject({ method: 'GET', url: '/api/v1/health/ready' });
    expect(response.statusCode).toBe(200);
    const body = fixture.schemaOf('GET /api/v1/health/ready', 200).parse(response.json()) as {
      checks: Array<{ latencyMs: number }>;
    };
    expect(body).toMatchObject({
      status: 'ready',
      checks: [
        { name: 'kafka', status: 'ok' },
        { name: 'postgresql', status: 'ok' },
      ],
    });
    for (const check of body.checks) expect(check.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('ready answers 503 naming each failing check: an error, and one that does not answer in time', async () => {
    fixture = await apiFixture({
      settings: { readinessTimeoutMs: 50 },
      readiness: [
        fakeCheck('kafka'),
        fakeCheck('schema-registry', { error: 'connect ECONNREFUSED 127.0.0.1:1' }),
        fakeCheck('vector-store', { delayMs: 60_000 }),
      ],
    });
    const response = await fixture.app.inject({ method: 'GET', url: '/api/v1/health/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      status: 'not-ready',
      checks: [
        { name: 'kafka', status: 'ok' },
        { name: 'schema-registry', status: 'failed', error: 'connect ECONNREFUSED 127.0.0.1:1' },
        { name: 'vector-store', status: 'failed', error: 'no answer within 50 ms' },
      ],
    });
    expect(response.json().checks[0].error).toBeUndefined();
  });
});

describe('/metrics, the OpenAPI document, the docs page, unknown routes and roles', () => {
  it('serves the registry with the API request metrics by route pattern, method and status', async () => {
    fixture = await apiFixture();
    await fixture.app.inject({ method: 'GET', url: '/api/v1/incidents/abc' });
    await fixture.app.inject({ method: 'GET', url: '/api/v1/incidents/def' });
    await fixture.app.inject({ method: 'GET', url: '/nowhere/1' });
    const response = await fixture.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain(
      'vigil_api_requests_total{method="GET",route="/api/v1/incidents/:id",status_code="404"} 2',
    );
    expect(response.body).toContain(
      'vigil_api_requests_total{method="GET",route="unmatched",status_code="404"} 1',
    );
    expect(response.body).toMatch(
      /vigil_api_request_duration_seconds_count\{method="GET",route="\/api\/v1\/incidents\/:id",status_code="404"\} 2/,
    );
  });

  it('documents every route in OpenAPI 3.1 from the zod schemas, and serves the docs page', async () => {
    fixture = await apiFixture();
    const response = await fixture.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/v1/analyze',
        '/api/v1/anomalies',
        '/api/v1/health/live',
        '/api/v1/health/ready',
        '/api/v1/incidents',
        '/api/v1/incidents/{id}',
        '/api/v1/incidents/{id}/feedback',
        '/api/v1/metrics',
        '/api/v1/series/points',
        '/metrics',
      ].sort(),
    );
    const ingest = doc.paths['/api/v1/metrics'].post;
    const point = ingest.requestBody.content['application/json'].schema.properties.points.items;
    expect(point.properties.value.type).toBe('number');
    expect(point.required).toEqual(['series', 'value']);
    expect(Object.keys(ingest.responses).sort()).toEqual(['202', '400', '413']);
    const incidents = doc.paths['/api/v1/incidents'].get.parameters.map((p: { name: string }) => p.name);
    expect(incidents).toEqual(
      expect.arrayContaining(['from', 'to', 'severity', 'status', 'limit', 'cursor']),
    );
    const docs = await fixture.app.inject({ method: 'GET', url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('answers unknown routes with a JSON 404', async () => {
    fixture = await apiFixture();
    const response = await fixture.app.inject({ method: 'DELETE', url: '/api/v1/incidents?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: 'VIGIL_ERR_API_NOT_FOUND',
      message: 'no route DELETE /api/v1/incidents; see /docs',
    });
  });

  it('states a role on every route: health and /metrics public, reads viewer, writes operator', async () => {
    fixture = await apiFixture();
    expect(Object.fromEntries(fixture.roles)).toEqual({
      'GET /api/v1/health/live': 'public',
      'GET /api/v1/health/ready': 'public',
      'GET /metrics': 'public',
      'POST /api/v1/metrics': 'operator',
      'POST /api/v1/analyze': 'operator',
      'GET /api/v1/anomalies': 'viewer',
      'GET /api/v1/incidents': 'viewer',
      'GET /api/v1/incidents/:id': 'viewer',
      'POST /api/v1/incidents/:id/feedback': 'operator',
      'GET /api/v1/series/points': 'viewer',
      'GET /api/v1/openapi.json': 'public',
      // The web UI's pages and assets (the data routes they call keep their roles).
      'GET /': 'public',
      'GET /ui/': 'public',
      'GET /ui/vendor/uPlot.esm.js': 'public',
      'GET /ui/vendor/uPlot.min.css': 'public',
      'GET /ui/*': 'public',
    });
  });

  it('refuses at startup a route that states no role', async () => {
    const base = await apiFixture();
    fixture = base;
    await expect(
      buildApp(
        {
          settings: DEFAULT_API_SETTINGS,
          detectors: DEFAULT_DETECTOR_CONFIG,
          metrics: base.sink,
          store: { listIncidents: async () => ({ items: [], nextCursor: null }) } as never,
          memory: base.memory.memory,
          readiness: [],
          registry: base.registry,
          seriesPoints: { read: async () => ({ points: [], recordsScanned: 0, truncated: null }) },
          clock: Date.now,
        },
        { plugins: [(app) => app.get('/api/v1/secret', async () => 'x')] },
      ),
    ).rejects.toThrow(
      "route GET /api/v1/secret states no role: add config: { role: 'public' | 'viewer' | 'operator' | 'admin' }",
    );
  });
});
