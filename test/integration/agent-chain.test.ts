import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecs } from '../../src/app/codecs.js';
import { waitForGroupToDrain } from '../../src/app/drain.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { buildPipeline } from '../../src/app/pipeline.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import type { ActionEvent } from '../../src/model/action-event.js';
import type { AnomalyEvent } from '../../src/model/anomaly-event.js';
import type { ContextEvent } from '../../src/model/context-event.js';
import type { HypothesisEvent } from '../../src/model/hypothesis-event.js';
import type { MetricPoint } from '../../src/model/metric-point.js';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { mulberry32 } from '../../src/synthetic/prng.js';
import { ensureEmbeddingModel, MODEL_FETCH_TIMEOUT_MS } from '../embeddings/ensure-model.js';
import { metricRecords, produceAll } from './support/produce.js';
import { integrationEnv, requireServers, uniquePrefix } from './support/servers.js';
import { readWholeTopic } from './support/topic-reader.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://vigil:vigil@127.0.0.1:55432/vigil';
const START_MS = Date.UTC(2026, 4, 1);
const INTERVAL_MS = 30_000;
const POINTS = 80;
const INCIDENT_AT = 50;

/** Three series of one service go wrong within 90 s (latency, errors, DB connections); six stay clean. */
function chainMetrics(): MetricPoint[] {
  const random = mulberry32(11);
  const series = [
    {
      service: 'orders',
      metric: 'latency_p99_ms',
      level: 180,
      noise: 5,
      spike: { at: INCIDENT_AT, to: 2400 },
    },
    {
      service: 'orders',
      metric: 'error_rate',
      level: 0.5,
      noise: 0.05,
      spike: { at: INCIDENT_AT + 1, to: 6 },
    },
    {
      service: 'orders',
      metric: 'db_connections_active',
      level: 60,
      noise: 2,
      spike: { at: INCIDENT_AT + 3, to: 198 },
    },
    { service: 'catalog', metric: 'latency_p99_ms', level: 90, noise: 3 },
    { service: 'catalog', metric: 'error_rate', level: 0.2, noise: 0.02 },
    { service: 'search', metric: 'latency_p99_ms', level: 240, noise: 8 },
    { service: 'search', metric: 'cpu_util', level: 45, noise: 2 },
    { service: 'auth', metric: 'requests_per_s', level: 800, noise: 20 },
    { service: 'cart', metric: 'queue_depth', level: 30, noise: 1.5 },
  ];
  const points: MetricPoint[] = [];
  for (let i = 0; i < POINTS; i++) {
    for (const s of series) {
      const value = s.spike?.at === i ? s.spike.to : s.level + (random() * 2 - 1) * s.noise;
      points.push({
        series: `${s.service}.${s.metric}{host=${s.service}-1}`,
        timestampMs: START_MS + i * INTERVAL_MS,
        value,
        labels: { service: s.service, metric: s.metric, host: `${s.service}-1` },
      });
    }
  }
  return points;
}

const INCIDENT_SERIES = [
  'orders.latency_p99_ms{host=orders-1}',
  'orders.error_rate{host=orders-1}',
  'orders.db_connections_active{host=orders-1}',
];

/** A local HTTP server that records every request and answers with `status()`. */
async function startReceiver(status: () => number) {
  const requests: Array<{ url: string; body: unknown }> = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({ url: req.url ?? '', body: text ? JSON.parse(text) : null });
      res.writeHead(status(), { 'content-type': 'application/json' }).end('{"error":"test says no"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    requests,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-chain-'));
const policiesFile = join(dir, 'policies.yaml');
writeFileSync(
  policiesFile,
  'policies:\n  - name: page-ops\n    notify: ["webhook:default"]\n    runbook: restart-connection-pool\n',
);

interface ChainRun {
  readonly config: AppConfig;
  readonly schema: string;
  readonly anomalies: AnomalyEvent[];
  readonly contexts: ContextEvent[];
  readonly hypotheses: HypothesisEvent[];
  readonly actions: ActionEvent[];
  readonly deadLetters: number;
  /** What each stage counted, and the anomalies detect emitted (also those of aborted transactions). */
  readonly diagnostics: string;
}

let db: pg.Client;
const schemas: string[] = [];
let modelsDir: string;

/** Runs the four stages in this process on real Kafka until every group has drained its input. */
async function runChain(
  name: string,
  env: Record<string, string>,
  overrides: Record<string, Record<string, unknown>>,
) {
  const prefix = uniquePrefix(`chain-${name}`);
  const schema = `it_chain_${name.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
  await db.query(`CREATE SCHEMA ${schema}`);
  schemas.push(schema);
  const config = loadConfig({
    env: integrationEnv(prefix, {
      VIGIL_PARTITIONS: '3',
      VIGIL_MEMORY_GROUP: `${prefix}memory`,
      VIGIL_REASON_GROUP: `${prefix}reason`,
      VIGIL_ACT_GROUP: `${prefix}act`,
      VIGIL_MODELS_DIR: modelsDir,
      DATABASE_URL,
      VIGIL_ALLOWED_HOSTS: '127.0.0.1',
      ...env,
    }),
    overrides: {
      ...overrides,
      storage: { schema },
      act: {
        policiesFile,
        ...overrides.act,
        notifiers: {
          allowPlainHttp: true,
          timeoutMs: 2000,
          retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
          ...(overrides.act?.notifiers as object | undefined),
        },
      },
    },
  });
  const logger = process.env.CHAIN_DEBUG ? createLogger({ level: 'debug', toStderr: true }) : silentLogger();
  const backend = createLogBackend(config, logger);
  const codecs = createCodecs(config);
  const names = config.topics.names;
  try {
    await backend.admin().ensureTopics(pipelineTopicSpecs(config));
    const metrics = metricRecords(names.metrics, chainMetrics());
    const startedAt = Date.now();
    const marks: string[] = [];
    const mark = (what: string) => void marks.push(`+${Date.now() - startedAt} ms ${what}`);
    const describeOffsets = async (groupId: string, topic: string) => {
      const ends = await backend.admin().offsetRange(topic);
      const committed = await backend.admin().committedOffsets(groupId, topic);
      return [...ends].map(([p, r]) => `${p}:${committed.get(p) ?? 'none'}/${r.start}-${r.end}`).join(' ');
    };
    await produceAll(backend, metrics);
    mark('metrics produced');
    // The drains below compare committed offsets with the ends seen when they start: make sure those ends
    // already count every produced record (a stale view would let a drain pass before any work).
    for (let tries = 0; ; tries++) {
      const ends = await backend.admin().offsetRange(names.metrics);
      const visible = [...ends.values()].reduce((sum, r) => sum + (r.end - r.start), 0);
      if (visible === metrics.length) {
        mark(`all metrics visible after ${tries + 1} reads`);
        break;
      }
      if (tries > 100) throw new Error(`only ${visible} of ${metrics.length} metric records visible`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const emitted: string[] = [];
    const pipeline = await buildPipeline({
      config,
      backend,
      codecs,
      logger,
      stages: ['detect', 'memory', 'reason', 'act'],
      observers: { onAnomaly: (a) => void emitted.push(`${a.series}@${a.timestampMs}`) },
    });
    const stageStats = () =>
      pipeline.stages
        .map(({ name, runner: { stats: s } }) =>
          [
            `${name}: in ${s.recordsIn} out ${s.recordsOut} dlq ${s.deadLettered} dedup ${s.deduplicated}`,
            `checkpoints ${s.checkpoints} failed ${s.checkpointFailures} retries ${s.retries}`,
            `rebalances ${s.rebalances} restores ${s.restores}/${s.restoredRecords}`,
          ].join(', '),
        )
        .join('\n');
    mark('pipeline built');
    let diagnostics = '';
    try {
      await pipeline.start();
      // Stage by stage, every group commits all of its input: nothing stalls.
      await waitForGroupToDrain(backend.admin(), config.detect.groupId, names.metrics, {
        timeoutMs: 60_000,
        markerSlack: 0,
      });
      mark(`detect drained: ${await describeOffsets(config.detect.groupId, names.metrics)}`);
      // A drain compares with the ends it sees when it starts; an upstream commit whose markers land a
      // moment later would not be counted. Repeat the stage-by-stage drain until a whole pass sees the
      // same ends on every topic.
      const topics = [names.anomalies, names.contexts, names.hypotheses, names.actions];
      const allEnds = async () => {
        const parts: string[] = [];
        for (const topic of topics)
          for (const [p, r] of await backend.admin().offsetRange(topic)) parts.push(`${topic}/${p}:${r.end}`);
        return parts.join(' ');
      };
      let seen = '';
      for (let pass = 0; ; pass++) {
        for (const stage of pipeline.stages) {
          await waitForGroupToDrain(backend.admin(), stage.groupId, stage.inputTopic, {
            timeoutMs: 60_000,
            markerSlack: 1,
            tailReader: backend,
          });
        }
        const now = await allEnds();
        if (now === seen) break;
        if (pass >= 5) throw new Error(`topics still growing after ${pass + 1} drain passes: ${now}`);
        seen = now;
      }
    } finally {
      await pipeline.stop();
      const ends = async (topic: string) =>
        [...(await backend.admin().offsetRange(topic))].map(([p, r]) => `${p}:${r.start}-${r.end}`).join(' ');
      mark('pipeline stopped');
      diagnostics = [
        ...marks,
        stageStats(),
        `detect emitted ${emitted.length}: ${emitted.join(', ')}`,
        `anomalies topic (committed ends) ${await ends(names.anomalies)}`,
        `metrics topic ${await ends(names.metrics)}`,
      ].join('\n');
    }
    const read = async <T>(topic: string): Promise<T[]> => {
      const out: T[] = [];
      for (const record of await readWholeTopic(backend, topic))
        out.push((await codecs.eventDecoder.decode(record.value!)) as T);
      return out;
    };
    let deadLetters = 0;
    for (const topic of [
      names.metricsDeadLetter,
      names.anomaliesDeadLetter,
      names.contextsDeadLetter,
      names.hypothesesDeadLetter,
    ])
      deadLetters += (await readWholeTopic(backend, topic)).length;
    const run: ChainRun = {
      config,
      schema,
      anomalies: await read<AnomalyEvent>(names.anomalies),
      contexts: await read<ContextEvent>(names.contexts),
      hypotheses: await read<HypothesisEvent>(names.hypotheses),
      actions: await read<ActionEvent>(names.actions),
      deadLetters,
      diagnostics,
    };
    return run;
  } finally {
    await backend.close();
  }
}

async function rows(schema: string, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await db.query(sql.replaceAll('$schema', schema))).rows;
}

/** What every scenario shares: one incident of three anomalies, all events on their topics and in PostgreSQL. */
async function expectOneIncidentEverywhere(run: ChainRun) {
  expect(run.deadLetters, run.diagnostics).toBe(0);
  expect(run.anomalies.map((a) => a.series).sort(), run.diagnostics).toEqual([...INCIDENT_SERIES].sort());
  expect(run.contexts).toHaveLength(3);
  expect(new Set(run.contexts.map((c) => c.correlationKey))).toEqual(new Set(['orders']));
  const incidents = new Set(run.hypotheses.map((h) => h.incident.id));
  expect(incidents.size).toBe(1);
  const [incidentId] = incidents;
  expect(run.hypotheses.map((h) => h.revision).sort()).toEqual([1, 2, 3]);
  const last = run.hypotheses.find((h) => h.revision === 3)!;
  expect(last.incident.series.slice().sort()).toEqual([...INCIDENT_SERIES].sort());
  expect(last.hypotheses.length).toBeGreaterThan(0);
  expect(last.rankedComponents[0]?.component).toBe('orders');
  expect(new Set(run.actions.map((a) => a.incidentId))).toEqual(incidents);
  // The runbook rehearsed once, in dry-run.
  expect(run.actions.filter((a) => a.kind === 'runbook-dry-run').map((a) => a.step)).toEqual([
    'drain-quarter',
    'restart-pool',
    'undrain',
  ]);

  const s = run.schema;
  const incidentRows = await rows(s, 'SELECT id, revision, status, top_cause FROM $schema.incidents');
  expect(incidentRows).toEqual([
    expect.objectContaining({
      id: incidentId,
      revision: 3,
      status: 'open',
      top_cause: last.hypotheses[0]!.cause,
    }),
  ]);
  const anomalyRows = await rows(s, 'SELECT id, incident_id FROM $schema.anomalies');
  expect(anomalyRows.map((r) => r.id).sort()).toEqual(run.anomalies.map((a) => a.id).sort());
  expect(new Set(anomalyRows.map((r) => r.incident_id))).toEqual(incidents);
  const contextRows = await rows(s, 'SELECT id, similar_incidents, degraded FROM $schema.contexts');
  expect(contextRows.map((r) => r.id).sort()).toEqual(run.contexts.map((c) => c.id).sort());
  const hypothesisRows = await rows(
    s,
    'SELECT id, revision, engine, fallback_reason FROM $schema.hypotheses ORDER BY revision',
  );
  expect(hypothesisRows.map((r) => r.id)).toEqual([1, 2, 3].map((n) => `${incidentId}#${n}`));
  const actionRows = await rows(s, 'SELECT id, kind, status FROM $schema.actions');
  expect(actionRows.map((r) => r.id).sort()).toEqual(run.actions.map((a) => a.id).sort());
  return { last, contextRows, hypothesisRows, actionRows };
}

describe('agent chain on real Kafka + registry + PostgreSQL', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let receiverStatus = 200;

  beforeAll(async () => {
    await requireServers();
    db = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
    try {
      await db.connect();
    } catch (error) {
      throw new Error(
        `PostgreSQL at ${DATABASE_URL.replace(/:[^:@/]*@/, ':***@')} is not reachable (${(error as Error).message}): start it with \`npm run servers:start\``,
      );
    }
    modelsDir = ensureEmbeddingModel();
    receiver = await startReceiver(() => receiverStatus);
  }, MODEL_FETCH_TIMEOUT_MS);

  afterAll(async () => {
    await receiver?.close();
    for (const schema of schemas) await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.end();
  });

  it('metrics → one incident with similar past incidents, ranked hypotheses, exactly one alert, all in PostgreSQL', async () => {
    receiverStatus = 200;
    const before = receiver.requests.length;
    const run = await runChain('ok', { VIGIL_WEBHOOK_URL: receiver.url('/hooks/ok') }, {});
    const { last, contextRows, hypothesisRows } = await expectOneIncidentEverywhere(run);

    for (const context of run.contexts) {
      expect(context.degraded).toBeNull();
      expect(context.similar.length).toBe(5);
      expect(context.similar[0]!.similarity).toBeGreaterThan(0.5);
      expect(context.embeddingModel).toBe('Xenova/all-MiniLM-L6-v2');
    }
    expect(contextRows.every((r) => (r.similar_incidents as unknown[]).length === 5)).toBe(true);
    expect(last.engine).toBe('rules');
    expect(last.fallbackReason).toBeNull();
    expect(last.hypotheses[0]!.cause).toMatch(/connection pool/i);
    expect(last.hypotheses[0]!.confidence).toBeGreaterThan(0.5);
    expect(hypothesisRows.every((r) => r.engine === 'rules' && r.fallback_reason === null)).toBe(true);

    // Exactly one alert reached the receiver; later revisions were held back by the cooldown.
    const received = receiver.requests.slice(before);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      url: '/hooks/ok',
      body: { kind: 'alert', policy: 'page-ops', incident: { id: last.incident.id } },
    });
    const alerts = run.actions.filter((a) => a.kind === 'alert');
    expect(alerts).toEqual([
      expect.objectContaining({ target: 'webhook:default', status: 'ok', attempts: 1 }),
    ]);
    expect(run.actions.filter((a) => a.kind === 'suppressed').map((a) => a.status)).toEqual([
      'skipped',
      'skipped',
    ]);
  });

  it('(a) vector store down: contexts say degraded with no similar incidents, the chain still completes', async () => {
    receiverStatus = 200;
    const before = receiver.requests.length;
    const run = await runChain(
      'novec',
      { VIGIL_WEBHOOK_URL: receiver.url('/hooks/novec'), QDRANT_URL: `http://127.0.0.1:${await deadPort()}` },
      {},
    );
    const { last, contextRows } = await expectOneIncidentEverywhere(run);
    for (const context of run.contexts) {
      expect(context.degraded).toMatch(/^vector store \(qdrant\)/);
      expect(context.similar).toEqual([]);
    }
    expect(contextRows.every((r) => typeof r.degraded === 'string')).toBe(true);
    expect(last.similar).toEqual([]);
    expect(receiver.requests.slice(before)).toHaveLength(1);
  });

  it('(b) LLM enabled but failing: hypotheses come from the rules with a fallbackReason', async () => {
    receiverStatus = 200;
    let llmCalls = 0;
    const llm = await startReceiver(() => {
      llmCalls++;
      return 500;
    });
    try {
      const run = await runChain(
        'llm',
        { VIGIL_WEBHOOK_URL: receiver.url('/hooks/llm'), OPENAI_API_KEY: 'test-key' },
        {
          reason: {
            llm: {
              enabled: true,
              provider: 'openai',
              baseUrl: llm.url('/v1'),
              model: 'fake-model',
              timeoutMs: 2000,
              budgetMs: 5000,
              retry: { tries: 2, baseDelayMs: 10, maxDelayMs: 50 },
            },
          },
        },
      );
      const { hypothesisRows } = await expectOneIncidentEverywhere(run);
      expect(llmCalls).toBeGreaterThan(0);
      expect(llm.requests[0]!.url).toBe('/v1/chat/completions');
      for (const event of run.hypotheses) {
        expect(event.engine).toBe('rules');
        expect(event.fallbackReason).toMatch(/llm (request failed|circuit breaker open).*/);
        expect(event.hypotheses[0]!.ruleId).not.toBeNull();
      }
      expect(run.hypotheses.some((h) => /HTTP 500/.test(h.fallbackReason ?? ''))).toBe(true);
      expect(hypothesisRows.every((r) => r.engine === 'rules' && typeof r.fallback_reason === 'string')).toBe(
        true,
      );
    } finally {
      await llm.close();
    }
  });

  it('(c) webhook failing: failed alert actions, nothing lost, every group drains', async () => {
    receiverStatus = 500;
    const before = receiver.requests.length;
    try {
      const run = await runChain('hookfail', { VIGIL_WEBHOOK_URL: receiver.url('/hooks/fail') }, {});
      const { actionRows } = await expectOneIncidentEverywhere(run);
      const alerts = run.actions.filter((a) => a.kind === 'alert');
      // Never paged, so every revision tries again (until the destination's breaker opens).
      expect(alerts.length).toBe(3);
      expect(alerts.every((a) => a.status === 'failed' && a.target === 'webhook:default')).toBe(true);
      expect(alerts[0]!.detail).toMatch(/500/);
      expect(alerts[0]!.attempts).toBe(2);
      expect(receiver.requests.length - before).toBeGreaterThanOrEqual(2);
      expect(actionRows.filter((r) => r.kind === 'alert' && r.status === 'failed')).toHaveLength(3);
    } finally {
      receiverStatus = 200;
    }
  });
});
