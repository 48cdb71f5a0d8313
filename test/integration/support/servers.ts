import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { type AppConfig, loadConfig } from '../../../src/config/app-config.js';

/** Where the integration servers are (started by `npm run servers:start`). */
export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const SCHEMA_REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

function reachable(hostPort: string, timeoutMs = 2000): Promise<boolean> {
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
 * Fails (never skips) when the real servers are not reachable: integration tests always run against
 * a real Kafka broker and schema registry.
 */
export async function requireServers(): Promise<void> {
  const missing: string[] = [];
  if (!(await reachable(KAFKA_BROKERS.split(',')[0]!))) missing.push(`Kafka at ${KAFKA_BROKERS}`);
  if (!(await reachable(SCHEMA_REGISTRY_URL))) missing.push(`schema registry at ${SCHEMA_REGISTRY_URL}`);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(' and ')} not reachable: start them with \`npm run servers:start\` (or run \`npm run test:all\`)`,
    );
  }
}

/** A unique topic prefix, so tests never see each other's records. */
export function uniquePrefix(name: string): string {
  return `it.${name}.${Date.now().toString(36)}${randomBytes(2).toString('hex')}.`;
}

/** Environment for a Vigil process (or config) pointed at the integration servers with `prefix`. */
export function integrationEnv(prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS,
    SCHEMA_REGISTRY_URL,
    VIGIL_TOPIC_PREFIX: prefix,
    VIGIL_PARTITIONS: '6',
    // The tests' points carry fixed event times months in the past: with the broker's 7-day time retention
    // they would be deleted at its next retention check (every 5 min), between produce and consume.
    VIGIL_TOPIC_RETENTION_MS: '-1',
    KAFKA_REPLICATION_FACTOR: '1',
    LOG_LEVEL: 'warn',
    VIGIL_DETECT_GROUP: `${prefix}detect`,
    KAFKA_SESSION_TIMEOUT_MS: '10000',
    ...extra,
  };
}

/** The configuration a test's stage runs with: unique topics and group. */
export function integrationConfig(prefix: string, extra: Record<string, string> = {}): AppConfig {
  return loadConfig({ env: integrationEnv(prefix, extra) });
}
