/**
 * End-to-end detection latency on the real broker: from the moment a metric point is handed to the
 * producer to the moment a subscriber of the anomalies topic receives the anomaly it caused.
 *
 * 1. Warm-up (untimed): every series gets `warmupPointsPerSeries` clean points with past event times, and
 *    the detect stage (exactly-once, as in production) consumes them.
 * 2. Steady phase: points are produced at `ratePerSec` for `durationMs`, round-robin over the series;
 *    a seeded `spikeFraction` of them are spikes of `spikeMagnitude` noise amplitudes. The send time of
 *    every point is kept in a map keyed by series and event time.
 * 3. A kafkajs consumer of the anomalies topic (its own group, read_committed) records, per anomaly, its
 *    receive time minus the send time of the metric point it names (series + event time).
 *
 * Producer, detect stage and subscriber run in this one process (one event loop); the broker is a
 * separate JVM on the same machine. Everything is bounded: duration, counts and every wait.
 */
import { createCodecs } from '../src/app/codecs.js';
import { createDetectStage } from '../src/app/detect-stage.js';
import { waitForGroupToDrain } from '../src/app/drain.js';
import { createLogBackend } from '../src/app/log-backend.js';
import { pipelineTopicSpecs } from '../src/app/pipeline-topics.js';
import type { OutgoingRecord } from '../src/consumers/log-port.js';
import type { AnomalyEvent } from '../src/model/anomaly-event.js';
import type { MetricPoint } from '../src/model/metric-point.js';
import { silentLogger } from '../src/observability/logger.js';
import { mulberry32 } from '../src/synthetic/prng.js';
import {
  benchConfig,
  cleanUp,
  ensureTopicsWithRetry,
  metricRecord,
  produceAll,
  rawKafka,
} from './support/bench-kafka.js';
import { type LatencySummary, summarize } from './support/percentiles.js';
import { elapsedMs, progress, round, sleep } from './support/progress.js';
import { type BenchServers, uniqueBenchPrefix } from './support/servers.js';

/** Parameters of {@link benchLatency}. */
export interface LatencyBenchOptions {
  readonly series: number;
  /** Clean points per series before the steady phase (must exceed the detectors' warm-up of 30). */
  readonly warmupPointsPerSeries: number;
  /** Target produce rate of the steady phase, points per second. */
  readonly ratePerSec: number;
  /** Length of the steady phase, ms. */
  readonly durationMs: number;
  /** Fraction of steady-phase points that are spikes (0..1). */
  readonly spikeFraction: number;
  /** Spike size in noise amplitudes (noise is uniform within ±1 amplitude). */
  readonly spikeMagnitude: number;
  /** Bound of every wait (warm-up drain, final drain), ms. */
  readonly waitTimeoutMs: number;
}

/** Result of {@link benchLatency}. */
export interface LatencyBenchResult extends LatencySummary {
  readonly counts: {
    readonly warmupPoints: number;
    readonly pointsSent: number;
    readonly spikesInjected: number;
    /** Injected spikes for which an anomaly was received. */
    readonly spikesDetected: number;
    /** Anomalies received for points that were not injected spikes. */
    readonly unexpectedAnomalies: number;
    /** Anomalies received more than once (should be 0 with exactly-once). */
    readonly duplicates: number;
  };
  /** Achieved produce rate of the steady phase, points per second. */
  readonly achievedRatePerSec: number;
  readonly parameters: LatencyBenchOptions & { readonly exactlyOnce: boolean; readonly partitions: number };
}

const NOISE_AMPLITUDE = 1;
const pointKey = (series: string, timestampMs: number) => `${series}@${timestampMs}`;

/** Runs the latency benchmark on a fresh set of topics, then deletes them. */
export async function benchLatency(
  servers: BenchServers,
  opts: LatencyBenchOptions,
): Promise<LatencyBenchResult> {
  const prefix = uniqueBenchPrefix('latency');
  const detectGroup = `${prefix}detect`;
  const subscriberGroup = `${prefix}subscriber`;
  const config = benchConfig(servers, prefix, detectGroup);
  const names = config.topics.names;
  const logger = silentLogger();
  const backend = createLogBackend(config, logger);
  const codecs = createCodecs(config);
  const kafka = rawKafka(servers.kafkaBrokers, `${prefix}client`);
  const subscriber = kafka.consumer({ groupId: subscriberGroup, readUncommitted: false });
  const stage = createDetectStage({ config, backend, codecs, logger });
  const series = Array.from(
    { length: opts.series },
    (_, i) => `bench.latency.s${String(i).padStart(4, '0')}`,
  );
  const levels = series.map((_, i) => 100 + i);
  const labels = { bench: 'latency' };
  const random = mulberry32(20_261_125);
  const noise = () => (random() * 2 - 1) * NOISE_AMPLITUDE;

  const sentAt = new Map<string, number>();
  const spikes = new Set<string>();
  const received = new Map<string, number>();
  let duplicates = 0;
  let receivedCount = 0;

  try {
    await ensureTopicsWithRetry(backend.admin(), pipelineTopicSpecs(config));

    // 1. Warm-up: past event times, one second apart, ending before the steady phase starts.
    const warmStartMs = Date.now() - (opts.warmupPointsPerSeries + 5) * 1000;
    const lastTs = new Array<number>(opts.series).fill(0);
    const warmup: OutgoingRecord[] = [];
    for (let k = 0; k < opts.warmupPointsPerSeries; k++) {
      for (let s = 0; s < opts.series; s++) {
        const timestampMs = warmStartMs + k * 1000;
        lastTs[s] = timestampMs;
        warmup.push(
          metricRecord(names.metrics, {
            series: series[s]!,
            timestampMs,
            value: levels[s]! + noise(),
            labels,
          }),
        );
      }
    }
    progress(`latency: warming ${opts.series} series with ${warmup.length} points`);
    await produceAll(backend, warmup);
    await stage.start();

    const joined = new Promise<void>((resolve) =>
      subscriber.on(subscriber.events.GROUP_JOIN, () => resolve()),
    );
    await subscriber.connect();
    await subscriber.subscribe({ topics: [names.anomalies], fromBeginning: true });
    await subscriber.run({
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch }) => {
        const at = Date.now();
        for (const message of batch.messages) {
          if (!message.value) continue;
          const event = (await codecs.eventDecoder.decode(message.value)) as AnomalyEvent;
          const key = pointKey(event.series, event.timestampMs);
          receivedCount++;
          if (received.has(key)) duplicates++;
          else received.set(key, at);
        }
      },
    });
    await waitForGroupToDrain(backend.admin(), detectGroup, names.metrics, {
      timeoutMs: opts.waitTimeoutMs,
      markerSlack: 1,
      pollMs: 50,
    });
    let joinTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      joined,
      new Promise<void>((resolve) => {
        joinTimer = setTimeout(resolve, opts.waitTimeoutMs);
      }),
    ]).finally(() => clearTimeout(joinTimer));
    const warmupAnomalies = receivedCount;
    progress(
      `latency: warm (${warmupAnomalies} anomalies during warm-up); producing ${opts.ratePerSec} points/s for ${opts.durationMs} ms`,
    );

    // 2. Steady phase.
    const producer = await backend.producer();
    let sent = 0;
    let next = 0;
    const started = process.hrtime.bigint();
    try {
      for (;;) {
        const elapsed = elapsedMs(started);
        if (elapsed >= opts.durationMs) break;
        const due = Math.min(500, Math.floor((elapsed * opts.ratePerSec) / 1000) - sent);
        if (due <= 0) {
          await sleep(5);
          continue;
        }
        const points: MetricPoint[] = [];
        const now = Date.now();
        for (let i = 0; i < due; i++, next = (next + 1) % opts.series) {
          const timestampMs = Math.max(now, lastTs[next]! + 1);
          lastTs[next] = timestampMs;
          let value = levels[next]! + noise();
          if (random() < opts.spikeFraction) {
            value += (random() < 0.5 ? 1 : -1) * opts.spikeMagnitude * NOISE_AMPLITUDE;
            spikes.add(pointKey(series[next]!, timestampMs));
          }
          points.push({ series: series[next]!, timestampMs, value, labels });
        }
        const sendTime = Date.now();
        for (const p of points) sentAt.set(pointKey(p.series, p.timestampMs), sendTime);
        await producer.send(points.map((p) => metricRecord(names.metrics, p)));
        sent += points.length;
      }
    } finally {
      await producer.close();
    }
    const steadyMs = elapsedMs(started);
    progress(`latency: sent ${sent} points (${spikes.size} spikes) in ${round(steadyMs)} ms; draining`);

    // 3. Drain, then wait until the subscriber has nothing more to receive (bounded).
    await waitForGroupToDrain(backend.admin(), detectGroup, names.metrics, {
      timeoutMs: opts.waitTimeoutMs,
      markerSlack: 1,
      pollMs: 50,
    });
    const deadline = Date.now() + Math.min(10_000, opts.waitTimeoutMs);
    let last = -1;
    while (Date.now() < deadline && receivedCount !== last) {
      last = receivedCount;
      await sleep(1000);
    }

    const spikeLatencies: number[] = [];
    let unexpected = 0;
    for (const [key, at] of received) {
      const sentTime = sentAt.get(key);
      if (spikes.has(key) && sentTime !== undefined) spikeLatencies.push(at - sentTime);
      else unexpected++;
    }
    const summary = summarize(spikeLatencies);
    progress(
      `latency: ${summary.count}/${spikes.size} spikes detected, p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms`,
    );
    return {
      ...summary,
      counts: {
        warmupPoints: warmup.length,
        pointsSent: sent,
        spikesInjected: spikes.size,
        spikesDetected: spikeLatencies.length,
        unexpectedAnomalies: unexpected,
        duplicates,
      },
      achievedRatePerSec: round(sent / (steadyMs / 1000)),
      parameters: { ...opts, exactlyOnce: config.detect.exactlyOnce, partitions: config.topics.partitions },
    };
  } finally {
    await subscriber.disconnect().catch(() => {});
    await stage.stop().catch(() => {});
    await backend.close();
    await cleanUp(kafka, prefix, [detectGroup, subscriberGroup]);
  }
}
