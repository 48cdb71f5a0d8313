import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { progress } from './progress.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where the benchmark's servers are. */
export interface BenchServers {
  /** `host:port` of the Kafka bootstrap broker. */
  readonly kafkaBrokers: string;
  /** Base URL of the Confluent-compatible schema registry API. */
  readonly schemaRegistryUrl: string;
  /** True when this run had to start them with `scripts/servers/start-all.sh`. */
  readonly startedByBench: boolean;
}

/**
 * The endpoints: `KAFKA_BROKERS` / `SCHEMA_REGISTRY_URL` from the environment when set (as written to
 * `.servers/env`), else the loopback defaults of `scripts/servers/`.
 */
export function serverEndpoints(env: Readonly<Record<string, string | undefined>>): {
  kafkaBrokers: string;
  schemaRegistryUrl: string;
} {
  return {
    kafkaBrokers: env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
  };
}

/** True when a TCP connection to `hostPort` (or the host:port of a URL) opens within `timeoutMs`. */
export function reachable(hostPort: string, timeoutMs = 2000): Promise<boolean> {
  const [host, port] = hostPort
    .replace(/^https?:\/\//, '')
    .split('/')[0]!
    .split(':');
  return new Promise((resolve) => {
    const socket = createConnection({ host: host!, port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Makes sure the real broker and registry answer. When either does not, runs `bash
 * scripts/servers/start-all.sh` (idempotent; its output goes to stderr) and checks again. Throws when
 * they still do not answer: the benchmarks never run against a fake log.
 */
export async function ensureServers(
  env: Readonly<Record<string, string | undefined>>,
): Promise<BenchServers> {
  const endpoints = serverEndpoints(env);
  const up = async () =>
    (await reachable(endpoints.kafkaBrokers.split(',')[0]!)) &&
    (await reachable(endpoints.schemaRegistryUrl));
  if (await up()) return { ...endpoints, startedByBench: false };
  progress(
    `Kafka at ${endpoints.kafkaBrokers} or the registry at ${endpoints.schemaRegistryUrl} is not reachable: starting them with bash scripts/servers/start-all.sh`,
  );
  const result = spawnSync('bash', ['scripts/servers/start-all.sh'], {
    cwd: ROOT,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (result.status !== 0 || !(await up())) {
    throw new Error(
      `could not start the servers (start-all.sh exited with ${result.status}); see .servers/logs and run bash scripts/servers/start-all.sh by hand`,
    );
  }
  return { ...endpoints, startedByBench: true };
}

/** A topic prefix no other run uses (`bench.<name>.<time><random>.`). */
export function uniqueBenchPrefix(name: string): string {
  return `bench.${name}.${Date.now().toString(36)}${randomBytes(2).toString('hex')}.`;
}
