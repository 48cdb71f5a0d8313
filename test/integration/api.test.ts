import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/api/security/issue-api-key.js';
import { type ApiResources, openApiResources } from '../../src/app/api-resources.js';
import { type ApiServer, startApiServer } from '../../src/app/api-server.js';
import { createCodecs } from '../../src/app/codecs.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import type { LogBackend } from '../../src/consumers/log-port.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createSqlApiKeyStore } from '../../src/storage/api-key-store.js';
import { createPgSqlClient } from '../../src/storage/pg-sql-client.js';
import { describeIncidentQueriesContract } from '../storage/incident-queries-contract.js';
import { DATABASE_URL, useScratchSchemas } from './support/postgres.js';
import { integrationEnv, requireServers, uniquePrefix } from './support/servers.js';
import { readWholeTopic } from './support/topic-reader.js';

const scratch = useScratchSchemas('api');
const freshSchema = scratch.freshSchema;

/** A port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(requireServers);

/** The API on Kafka + registry + PostgreSQL (its own schema), listening on a free port. */
async function startOnServers(config: AppConfig): Promise<{
  server: ApiServer;
  resources: ApiResources;
  backend: LogBackend;
  /** Headers carrying an operator key issued on the schema's key table (as `vigil keys create` does). */
  auth: Record<string, string>;
  close(): Promise<void>;
}> {
  const logger = silentLogger();
  const backend = createLogBackend(config, logger);
  await backend.admin().ensureTopics(pipelineTopicSpecs(config));
  const resources = await openApiResources(config, logger, { loadModelNow: false });
  const issued = await issueApiKey(
    createSqlApiKeyStore(resources.storeClient),
    { name: `it-${randomBytes(3).toString('hex')}`, role: 'operator' },
    { now: Date.now },
  );
  const server = await startApiServer({
    config,
    backend,
    codecs: createCodecs(config),
    logger,
    resources,
    registry: new Registry(),
  });
  return {
    server,
    resources,
    backend,
    auth: { authorization: `Bearer ${issued.key}` },
    async close() {
      await server.close();
      await resources.close();
      await backend.close();
    },
  };
}

describe('the API on Kafka, the schema registry and PostgreSQL', () => {
  const prefix = uniquePrefix('api');
  let config: AppConfig;
  let api: Awaited<ReturnType<typeof startOnServers>>;

  beforeAll(async () => {
    const schema = await freshSchema();
    config = loadConfig({
      env: integrationEnv(prefix, { DATABASE_URL, PORT: '0' }),
      overrides: { storage: { schema } },
    });
    api = await startOnServers(config);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('ingest lands decodable, registry-framed records on the metrics topic, keyed by series at event time', async () => {
    const t0 = Date.now() - 10 * 60_000;
    const points = Array.from({ length: 100 }, (_, i) => ({
      series: `shop.svc${i % 4}.latency`,
      timestampMs: t0 + i * 1000,
      value: 100 + (i % 7),
      labels: { service: `svc${i % 4}` },
    }));
    const response = await fetch(`${api.server.url}/api/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...api.auth },
      body: JSON.stringify({ points }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 100 });

    const codecs = createCodecs(config);
    const records = await readWholeTopic(api.backend, config.topics.names.metrics);
    expect(records).toHaveLength(100);
    const decoded = [];
    for (const record of records) {
      const result = await codecs.metricDecoder.decode(record.value);
      if (!result.ok) throw new Error(result.error.message);
      expect(result.encoding).toBe('confluent');
      expect(record.key?.toString()).toBe(result.point.series);
      expect(record.timestampMs).toBe(result.point.timestampMs);
      decoded.push(result.point);
    }
    decoded.sort((a, b) => a.timestampMs - b.timestampMs);
    expect(decoded).toEqual(points);

    const series = await fetch(
      `${api.server.url}/api/v1/series/points?series=shop.svc1.latency&from=${t0}&to=${t0 + 100_000}`,
      { headers: api.auth },
    );
    expect(series.status).toBe(200);
    const body = (await series.json()) as { points: Array<{ timestampMs: number }> };
    expect(body.points.map((p) => p.timestampMs)).toEqual(
      points.filter((p) => p.series === 'shop.svc1.latency').map((p) => p.timestampMs),
    );
  });

  it('refuses data routes without a key: keys live in PostgreSQL, so nothing is created at startup', async () => {
    expect(api.server.createdKey).toBeNull();
    expect((await fetch(`${api.server.url}/api/v1/incidents`)).status).toBe(401);
    expect((await fetch(`${api.server.url}/api/v1/incidents`, { headers: api.auth })).status).toBe(200);
  });

  it('health/ready reports every dependency ok', async () => {
    const response = await fetch(`${api.server.url}/api/v1/health/ready`);
    const body = (await response.json()) as {
      checks: Array<{ name: string; status: string; error?: string }>;
    };
    expect(body.checks.map((c) => `${c.name}: ${c.status}${c.error ? ` (${c.error})` : ''}`)).toEqual([
      'kafka: ok',
      'schema-registry: ok',
      'postgresql: ok',
      'vector-store (pgvector(pglite)): ok',
    ]);
    expect(response.status).toBe(200);
  });

  it('health/ready answers 503 naming the check whose dependency is dead', async () => {
    const deadRegistry = `http://127.0.0.1:${await deadPort()}/apis/ccompat/v7`;
    const dead = await startOnServers(
      loadConfig({
        env: integrationEnv(prefix, { DATABASE_URL, PORT: '0', SCHEMA_REGISTRY_URL: deadRegistry }),
        overrides: { storage: { schema: config.storage.schema } },
      }),
    );
    try {
      const response = await fetch(`${dead.server.url}/api/v1/health/ready`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as {
        status: string;
        checks: Array<{ name: string; status: string; error?: string }>;
      };
      expect(body.status).toBe('not-ready');
      expect(body.checks.filter((c) => c.status === 'failed').map((c) => c.name)).toEqual([
        'schema-registry',
      ]);
      expect(body.checks.find((c) => c.name === 'schema-registry')?.error).toMatch(
        /fetch failed|ECONNREFUSED/,
      );
    } finally {
      await dead.close();
    }
  });
});

describeIncidentQueriesContract('PostgreSQL through pg', async () => {
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
