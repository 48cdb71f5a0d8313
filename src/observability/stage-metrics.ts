import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { type StageStats, totalLag } from '../consumers/stage-stats.js';
import type { StageObserver } from '../consumers/stage-telemetry.js';

/** Buckets of the stage latency histograms, seconds (1 ms … 5 min). */
export const STAGE_LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
]);

/** Per-stage counters exported as Prometheus counters (read from the stage's stats at scrape time). */
const COUNTERS: ReadonlyArray<readonly [keyof StageStats, string, string]> = [
  ['recordsIn', 'vigil_stage_records_in_total', 'Input records seen by the stage'],
  ['recordsOut', 'vigil_stage_records_out_total', 'Output records produced by the stage'],
  ['deadLettered', 'vigil_stage_dead_lettered_total', 'Records written to the dead-letter topic'],
  ['skipped', 'vigil_stage_skipped_total', 'Records dropped by a skip policy'],
  [
    'deduplicated',
    'vigil_stage_deduplicated_total',
    'Re-delivered records already contained in restored state',
  ],
  ['batches', 'vigil_stage_batches_total', 'Batches processed'],
  ['checkpoints', 'vigil_stage_checkpoints_total', 'Checkpoints (transactions) committed'],
  ['checkpointFailures', 'vigil_stage_checkpoint_failures_total', 'Failed batches (re-delivered)'],
  ['retries', 'vigil_stage_retries_total', 'Retries of retriable errors'],
  ['rebalances', 'vigil_stage_rebalances_total', 'Partition assignments received'],
  ['restores', 'vigil_stage_restores_total', 'Partition state restores'],
  ['restoredRecords', 'vigil_stage_restored_records_total', 'Changelog records read during restores'],
];

/**
 * A Prometheus registry bridged to the stats of running stages: counters, consumer lag per partition,
 * partitions restoring, processing time. Values are read from the stats when scraped.
 */
export function createStageMetricsRegistry(stages: readonly StageStats[]): Registry {
  const registry = new Registry();
  registerStageStats(registry, () => stages);
  return registry;
}

/**
 * Registers the stage counters and gauges on `registry`, read at scrape time from the stats `stages()`
 * returns (so stages built later are included).
 */
export function registerStageStats(registry: Registry, stages: () => readonly StageStats[]): void {
  for (const [field, name, help] of COUNTERS) {
    new Counter({
      name,
      help,
      labelNames: ['stage'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of stages()) this.inc({ stage: s.stage }, s[field] as number);
      },
    });
  }
  new Gauge({
    name: 'vigil_stage_consumer_lag',
    help: 'Records behind the end of each assigned input partition, after the last batch',
    labelNames: ['stage', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of stages())
        for (const p of s.assigned) this.set({ stage: s.stage, partition: String(p) }, s.lag.get(p) ?? 0);
    },
  });
  new Gauge({
    name: 'vigil_stage_consumer_lag_total',
    help: 'Records behind over all assigned partitions',
    labelNames: ['stage'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of stages()) this.set({ stage: s.stage }, totalLag(s));
    },
  });
  new Gauge({
    name: 'vigil_stage_restoring_partitions',
    help: 'Partitions whose state is being restored from the changelog',
    labelNames: ['stage'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of stages()) this.set({ stage: s.stage }, s.restoring);
    },
  });
  new Counter({
    name: 'vigil_stage_processing_seconds_total',
    help: 'Time spent processing batches',
    labelNames: ['stage'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of stages()) this.inc({ stage: s.stage }, s.processingMs / 1000);
    },
  });
  new Gauge({
    name: 'vigil_stage_restore_remaining_records',
    help: 'Changelog records still to read per partition whose state is being restored',
    labelNames: ['stage', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of stages())
        for (const [p, progress] of s.restoreProgress)
          this.set({ stage: s.stage, partition: String(p) }, Math.max(0, progress.total - progress.restored));
    },
  });
}

/**
 * Registers the stage latency histograms on `registry` and returns, per stage, the observer its runner
 * reports to (once per checkpoint and per restore, never per input record):
 * `vigil_stage_processing_latency_seconds` (record → output: from the start of processing of a
 * checkpoint's first record to its commit), `vigil_stage_end_to_end_latency_seconds` (an input record's
 * timestamp → its outputs committed; for detect, the time to detection when producers stamp records
 * with the point's time) and `vigil_stage_restore_duration_seconds`.
 */
export function registerStageLatencies(registry: Registry): (stage: string) => StageObserver {
  const processing = new Histogram({
    name: 'vigil_stage_processing_latency_seconds',
    help: 'Record to output: from the start of processing of the first record of a checkpoint to its commit',
    labelNames: ['stage'],
    buckets: [...STAGE_LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  const endToEnd = new Histogram({
    name: 'vigil_stage_end_to_end_latency_seconds',
    help: 'From the timestamp of an input record that produced outputs to the commit of those outputs',
    labelNames: ['stage'],
    buckets: [...STAGE_LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  const restore = new Histogram({
    name: 'vigil_stage_restore_duration_seconds',
    help: 'Time to restore the state of one partition from its changelog',
    labelNames: ['stage'],
    buckets: [...STAGE_LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  return (stage) => {
    const labels = { stage };
    const processingOf = processing.labels(labels);
    const endToEndOf = endToEnd.labels(labels);
    const restoreOf = restore.labels(labels);
    return {
      checkpointed(records, processingMs, outputInputTimestampsMs, committedAtMs) {
        if (records > 0) processingOf.observe(processingMs / 1000);
        for (const ts of outputInputTimestampsMs) endToEndOf.observe(Math.max(0, committedAtMs - ts) / 1000);
      },
      restored(_records, ms) {
        restoreOf.observe(ms / 1000);
      },
    };
  };
}

/** Serves `GET /metrics` from `registry` on 127.0.0.1:`port`. */
export async function serveMetrics(registry: Registry, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url?.split('?')[0] === '/metrics') {
      registry.metrics().then(
        (body) => {
          response.writeHead(200, { 'content-type': registry.contentType });
          response.end(body);
        },
        (error: unknown) => {
          response.writeHead(500);
          response.end(String(error));
        },
      );
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found: try GET /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
