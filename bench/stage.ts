/**
 * Detect-stage throughput on the real broker, against a no-op consumer of the same topic.
 *
 * N JSON metric points are produced (untimed) to a fresh 6-partition topic under a unique prefix. After
 * two untimed warm-up passes (see {@link benchStage}), each pass starts a fresh consumer group on that same
 * topic, in this order:
 *  - `noop`: a kafkajs consumer group whose `eachBatch` only counts (read_committed, no auto-commit, one
 *    partition at a time — the fetch settings of `src/consumers/kafka/kafka-group-consumer.ts`), timed
 *    from connect until it has seen all N records;
 *  - `exactlyOnce`: the detect stage as production builds it (`createDetectStage`, config from
 *    `loadConfig`), timed from `start()` until its group has committed all N (`waitForGroupToDrain`);
 *  - `atLeastOnce`: the same with `VIGIL_EXACTLY_ONCE=false`;
 *  - `noop` once more at the end; the baseline is the mean of the two no-op passes that bracket the
 *    detect passes (their difference shows the drift of the machine during the run);
 *  - then, over a second topic holding the same points with a `traceparent` header (one trace per 100
 *    points, as the API ingest writes them): `tracedOff` (exactly-once, tracing off: the cost of the
 *    headers alone) and `tracedOn` (exactly-once, tracing on: a span per record, batch span processor,
 *    an exporter that drops what it is handed); and `tracedOnSampled` over a third copy where only 1 trace
 *    in 100 is sampled at ingest (`samplingRatio: 0.01`), tracing on.
 * Every detect pass exports its metrics to a registry as `vigil run` does (checkpoint latencies).
 * All passes start the same way (connect, join an empty group, fetch from the beginning), so their
 * ratio is what matters. The detect stage runs in this process; the broker is a separate JVM on the same
 * machine.
 */
import { randomBytes } from 'node:crypto';
import { ExportResultCode } from '@opentelemetry/core';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createCodecs } from '../src/app/codecs.js';
import { createDetectStage } from '../src/app/detect-stage.js';
import { waitForGroupToDrain } from '../src/app/drain.js';
import { createLogBackend } from '../src/app/log-backend.js';
import { pipelineTopicSpecs } from '../src/app/pipeline-topics.js';
import type { AppConfig } from '../src/config/app-config.js';
import { silentLogger } from '../src/observability/logger.js';
import { createTracing, type Tracing } from '../src/observability/tracing.js';
import { createVigilMetrics } from '../src/observability/vigil-metrics.js';
import { generateSyntheticStream } from '../src/synthetic/synthetic-metrics.js';
import {
  benchConfig,
  cleanUp,
  ensureTopicsWithRetry,
  metricRecord,
  produceAll,
  rawKafka,
} from './support/bench-kafka.js';
import { elapsedMs, progress, round } from './support/progress.js';
import { type BenchServers, uniqueBenchPrefix } from './support/servers.js';

/** Parameters of {@link benchStage}. */
export interface StageBenchOptions {
  /** Metric points produced and consumed by every pass. */
  readonly points: number;
  /** Distinct series (record keys) the points are spread over, round-robin. */
  readonly series: number;
  /** Points of the untimed detect warm-up pass (on its own small topic). */
  readonly warmupPoints: number;
  /** Upper bound of one pass, ms. */
  readonly passTimeoutMs: number;
}

/** One timed pass over the topic. */
export interface StagePass {
  /** Records consumed (for the detect stage: records it processed, including redeliveries). */
  readonly records: number;
  readonly elapsedMs: number;
  readonly pointsPerSec: number;
  /** CPU time of this process during the pass, per 1,000 points (ms). The broker's CPU is not included. */
  readonly cpuMsPerKPoints: number;
  /** From the start of the pass to the first record handed over (connect, group join, first fetch), ms. */
  readonly firstRecordMs: number;
  /** Rate after the first record: `records / (elapsedMs - firstRecordMs)`, points per second. */
  readonly afterFirstRecordPointsPerSec: number;
}

/** A detect-stage pass, with the runner's own counters. */
export interface DetectPass extends StagePass {
  readonly batches: number;
  readonly checkpoints: number;
  readonly anomalies: number;
  readonly deadLettered: number;
}

/** Result of {@link benchStage}. Rates are points per wall-clock second. */
export interface StageBenchResult {
  /** Detect stage, exactly-once (the production default). */
  readonly pointsPerSec: number;
  /** No-op kafkajs consumer: mean of the two timed passes before and after the detect passes. */
  readonly noopPointsPerSec: number;
  /** `pointsPerSec / noopPointsPerSec`. */
  readonly ratioToNoop: number;
  /**
   * The same comparison in CPU time of this process: no-op CPU per point (mean of the two passes) over the
   * detect stage's CPU per point. Less sensitive than the wall-clock ratio to other load on the machine;
   * equal to the rate ratio when both are CPU-bound on one core.
   */
  readonly cpuRatioToNoop: number;
  /** Detect stage with `VIGIL_EXACTLY_ONCE=false`. */
  readonly atLeastOncePointsPerSec: number;
  readonly atLeastOnceRatioToNoop: number;
  /** Exactly-once over the traced topic with tracing off (the records carry a `traceparent`). */
  readonly tracedTopicTracingOffPointsPerSec: number;
  /** Exactly-once over the traced topic with tracing on (one span per record). */
  readonly tracingOnPointsPerSec: number;
  /** `tracingOnPointsPerSec / tracedTopicTracingOffPointsPerSec`. */
  readonly tracingOnRatioToOff: number;
  /** Spans the tracing-on pass handed to its exporter (the batch processor drops spans beyond its queue). */
  readonly spansExported: number;
  /** Exactly-once, tracing on, over records of which 1 trace in 100 was sampled at ingest. */
  readonly tracingOnSampledOnePercentPointsPerSec: number;
  readonly passes: {
    /** Untimed warm-ups, reported for transparency. */
    readonly warmNoop: StagePass;
    readonly warmDetect: DetectPass;
    readonly noop: StagePass;
    readonly exactlyOnce: DetectPass;
    readonly atLeastOnce: DetectPass;
    readonly noopAgain: StagePass;
    readonly tracedOff: DetectPass;
    readonly tracedOn: DetectPass;
    readonly tracedOnSampled: DetectPass;
  };
  readonly produce: { readonly records: number; readonly elapsedMs: number; readonly pointsPerSec: number };
  readonly parameters: {
    readonly points: number;
    readonly series: number;
    readonly partitions: number;
    readonly encoding: 'json';
    readonly valueBytesAvg: number;
    readonly warmupPoints: number;
  };
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

function pass(records: number, ms: number, cpu: number, firstRecordMs: number): StagePass {
  return {
    records,
    elapsedMs: round(ms),
    pointsPerSec: round(records / (ms / 1000)),
    cpuMsPerKPoints: round(cpu / (records / 1000), 2),
    firstRecordMs: round(firstRecordMs),
    afterFirstRecordPointsPerSec: round(records / (Math.max(1, ms - firstRecordMs) / 1000)),
  };
}

/** The no-op baseline: a consumer group that only counts what it is handed. */
async function noopPass(
  servers: BenchServers,
  config: AppConfig,
  groupId: string,
  total: number,
  timeoutMs: number,
) {
  const kafka = rawKafka(servers.kafkaBrokers, `${groupId}-client`);
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    sessionTimeout: config.kafka.sessionTimeoutMs,
  });
  let seen = 0;
  let firstRecordMs = 0;
  let done: () => void = () => {};
  const allSeen = new Promise<void>((resolve) => {
    done = resolve;
  });
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let ms = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [config.topics.names.metrics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        if (seen === 0) firstRecordMs = elapsedMs(started);
        seen += batch.messages.length;
        resolveOffset(batch.lastOffset());
        if (seen >= total) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      allSeen,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no-op consumer saw ${seen} of ${total} records in ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    ms = elapsedMs(started);
  } finally {
    await consumer.disconnect().catch(() => {});
  }
  return pass(seen, ms, cpuMs(cpu), firstRecordMs);
}

/**
 * One detect-stage pass with a fresh group (and therefore a fresh, empty changelog). Its metrics go to a
 * registry as in `vigil run`; `tracing` traces the records that carry a trace context.
 */
async function detectPass(
  config: AppConfig,
  total: number,
  timeoutMs: number,
  tracing?: Tracing,
): Promise<DetectPass> {
  const logger = silentLogger();
  const backend = createLogBackend(config, logger);
  const codecs = createCodecs(config);
  try {
    const admin = backend.admin();
    await ensureTopicsWithRetry(admin, pipelineTopicSpecs(config));
    const metrics = createVigilMetrics();
    const stage = createDetectStage({ config, backend, codecs, logger, metrics, tracing });
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    let firstRecordMs = 0;
    const watch = setInterval(() => {
      if (firstRecordMs === 0 && stage.stats.recordsIn > 0) firstRecordMs = elapsedMs(started);
    }, 2);
    try {
      await stage.start();
      await waitForGroupToDrain(admin, config.detect.groupId, config.topics.names.metrics, {
        timeoutMs,
        markerSlack: 1,
        pollMs: 50,
      });
    } finally {
      clearInterval(watch);
    }
    const ms = elapsedMs(started);
    const cpuSpent = cpuMs(cpu);
    await stage.stop();
    const { stats } = stage;
    if (stats.recordsIn < total - 6) {
      throw new Error(`detect stage reported ${stats.recordsIn} records in, expected ${total}`);
    }
    return {
      ...pass(total, ms, cpuSpent, firstRecordMs),
      records: stats.recordsIn,
      batches: stats.batches,
      checkpoints: stats.checkpoints,
      anomalies: stats.recordsOut,
      deadLettered: stats.deadLettered,
    };
  } finally {
    await backend.close();
  }
}

/** The synthetic points of a pass: `points` over `series`, round-robin, recent event times, no incidents. */
function stagePoints(points: number, series: number, seed: number) {
  const pointsPerSeries = Math.max(1, Math.ceil(points / series));
  const intervalMs = 1000;
  const stream = generateSyntheticStream({
    series,
    pointsPerSeries,
    incidentFraction: 0,
    seed,
    // Recent event times, so that time-based retention never touches the topic during the run.
    startMs: Date.now() - pointsPerSeries * intervalMs,
    intervalMs,
    earliestIncidentIndex: 0,
  });
  return stream.points.slice(0, points);
}

/** A span exporter that counts and drops (the cost of tracing without a collector's). */
function droppingExporter(): SpanExporter & { readonly count: () => number } {
  let exported = 0;
  return {
    export(spans: ReadableSpan[], done) {
      exported += spans.length;
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => {},
    count: () => exported,
  };
}

/**
 * One `traceparent` per `perTrace` records, as the API ingest writes one trace per request; one trace in
 * `sampledEvery` has the sampled flag.
 */
function traceHeaders(count: number, perTrace: number, sampledEvery = 1): Array<Record<string, string>> {
  const headers: Array<Record<string, string>> = [];
  let current: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    if (i % perTrace === 0) {
      const flags = (i / perTrace) % sampledEvery === 0 ? '01' : '00';
      current = {
        traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-${flags}`,
      };
    }
    headers.push(current);
  }
  return headers;
}

/**
 * Runs the passes described above over one freshly produced topic, then deletes the topics. Before the
 * timed passes, two untimed warm-ups: a no-op pass over the same topic (JIT of the fetch path, broker page
 * cache) and a detect pass over a small separate topic (JIT of decode, detectors, checkpoints).
 */
export async function benchStage(servers: BenchServers, opts: StageBenchOptions): Promise<StageBenchResult> {
  const prefix = uniqueBenchPrefix('stage');
  const warmPrefix = `${prefix}warm.`;
  const tracedPrefix = `${prefix}traced.`;
  const sampledPrefix = `${prefix}sampled.`;
  const groups = {
    warmNoop: `${prefix}warm-noop`,
    warmDetect: `${warmPrefix}detect`,
    noop: `${prefix}noop`,
    exactlyOnce: `${prefix}detect-eos`,
    atLeastOnce: `${prefix}detect-alos`,
    noopAgain: `${prefix}noop-again`,
    tracedOff: `${tracedPrefix}detect-off`,
    tracedOn: `${tracedPrefix}detect-on`,
    tracedOnSampled: `${sampledPrefix}detect-on`,
  };
  const eosConfig = benchConfig(servers, prefix, groups.exactlyOnce);
  const alosConfig = benchConfig(servers, prefix, groups.atLeastOnce, { VIGIL_EXACTLY_ONCE: 'false' });
  const warmConfig = benchConfig(servers, warmPrefix, groups.warmDetect);
  const tracedOffConfig = benchConfig(servers, tracedPrefix, groups.tracedOff);
  const tracedOnConfig = benchConfig(servers, tracedPrefix, groups.tracedOn, { VIGIL_TRACING: 'true' });
  const sampledConfig = benchConfig(servers, sampledPrefix, groups.tracedOnSampled, {
    VIGIL_TRACING: 'true',
  });
  const topic = eosConfig.topics.names.metrics;
  const kafka = rawKafka(servers.kafkaBrokers, `${prefix}admin`);
  const backend = createLogBackend(eosConfig, silentLogger());
  try {
    const points = stagePoints(opts.points, opts.series, 20_261_125);
    const records = points.map((p) => metricRecord(topic, p));
    const valueBytes = records.reduce((sum, r) => sum + (r.value?.length ?? 0), 0);
    const warmPoints = stagePoints(opts.warmupPoints, Math.min(opts.series, opts.warmupPoints), 7);
    await ensureTopicsWithRetry(backend.admin(), [
      ...pipelineTopicSpecs(eosConfig),
      ...pipelineTopicSpecs(warmConfig),
      ...pipelineTopicSpecs(tracedOffConfig),
      ...pipelineTopicSpecs(sampledConfig),
    ]);
    progress(`stage: producing ${points.length} points over ${opts.series} series to ${topic}`);
    const started = process.hrtime.bigint();
    await produceAll(backend, records);
    const produceMs = elapsedMs(started);
    progress(`stage: produced in ${round(produceMs)} ms`);
    await produceAll(
      backend,
      warmPoints.map((p) => metricRecord(warmConfig.topics.names.metrics, p)),
    );
    const tracedTopic = tracedOffConfig.topics.names.metrics;
    const headers = traceHeaders(points.length, 100);
    await produceAll(
      backend,
      points.map((p, i) => metricRecord(tracedTopic, p, headers[i])),
    );
    const sampledHeaders = traceHeaders(points.length, 100, 100);
    await produceAll(
      backend,
      points.map((p, i) => metricRecord(sampledConfig.topics.names.metrics, p, sampledHeaders[i])),
    );

    progress('stage: warm-up passes (no-op over the topic, detect over a small one)');
    const warmNoop = await noopPass(servers, eosConfig, groups.warmNoop, points.length, opts.passTimeoutMs);
    const warmDetect = await detectPass(warmConfig, warmPoints.length, opts.passTimeoutMs);

    progress('stage: no-op consumer pass');
    const noop = await noopPass(servers, eosConfig, groups.noop, points.length, opts.passTimeoutMs);
    progress(`stage: no-op ${noop.pointsPerSec} points/s`);
    progress('stage: detect stage, exactly-once');
    const exactlyOnce = await detectPass(eosConfig, points.length, opts.passTimeoutMs);
    progress(`stage: exactly-once ${exactlyOnce.pointsPerSec} points/s`);
    progress('stage: detect stage, at-least-once');
    const atLeastOnce = await detectPass(alosConfig, points.length, opts.passTimeoutMs);
    progress(`stage: at-least-once ${atLeastOnce.pointsPerSec} points/s`);
    progress('stage: no-op consumer pass again');
    const noopAgain = await noopPass(servers, eosConfig, groups.noopAgain, points.length, opts.passTimeoutMs);
    progress(`stage: no-op (again) ${noopAgain.pointsPerSec} points/s`);
    progress('stage: detect stage over the traced topic, tracing off');
    const tracedOff = await detectPass(tracedOffConfig, points.length, opts.passTimeoutMs);
    progress(`stage: traced topic, tracing off ${tracedOff.pointsPerSec} points/s`);
    progress('stage: detect stage over the traced topic, tracing on');
    const exporter = droppingExporter();
    const tracing = createTracing({
      serviceName: 'vigil-bench',
      samplingRatio: tracedOnConfig.tracing.samplingRatio,
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    let tracedOn: DetectPass;
    let tracedOnSampled: DetectPass;
    let spansOfTracedOn = 0;
    try {
      tracedOn = await detectPass(tracedOnConfig, points.length, opts.passTimeoutMs, tracing);
      await tracing.forceFlush();
      spansOfTracedOn = exporter.count();
      progress('stage: detect stage over a topic with 1 trace in 100 sampled, tracing on');
      tracedOnSampled = await detectPass(sampledConfig, points.length, opts.passTimeoutMs, tracing);
      progress(`stage: 1 % sampled, tracing on ${tracedOnSampled.pointsPerSec} points/s`);
    } finally {
      await tracing.shutdown();
    }
    progress(
      `stage: traced topic, tracing on ${tracedOn.pointsPerSec} points/s, ${spansOfTracedOn} spans exported`,
    );

    // The no-op passes bracket the detect passes; their mean is the baseline.
    const noopPointsPerSec = round((noop.pointsPerSec + noopAgain.pointsPerSec) / 2);
    const noopCpu = (noop.cpuMsPerKPoints + noopAgain.cpuMsPerKPoints) / 2;
    return {
      pointsPerSec: exactlyOnce.pointsPerSec,
      noopPointsPerSec,
      ratioToNoop: round(exactlyOnce.pointsPerSec / noopPointsPerSec, 3),
      cpuRatioToNoop: round(noopCpu / exactlyOnce.cpuMsPerKPoints, 3),
      atLeastOncePointsPerSec: atLeastOnce.pointsPerSec,
      atLeastOnceRatioToNoop: round(atLeastOnce.pointsPerSec / noopPointsPerSec, 3),
      tracedTopicTracingOffPointsPerSec: tracedOff.pointsPerSec,
      tracingOnPointsPerSec: tracedOn.pointsPerSec,
      tracingOnRatioToOff: round(tracedOn.pointsPerSec / tracedOff.pointsPerSec, 3),
      spansExported: spansOfTracedOn,
      tracingOnSampledOnePercentPointsPerSec: tracedOnSampled.pointsPerSec,
      passes: {
        warmNoop,
        warmDetect,
        noop,
        exactlyOnce,
        atLeastOnce,
        noopAgain,
        tracedOff,
        tracedOn,
        tracedOnSampled,
      },
      produce: {
        records: points.length,
        elapsedMs: round(produceMs),
        pointsPerSec: round(points.length / (produceMs / 1000)),
      },
      parameters: {
        points: points.length,
        series: opts.series,
        partitions: eosConfig.topics.partitions,
        encoding: 'json',
        valueBytesAvg: round(valueBytes / Math.max(1, records.length)),
        warmupPoints: warmPoints.length,
      },
    };
  } finally {
    await backend.close();
    await cleanUp(kafka, prefix, Object.values(groups));
  }
}
