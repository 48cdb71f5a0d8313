import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCodecs } from '../../src/app/codecs.js';
import { generateDemoStream } from '../../src/app/demo-stream.js';
import { waitForGroupToDrain } from '../../src/app/drain.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { buildPipeline } from '../../src/app/pipeline.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import { encodeMetricPointJson } from '../../src/codec/index.js';
import { loadConfig } from '../../src/config/app-config.js';
import type { LogBackend, LogRecord, OutgoingRecord } from '../../src/consumers/log-port.js';
import { CORRELATION_ID_HEADER, INCIDENT_ID_HEADER } from '../../src/consumers/stage-telemetry.js';
import type { ActionEvent } from '../../src/model/action-event.js';
import type { AnomalyEvent } from '../../src/model/anomaly-event.js';
import type { ContextEvent } from '../../src/model/context-event.js';
import type { HypothesisEvent } from '../../src/model/hypothesis-event.js';
import { startIngestTrace, type Tracing } from '../../src/observability/tracing.js';
import { createVigilMetrics, type VigilMetrics } from '../../src/observability/vigil-metrics.js';
import { DEFAULT_SYNTHETIC_OPTIONS } from '../../src/synthetic/synthetic-metrics.js';
import { ensureEmbeddingModel, MODEL_FETCH_TIMEOUT_MS } from '../embeddings/ensure-model.js';
import { captureSpans, logLines, parseTraceparent, traceparent } from '../support/span-capture.js';

let modelsDir: string;
beforeAll(() => {
  modelsDir = ensureEmbeddingModel();
}, MODEL_FETCH_TIMEOUT_MS);

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

/** Four clean series plus the demo's orders incident (three series): three anomalies, one incident. */
const stream = generateDemoStream({
  ...DEFAULT_SYNTHETIC_OPTIONS,
  series: 4,
  pointsPerSeries: 80,
  incidentFraction: 0,
});

const text = (r: LogRecord, name: string) => r.headers[name]?.toString('utf8');

async function readTopic(backend: LogBackend, topic: string): Promise<LogRecord[]> {
  const ranges = new Map(
    [...(await backend.admin().offsetRange(topic))].map(([p, r]) => [p, { from: r.start, to: r.end }]),
  );
  const out: LogRecord[] = [];
  await backend.readRanges({ topic, ranges, onRecords: (records) => void out.push(...records) });
  return out;
}

/** Runs the four stages on the embedded log over `records(topic)`; returns every topic's records, decoded. */
async function runChain(options: {
  readonly records: (topic: string) => OutgoingRecord[];
  readonly tracing?: Tracing;
  readonly metrics?: VigilMetrics;
  readonly logStream?: { write(line: string): void };
}) {
  const config = loadConfig({ env: { VIGIL_MODELS_DIR: modelsDir, VIGIL_PARTITIONS: '2' } });
  const logger = pino({ level: options.logStream ? 'debug' : 'silent' }, options.logStream);
  const backend = createLogBackend(config, logger);
  const codecs = createCodecs(config);
  const names = config.topics.names;
  await backend.admin().ensureTopics(pipelineTopicSpecs(config));
  const pipeline = await buildPipeline({
    config,
    backend,
    codecs,
    logger,
    stages: ['detect', 'memory', 'reason', 'act'],
    ...(options.tracing ? { tracing: options.tracing } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  await pipeline.start();
  const producer = await backend.producer();
  await producer.send(options.records(names.metrics));
  await producer.close();
  for (const stage of pipeline.stages)
    await waitForGroupToDrain(backend.admin(), stage.groupId, stage.inputTopic, { timeoutMs: 30_000 });
  await pipeline.stop();
  const decoded = async <T>(topic: string) =>
    Promise.all(
      (await readTopic(backend, topic)).map(async (record) => ({
        record,
        event: (await codecs.eventDecoder.decode(record.value!)) as T,
      })),
    );
  const result = {
    anomalies: await decoded<AnomalyEvent>(names.anomalies),
    contexts: await decoded<ContextEvent>(names.contexts),
    hypotheses: await decoded<HypothesisEvent>(names.hypotheses),
    actions: await decoded<ActionEvent>(names.actions),
  };
  await backend.close();
  return result;
}

const metricRecord = (
  topic: string,
  p: (typeof stream.points)[number],
  headers?: Record<string, string>,
) => ({
  topic,
  key: p.series,
  value: encodeMetricPointJson(p),
  timestampMs: p.timestampMs,
  ...(headers ? { headers } : {}),
});

describe('observability of the agent chain on the embedded log', () => {
  it('one trace per ingested point spans detect → memory → reason → act; correlation ids follow each anomaly into headers and logs; metrics are exported', async () => {
    const capture = captureSpans();
    tracing = capture.tracing;
    const metrics = createVigilMetrics();
    const logs = logLines();
    const r = await runChain({
      tracing,
      metrics,
      logStream: logs.stream,
      // Each point enters as the API ingest does it: its own ingest trace, whose headers go on the record.
      records: (topic) =>
        stream.points.map((p) => {
          const ingest = startIngestTrace({ attributes: { 'vigil.points': 1 } });
          ingest.end();
          return metricRecord(topic, p, { ...ingest.headers });
        }),
    });
    expect(r.anomalies).toHaveLength(3);
    expect(r.contexts).toHaveLength(3);
    expect(r.hypotheses.length).toBeGreaterThanOrEqual(3);
    expect(r.actions.length).toBeGreaterThan(0);

    const spans = capture.spans();
    const spanById = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (span: ReadableSpan) => spanById.get(span.parentSpanContext?.spanId ?? '');
    /** The span that wrote a record: the one its traceparent names. */
    const writerOf = (record: LogRecord) => {
      const { spanId } = parseTraceparent(text(record, 'traceparent'));
      const span = spanById.get(spanId);
      if (!span) throw new Error(`no finished span ${spanId}`);
      return span;
    };
    expect(spans.filter((s) => s.name === 'ingest')).toHaveLength(stream.points.length);
    expect(spans.filter((s) => s.name === 'detect process')).toHaveLength(stream.points.length);

    // Each action's chain of writers: act ← reason ← memory ← detect ← ingest, all in one trace.
    for (const { record } of r.actions) {
      const act = writerOf(record);
      const reason = parentOf(act)!;
      const memory = parentOf(reason)!;
      const detect = parentOf(memory)!;
      const ingest = parentOf(detect)!;
      expect([act, reason, memory, detect, ingest].map((s) => s?.name)).toEqual([
        'act process',
        'reason process',
        'memory process',
        'detect process',
        'ingest',
      ]);
      expect(parentOf(ingest)).toBeUndefined();
      const traceIds = new Set([act, reason, memory, detect, ingest].map((s) => s.spanContext().traceId));
      expect(traceIds.size).toBe(1);
      expect(act.attributes['messaging.destination.name']).toBe('hypotheses');
      expect(act.attributes['vigil.incident_id']).toBe(text(record, INCIDENT_ID_HEADER));
    }
    // Every anomaly's trace reaches the act stage, and the writers of the records in between are right.
    for (const { record, event } of r.anomalies) {
      const detect = writerOf(record);
      expect(detect.attributes['vigil.state_key']).toBe(event.series);
      const traceId = detect.spanContext().traceId;
      const inTrace = spans.filter((s) => s.spanContext().traceId === traceId).map((s) => s.name);
      for (const name of ['ingest', 'detect process', 'memory process', 'reason process', 'act process'])
        expect(inTrace).toContain(name);
      const context = r.contexts.find((c) => c.event.anomaly.id === event.id)!;
      expect(parentOf(writerOf(context.record))).toBe(detect);
      // The memory stage's dependency calls are children of its record span.
      const memorySpan = writerOf(context.record);
      expect(spans.filter((s) => parentOf(s) === memorySpan).map((s) => s.name)).toEqual(
        expect.arrayContaining(['embedder embed', 'vector_store search']),
      );
    }

    // Correlation ids: the anomaly id from detect on, the incident id from reason on.
    for (const { record, event } of r.anomalies) expect(text(record, CORRELATION_ID_HEADER)).toBe(event.id);
    for (const { record, event } of r.contexts)
      expect(text(record, CORRELATION_ID_HEADER)).toBe(event.anomaly.id);
    for (const { record, event } of r.hypotheses) {
      expect(text(record, CORRELATION_ID_HEADER)).toBe(event.trigger.anomaly.id);
      expect(text(record, INCIDENT_ID_HEADER)).toBe(event.incident.id);
    }
    const anomalyIds = new Set(r.anomalies.map((a) => a.event.id));
    for (const { record, event } of r.actions) {
      expect(text(record, INCIDENT_ID_HEADER)).toBe(event.incidentId);
      expect(anomalyIds).toContain(text(record, CORRELATION_ID_HEADER));
    }
    const [first] = r.anomalies;
    const incidentId = r.hypotheses[0]!.event.incident.id;
    const linesOf = (stage: string) =>
      logs.lines.filter(
        (l) => l.stage === stage && l.msg === 'record processed' && l.correlationId === first!.event.id,
      );
    for (const stage of ['detect', 'memory', 'reason', 'act']) {
      const lines = linesOf(stage);
      expect(lines.length, stage).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).toHaveProperty('topic');
        expect(typeof line.partition).toBe('number');
      }
    }
    for (const stage of ['reason', 'act']) expect(linesOf(stage)[0]!.incidentId).toBe(incidentId);

    // Metrics of every stage and dependency, with their labels.
    const exposition = await metrics.registry.metrics();
    for (const stage of ['detect', 'memory', 'reason', 'act']) {
      expect(exposition).toMatch(new RegExp(`vigil_stage_records_in_total\\{stage="${stage}"\\} [1-9]`));
      expect(exposition).toMatch(
        new RegExp(`vigil_stage_processing_latency_seconds_count\\{stage="${stage}"\\} [1-9]`),
      );
      expect(exposition).toMatch(
        new RegExp(`vigil_stage_end_to_end_latency_seconds_count\\{stage="${stage}"\\} [1-9]`),
      );
    }
    expect(exposition).toMatch(/vigil_stage_end_to_end_latency_seconds_count\{stage="detect"\} 3\n/);
    for (const [dependency, operation] of [
      ['embedder', 'embed'],
      ['vector_store', 'search'],
      ['database', 'recordHypothesisEvent'],
    ]) {
      expect(exposition).toMatch(
        new RegExp(
          `vigil_dependency_call_duration_seconds_count\\{dependency="${dependency}",operation="${operation}",outcome="ok"\\} [1-9]`,
        ),
      );
    }
    for (const dependency of ['embedder', 'vector_store', 'database'])
      expect(exposition).toContain(
        `vigil_circuit_breaker_state{dependency="${dependency}",state="closed"} 1`,
      );
  }, 240_000);

  it('with tracing off adds no trace headers anywhere, even when the metric records carry one', async () => {
    const incoming = traceparent('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7');
    const r = await runChain({
      records: (topic) => stream.points.map((p) => metricRecord(topic, p, { traceparent: incoming })),
    });
    const all = [...r.anomalies, ...r.contexts, ...r.hypotheses, ...r.actions];
    expect(r.anomalies).toHaveLength(3);
    expect(all.length).toBeGreaterThan(6);
    for (const { record } of all) {
      expect(record.headers).not.toHaveProperty('traceparent');
      expect(record.headers).not.toHaveProperty('tracestate');
      expect(record.headers).toHaveProperty(CORRELATION_ID_HEADER);
    }
  }, 240_000);
});
