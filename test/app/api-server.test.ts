import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResources, lazyEmbedder, openApiResources } from '../../src/app/api-resources.js';
import { type ApiServer, startApiServer } from '../../src/app/api-server.js';
import { createCodecs } from '../../src/app/codecs.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import { loadConfig } from '../../src/config/app-config.js';
import type { LogBackend } from '../../src/consumers/log-port.js';
import type { Embedder } from '../../src/embeddings/embedder.js';
import { createLogger } from '../../src/observability/logger.js';
import { hypothesisEvent } from '../actions/support/hypothesis-fixture.js';

describe('startApiServer on the embedded default (no servers)', () => {
  const config = loadConfig({ env: { PORT: '0', VIGIL_MODELS_DIR: '/nonexistent/vigil-models' } });
  const logger = createLogger({ level: 'silent' });
  let backend: LogBackend;
  let resources: ApiResources;
  let server: ApiServer;

  beforeAll(async () => {
    backend = createLogBackend(config, logger);
    await backend.admin().ensureTopics(pipelineTopicSpecs(config));
    resources = await openApiResources(config, logger, { loadModelNow: false });
    server = await startApiServer({
      config,
      backend,
      codecs: createCodecs(config),
      logger,
      resources,
      registry: new Registry(),
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await resources?.close();
    await backend?.close();
  });

  const auth = () => ({ authorization: `Bearer ${server.createdKey}` });

  it('creates an admin key on the in-memory key table and refuses calls without it', async () => {
    expect(server.createdKey).toMatch(/^vgl_/);
    const anonymous = await fetch(`${server.url}/api/v1/incidents`);
    expect(anonymous.status).toBe(401);
    const keyed = await fetch(`${server.url}/api/v1/incidents`, { headers: auth() });
    expect(keyed.status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/health/live`)).status).toBe(200);
  });

  it('serves the web UI pages without a key', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('listens on a real port: ingest lands on the metrics topic and reads back as a series', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const t0 = Date.now() - 60_000;
    const points = Array.from({ length: 5 }, (_, i) => ({
      series: 'shop.latency',
      timestampMs: t0 + i * 1000,
      value: i,
    }));
    const ingest = await fetch(`${server.url}/api/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body: JSON.stringify({ points }),
    });
    expect(ingest.status).toBe(202);
    expect(ingest.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const read = await fetch(`${server.url}/api/v1/series/points?series=shop.latency`, { headers: auth() });
    const body = (await read.json()) as { points: Array<{ value: number }> };
    expect(body.points.map((p) => p.value)).toEqual([0, 1, 2, 3, 4]);
  });

  it('is ready without servers and without the embedding model (it is loaded on first use)', async () => {
    const response = await fetch(`${server.url}/api/v1/health/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { checks: Array<{ name: string; status: string }> };
    expect(body.checks.map((c) => `${c.name}: ${c.status}`)).toEqual([
      'event-log (embedded): ok',
      'incident-store (pglite): ok',
      'vector-store (pgvector(pglite)): ok',
    ]);
  });

  it('answers feedback with 503 saying to fetch the model when the memory needs it and it is missing', async () => {
    await resources.store.recordHypothesisEvent(hypothesisEvent({ incidentId: 'inc-model' }));
    const response = await fetch(`${server.url}/api/v1/incidents/inc-model/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body: JSON.stringify({ verdict: 'confirmed' }),
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { message: string }).message).toContain('npm run models:fetch');
    expect(await resources.store.listFeedback('inc-model')).toEqual([]);
  });
});

describe('lazyEmbedder', () => {
  it('loads once on first use, and tries again after a failed load', async () => {
    let loads = 0;
    let fail = true;
    const real: Embedder = {
      model: 'm',
      dimensions: 2,
      embed: async (texts) => texts.map(() => Float32Array.of(1, 0)),
    };
    const embedder = lazyEmbedder(
      async () => {
        loads++;
        if (fail) throw new Error('model missing');
        return real;
      },
      'm',
      2,
    );
    expect(loads).toBe(0);
    await expect(embedder.embed(['a'])).rejects.toThrow('model missing');
    fail = false;
    expect(await embedder.embed(['a', 'b'])).toHaveLength(2);
    await embedder.embed(['c']);
    expect(loads).toBe(2);
  });
});
