/**
 * Runs every Vigil benchmark and prints one JSON document (stdout, and the `--out` file when given).
 *
 *   npm run bench -- --out bench.json
 *
 * Progress goes to stderr. The detect-stage and latency benchmarks need the real Kafka broker and schema
 * registry; when they do not answer, `scripts/servers/start-all.sh` is run first. Goals are reported next
 * to the results and never asserted: the exit code only says whether the benchmarks ran. See
 * docs/benchmarks.md for what each number means.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchDetector } from './detector.js';
import { benchLatency } from './latency.js';
import { benchStage } from './stage.js';
import { progress, round } from './support/progress.js';
import { ensureServers } from './support/servers.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Targets of the project, reported beside the measurements. */
export const GOALS = Object.freeze({
  /** In-process detector throughput, one core, all detectors on. */
  detectorPointsPerSec: 2_000_000,
  /** Detect stage (exactly-once) rate as a fraction of the no-op consumer's rate on the same topic. */
  stageRatioToNoop: 0.8,
  /** Memory per active series at window 128. */
  bytesPerSeries: 3 * 1024,
});

const USAGE = `usage: npm run bench -- [--out FILE] [--detector-only] [--detector-points N] [--stage-points N]
                     [--stage-series N] [--latency-seconds S] [--latency-rate N]

  --detector-only   only the in-process detector and memory benchmarks (no Kafka, about 10 s)`;

function parseOptions(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string' },
      'detector-only': { type: 'boolean' },
      'detector-points': { type: 'string', default: '2000000' },
      'stage-points': { type: 'string', default: '200000' },
      'stage-series': { type: 'string', default: '10000' },
      'latency-seconds': { type: 'string', default: '20' },
      'latency-rate': { type: 'string', default: '2000' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const positive = (name: keyof typeof values, max: number): number => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n <= 0 || n > max) {
      throw new Error(`--${name} must be a positive integer up to ${max}, got ${values[name]}\n${USAGE}`);
    }
    return n;
  };
  return {
    help: values.help === true,
    detectorOnly: values['detector-only'] === true,
    out: values.out,
    detectorPoints: positive('detector-points', 50_000_000),
    stagePoints: positive('stage-points', 2_000_000),
    stageSeries: positive('stage-series', 1_000_000),
    latencySeconds: positive('latency-seconds', 120),
    latencyRate: positive('latency-rate', 20_000),
  };
}

/** The commit the benchmarks ran from, with `+dirty` when tracked files differ from it. */
function gitRevision(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const dirty = spawnSync('git', ['diff', '--quiet', 'HEAD', '--', 'src', 'bench'], { cwd: ROOT });
  return `${(head.stdout ?? '').trim() || 'unknown'}${dirty.status === 1 ? '+dirty' : ''}`;
}

function kafkaStatus(): string {
  const result = spawnSync('bash', ['scripts/servers/kafka.sh', 'status'], { cwd: ROOT, encoding: 'utf8' });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').pop() ?? '';
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  // stdout carries the result only: anything a library prints goes to stderr.
  console.log = (...args: unknown[]) => console.error(...args);
  const startedAt = new Date();
  const version = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemoryGb: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverageAtStart: loadavg().map((x) => round(x, 2)),
  };

  // The full run starts the servers first (as before), so the detector runs beside idle servers either way.
  const servers = options.detectorOnly ? null : await ensureServers(process.env);
  if (servers !== null)
    progress(`servers: Kafka ${servers.kafkaBrokers}, registry ${servers.schemaRegistryUrl}`);

  const detectorParams = { series: 10_000, window: 128, points: options.detectorPoints };
  progress(`detector: ${detectorParams.points} points over ${detectorParams.series} series, window 128`);
  const detector = await benchDetector(detectorParams);
  progress(`detector: ${round(detector.pointsPerSec)} points/s, ${detector.bytesPerSeries} bytes/series`);
  const detectorResults = detectorSections(detector, detectorParams);
  if (servers === null) {
    const finishedAt = new Date();
    write(options.out, {
      benchmark: 'vigil',
      version,
      gitRevision: gitRevision(),
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSec: round((finishedAt.getTime() - startedAt.getTime()) / 1000, 1),
      machine: { ...machine, loadAverageAtEnd: loadavg().map((x) => round(x, 2)) },
      only: 'detector',
      goals: { detectorPointsPerSec: GOALS.detectorPointsPerSec, bytesPerSeries: GOALS.bytesPerSeries },
      ...detectorResults,
    });
    return;
  }

  const stage = await benchStage(servers, {
    points: options.stagePoints,
    series: options.stageSeries,
    warmupPoints: 20_000,
    passTimeoutMs: 120_000,
  });

  const latency = await benchLatency(servers, {
    series: 200,
    warmupPointsPerSeries: 40,
    ratePerSec: options.latencyRate,
    durationMs: options.latencySeconds * 1000,
    spikeFraction: 0.01,
    spikeMagnitude: 25,
    waitTimeoutMs: 60_000,
  });

  const finishedAt = new Date();
  const result = {
    benchmark: 'vigil',
    version,
    gitRevision: gitRevision(),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSec: round((finishedAt.getTime() - startedAt.getTime()) / 1000, 1),
    machine: { ...machine, loadAverageAtEnd: loadavg().map((x) => round(x, 2)) },
    servers: {
      kafkaBrokers: servers.kafkaBrokers,
      schemaRegistryUrl: servers.schemaRegistryUrl,
      kafka: kafkaStatus(),
      startedByBench: servers.startedByBench,
    },
    goals: GOALS,
    ...detectorResults,
    stage: {
      ...stage,
      goalRatioToNoop: GOALS.stageRatioToNoop,
      meetsGoal: stage.ratioToNoop >= GOALS.stageRatioToNoop,
    },
    latency,
  };
  write(options.out, result);
}

/** The `detector` and `memory` sections of the result. */
function detectorSections(
  detector: Awaited<ReturnType<typeof benchDetector>>,
  detectorParams: { series: number; window: number; points: number },
) {
  return {
    detector: {
      pointsPerSec: round(detector.pointsPerSec),
      naivePointsPerSec: round(detector.naivePointsPerSec),
      speedup: round(detector.pointsPerSec / detector.naivePointsPerSec, 1),
      wallPointsPerSec: round(detector.wallPointsPerSec),
      scoreOnlyPointsPerSec: round(detector.scoreOnlyPointsPerSec),
      inCachePointsPerSec: round(detector.inCachePointsPerSec),
      pointsPerSecBlocks: detector.pointsPerSecBlocks.map((x) => round(x)),
      goalPointsPerSec: GOALS.detectorPointsPerSec,
      ratioToGoal: round(detector.pointsPerSec / GOALS.detectorPointsPerSec, 3),
      meetsGoal: detector.pointsPerSec >= GOALS.detectorPointsPerSec,
      parameters: { ...detectorParams, detectors: 'zscore, robust_z, iqr, ewma', clock: 'process CPU time' },
    },
    memory: {
      bytesPerSeries: detector.bytesPerSeries,
      serializedBytesPerSeries: detector.serializedBytesPerSeries,
      gcForced: detector.gcForced,
      goalBytesPerSeries: GOALS.bytesPerSeries,
      meetsGoal: detector.bytesPerSeries <= GOALS.bytesPerSeries,
      parameters: { series: 10_000, window: 128 },
    },
  };
}

/** Prints the result as JSON on stdout and writes it to `out` when given. */
function write(out: string | undefined, result: unknown): void {
  const json = JSON.stringify(result, null, 2);
  if (out) {
    writeFileSync(out, `${json}\n`);
    progress(`wrote ${out}`);
  }
  process.stdout.write(`${json}\n`);
}

main().then(
  () => {
    // kafkajs may keep a retry timer alive for a while after disconnect; do not wait for it.
    setTimeout(() => process.exit(process.exitCode ?? 0), 5000).unref();
  },
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
