import { randomBytes } from 'node:crypto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecs } from '../../src/app/codecs.js';
import { waitForGroupToDrain } from '../../src/app/drain.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { buildPipeline } from '../../src/app/pipeline.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import { loadConfig } from '../../src/config/app-config.js';
import type { LogRecord } from '../../src/consumers/log-port.js';
import { CORRELATION_ID_HEADER, INCIDENT_ID_HEADER } from '../../src/consumers/stage-telemetry.js';
import type { AnomalyEvent } from '../../src/model/anomaly-event.js';
import type { HypothesisEvent } from '../../src/model/hypothesis-event.js';
import type { MetricPoint } from '../../src/model/metric-point.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startIngestTrace } from '../../src/observability/tracing.js';
import { createVigilMetrics } from '../../src/observability/vigil-metrics.js';
import { mulberry32 } from '../../src/synthetic/prng.js';
import { ensureEmbeddingModel, MODEL_FETCH_TIMEOUT_MS } from '../embeddings/ensure-model.js';
import { captureSpans, parseTraceparent } from '../support/span-capture.js';
import { metricRecords, produceAll } from './support/produce.js';
import { integrationEnv, requireServers, uniquePrefix } from './support/servers.js';
import { readWholeTopic } from './support/topic-reader.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://vigil:vigil@127.0.0.1:55432/vigil';
const START_MS = Date.UTC(2026, 4, 1);
const INTERVAL_MS = 30_000;

/** The orders incident (latency, errors, then DB connections within 90 s) plus two clean series. */
function points(): MetricPoint[] {
  const random = mulberry32(5);
  const series = [
    { metric: 'latency_p99_ms', level: 180, noise: 5, spike: { at: 50, to: 2400 } },
    { metric: 'error_rate', level: 0.5, noise: 0.05, spike: { at: 51, to: 6 } },
    { metric: 'db_connections_active', level: 60, noise: 2, spike: { at: 53, to: 198 } },
    { metric: 'cpu_util', level: 45, noise: 2 },
    { metric: 'queue_depth', level: 30, noise: 1.5 },
  ];
  const out: MetricPoint[] = [];
  for (let i = 0; i < 80; i++) {
    for (const s of series) {
      out.push({
        series: `orders.${s.metric}{host=orders-1}`,
        timestampMs: START_MS + i * INTERVAL_MS,
        value: s.spike?.at === i ? s.spike.to : s.level + (random() * 2 - 1) * s.noise,
        labels: { service: 'orders', metric: s.metric, host: 'orders-1' },
      });
    }
  }
  return out;
}

let db: pg.Client;
let schema: string;
let modelsDir: string;

beforeAll(async () => {
  await requireServers();
  modelsDir = ensureEmbeddingModel();
  db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  schema = `it_tracing_${randomBytes(3).toString('hex')}`;
  await db.query(`CREATE SCHEMA ${schema}`);
}, MODEL_FETCH_TIMEOUT_MS);

afterAll(async () => {
  await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
  await db?.end();
});

describe('tracing across the stages on real Kafka', () => {
  it('trace headers survive the broker: every stage continues the trace started at ingest, parents in order', async () => {
    const prefix = uniquePrefix('tracing');
    const config = loadConfig({
      env: integrationEnv(prefix, {
        VIGIL_PARTITIONS: '3',
        VIGIL_MEMORY_GROUP: `${prefix}memory`,
        VIGIL_REASON_GROUP: `${prefix}reason`,
        VIGIL_ACT_GROUP: `${prefix}act`,
        VIGIL_MODELS_DIR: modelsDir,
        DATABASE_URL,
        VIGIL_TRACING: 'true',
      }),
      overrides: { storage: { schema } },
    });
    expect(config.tracing.enabled).toBe(true);
    const capture = captureSpans(config.tracing.samplingRatio);
    const metrics = createVigilMetrics();
    const logger = silentLogger();
    const backend = createLogBackend(config, logger);
    const codecs = createCodecs(config);
    const names = config.topics.names;
    try {
      await backend.admin().ensureTopics(pipelineTopicSpecs(config));
      // Each point enters as the API ingest does it: its own trace, whose headers go on the record.
      const ingested = metricRecords(names.metrics, points()).map((record) => {
        const ingest = startIngestTrace();
        ingest.end();
        return { ...record, headers: { ...ingest.headers } };
      });
      await produceAll(backend, ingested);
      const pipeline = await buildPipeline({
        config,
        backend,
        codecs,
        logger,
        stages: ['detect', 'memory', 'reason', 'act'],
        tracing: capture.tracing,
        metrics,
      });
      try {
        await pipeline.start();
        await waitForGroupToDrain(backend.admin(), config.detect.groupId, names.metrics, {
          timeoutMs: 60_000,
          markerSlack: 0,
        });
        for (const stage of pipeline.stages) {
          await waitForGroupToDrain(backend.admin(), stage.groupId, stage.inputTopic, {
            timeoutMs: 60_000,
            markerSlack: 1,
            tailReader: backend,
          });
        }
      } finally {
        await pipeline.stop();
      }

      const spans = capture.spans();
      const spanById = new Map(spans.map((s) => [s.spanContext().spanId, s]));
      const writerOf = (record: LogRecord): ReadableSpan => {
        const header = record.headers.traceparent?.toString('latin1');
        const span = spanById.get(parseTraceparent(header).spanId);
        if (!span) throw new Error(`no span wrote ${record.topic}/${record.partition}@${record.offset}`);
        return span;
      };
      const parentOf = (span: ReadableSpan) => spanById.get(span.parentSpanContext?.spanId ?? '');

      // The metric records kept their ingest headers through the broker.
      const metricsRead = await readWholeTopic(backend, names.metrics);
      expect(metricsRead).toHaveLength(ingested.length);
      for (const record of metricsRead) expect(writerOf(record).name).toBe('ingest');

      const anomalies = await readWholeTopic(backend, names.anomalies);
      const contexts = await readWholeTopic(backend, names.contexts);
      const hypotheses = await readWholeTopic(backend, names.hypotheses);
      const actions = await readWholeTopic(backend, names.actions);
      expect(anomalies).toHaveLength(3);
      expect(contexts).toHaveLength(3);
      expect(hypotheses).toHaveLength(3);
      expect(actions.length).toBeGreaterThan(0);

      const anomalyIds = new Set<string>();
      for (const record of anomalies) {
        const event = (await codecs.eventDecoder.decode(record.value!)) as AnomalyEvent;
        anomalyIds.add(event.id);
        expect(record.headers[CORRELATION_ID_HEADER]?.toString()).toBe(event.id);
        const detect = writerOf(record);
        expect(detect.name).toBe('detect process');
        expect(detect.attributes['vigil.state_key']).toBe(event.series);
        expect(parentOf(detect)?.name).toBe('ingest');
      }
      for (const record of contexts) {
        const memory = writerOf(record);
        expect(memory.name).toBe('memory process');
        expect(parentOf(memory)?.name).toBe('detect process');
        expect(anomalyIds).toContain(record.headers[CORRELATION_ID_HEADER]?.toString());
      }
      for (const record of hypotheses) {
        const event = (await codecs.eventDecoder.decode(record.value!)) as HypothesisEvent;
        expect(record.headers[INCIDENT_ID_HEADER]?.toString()).toBe(event.incident.id);
        const reason = writerOf(record);
        expect(reason.name).toBe('reason process');
        expect(parentOf(reason)?.name).toBe('memory process');
      }
      // Every action closes a chain of five spans in one trace: ingest → detect → memory → reason → act.
      for (const record of actions) {
        const chain: ReadableSpan[] = [writerOf(record)];
        for (let span = parentOf(chain[0]!); span; span = parentOf(span)) chain.push(span);
        expect(chain.map((s) => s.name)).toEqual([
          'act process',
          'reason process',
          'memory process',
          'detect process',
          'ingest',
        ]);
        expect(new Set(chain.map((s) => s.spanContext().traceId)).size).toBe(1);
        expect(chain[0]!.attributes['messaging.destination.name']).toBe(names.hypotheses);
      }
      // The act stage's database calls ran inside its record spans.
      const actSpans = new Set(spans.filter((s) => s.name === 'act process'));
      const database = spans.filter((s) => s.name === 'database recordHypothesisEvent');
      expect(database).toHaveLength(3);
      for (const span of database) expect(actSpans).toContain(parentOf(span));

      const exposition = await metrics.registry.metrics();
      expect(exposition).toMatch(/vigil_stage_end_to_end_latency_seconds_count\{stage="detect"\} 3\n/);
      expect(exposition).toMatch(
        /vigil_dependency_call_duration_seconds_count\{dependency="database",operation="recordHypothesisEvent",outcome="ok"\} 3\n/,
      );
    } finally {
      await backend.close();
      await capture.tracing.shutdown();
    }
  });
});
