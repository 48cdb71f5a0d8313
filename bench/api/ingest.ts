/**
 * Ingest benchmark of the REST API: `POST /api/v1/metrics` with 100 points per request on loopback,
 * driven by autocannon for a bounded time, against an API process of its own (so the load generator does
 * not share the server's event loop). Prints one JSON document (stdout, and `--out`).
 *
 *   npm run bench:api -- --out bench-api.json [--duration 10] [--connections 32] [--kafka 127.0.0.1:9092]
 *
 * By default ingest goes to a log that encodes every point and discards it: the number is the API's
 * (HTTP, JSON, validation, Avro encoding, grouping), not a broker's. `--kafka` writes to a real broker.
 * Goals (reported, never asserted): ≥ 5,000 requests/s, p99 < 50 ms, no errors.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { progress, round } from '../support/progress.js';

/** Goals of the issue, reported beside the results. */
export const API_GOALS = Object.freeze({ requestsPerSec: 5000, p99Ms: 50, errors: 0 });

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const USAGE =
  'usage: npm run bench:api -- [--out FILE] [--duration SECONDS] [--connections N] [--warmup SECONDS] [--kafka BROKERS] [--node-options=FLAGS]';

/**
 * V8 flags of the API process (`--node-options=…` replaces them). A 32 MiB young generation makes the many
 * short-lived objects of each request (parsed JSON, validated points, records) die in fewer scavenges;
 * see docs/api.md for what it changed here.
 */
export const DEFAULT_API_NODE_OPTIONS = '--max-semi-space-size=32';

function options() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      kafka: { type: 'string' },
      'node-options': { type: 'string', default: DEFAULT_API_NODE_OPTIONS },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const int = (name: 'duration' | 'warmup' | 'connections', min: number, max: number) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be an integer in [${min}, ${max}]\n${USAGE}`);
    return n;
  };
  return {
    help: values.help === true,
    out: values.out,
    durationS: int('duration', 1, 120),
    warmupS: int('warmup', 0, 30),
    connections: int('connections', 1, 1024),
    kafka: values.kafka,
    nodeOptions: (values['node-options'] ?? '').split(/\s+/).filter(Boolean),
  };
}

/** A request body of `n` points on 10 series, one second apart, ending now. */
function body(n: number): string {
  const now = Date.now();
  const points = Array.from({ length: n }, (_, i) => ({
    series: `bench.svc${i % 10}.latency_ms`,
    timestampMs: now - (n - i) * 1000,
    value: 100 + (i % 17) * 1.5,
    labels: { service: `svc${i % 10}`, host: `host-${i % 3}` },
  }));
  return JSON.stringify({ points });
}

/** Starts the API process; resolves with its port and a stop function that resolves with what it wrote. */
async function startServer(kafka: string | undefined, nodeOptions: readonly string[]) {
  const args = [
    ...nodeOptions,
    '--import',
    'tsx',
    'bench/api/ingest-server.ts',
    ...(kafka ? ['--kafka', kafka] : []),
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /LISTENING (\d+)/.exec(out);
      if (match) {
        clearInterval(timer);
        resolve(Number(match[1]));
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`the API process exited with ${code} before listening`));
    });
  });
  return {
    port,
    /** CPU time the API process has used so far, µs. */
    async cpuMicros(): Promise<number> {
      const seen = (out.match(/CPU \d+/g) ?? []).length;
      child.kill('SIGUSR2');
      for (;;) {
        const all = out.match(/CPU (\d+)/g) ?? [];
        if (all.length > seen) return Number(all.at(-1)!.slice(4));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop(): Promise<number> {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
      return Number(/WRITTEN (\d+)/.exec(out)?.[1] ?? Number.NaN);
    },
  };
}

function load(url: string, payload: string, connections: number, durationS: number) {
  return autocannon({
    url: `${url}/api/v1/metrics`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: payload,
    connections,
    duration: durationS,
  });
}

async function main(): Promise<void> {
  const o = options();
  if (o.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const pointsPerRequest = 100;
  const payload = body(pointsPerRequest);
  const loadAtStart = loadavg().map((x) => round(x, 2));
  const server = await startServer(o.kafka, o.nodeOptions);
  const url = `http://127.0.0.1:${server.port}`;
  let written = Number.NaN;
  let cpuMicros = Number.NaN;
  let result: autocannon.Result;
  try {
    if (o.warmupS > 0) {
      progress(`warm-up: ${o.warmupS} s`);
      await load(url, payload, o.connections, o.warmupS);
    }
    progress(
      `measuring: ${o.durationS} s, ${o.connections} connections, ${pointsPerRequest} points per request`,
    );
    const cpuBefore = await server.cpuMicros();
    result = await load(url, payload, o.connections, o.durationS);
    cpuMicros = (await server.cpuMicros()) - cpuBefore;
  } finally {
    written = await server.stop();
  }
  const requestsPerSec = result.requests.average;
  const errors = result.errors + result.timeouts + result.non2xx;
  const report = {
    benchmark: 'vigil api ingest',
    startedAt: new Date(result.start).toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg().map((x) => round(x, 2)),
    },
    parameters: {
      route: 'POST /api/v1/metrics',
      sink: o.kafka ? `kafka ${o.kafka}` : 'encode (Avro single-object) and discard',
      pointsPerRequest,
      bodyBytes: Buffer.byteLength(payload),
      connections: o.connections,
      durationSec: o.durationS,
      warmupSec: o.warmupS,
      loadGenerator: 'autocannon in the benchmark process; the API in a child process',
      apiNodeOptions: o.nodeOptions.join(' '),
    },
    requests: {
      total: result.requests.total,
      perSec: round(requestsPerSec),
      perSecMin: result.requests.min,
      perSecMax: result.requests.max,
      status2xx: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    },
    pointsPerSec: round(requestsPerSec * pointsPerRequest),
    apiProcess: {
      cpuSec: round(cpuMicros / 1e6, 2),
      /** CPU time of the API per request: what one dedicated core would allow is 10⁶ / this. */
      cpuMicrosPerRequest: round(cpuMicros / result.requests.total),
      requestsPerSecOnOneDedicatedCore: round(1e6 / (cpuMicros / result.requests.total)),
      /** Share of one core the API got during the run (the machine is shared). */
      coreShare: round(cpuMicros / 1e6 / o.durationS, 2),
    },
    recordsWritten: written,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: round(result.latency.average, 2),
    },
    goals: API_GOALS,
    meetsGoals: {
      requestsPerSec: requestsPerSec >= API_GOALS.requestsPerSec,
      p99: result.latency.p99 < API_GOALS.p99Ms,
      noErrors: errors === 0,
    },
  };
  const text = `${JSON.stringify(report, null, 2)}\n`;
  process.stdout.write(text);
  if (o.out) writeFileSync(o.out, text);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
