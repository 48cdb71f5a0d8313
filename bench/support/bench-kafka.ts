/**
 * What the benchmarks share about the real broker: the Vigil configuration of a benchmark run, a raw
 * kafkajs client (for the no-op baseline and the latency subscriber, which must not go through the code
 * under test), JSON metric records, and clean-up.
 *
 * kafkajs is imported directly here on purpose: the baseline measures the client alone.
 */
import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import { encodeMetricPointJson } from '../../src/codec/index.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import type { LogAdmin, LogBackend, OutgoingRecord, TopicSpec } from '../../src/consumers/log-port.js';
import type { MetricPoint } from '../../src/model/metric-point.js';
import { progress, sleep } from './progress.js';
import type { BenchServers } from './servers.js';

/**
 * The configuration a benchmark's detect stage runs with, as production would build it from its
 * environment: real broker and registry, `partitions` partitions, topics under `prefix`, its own group.
 */
export function benchConfig(
  servers: Pick<BenchServers, 'kafkaBrokers' | 'schemaRegistryUrl'>,
  prefix: string,
  groupId: string,
  extra: Record<string, string> = {},
): AppConfig {
  return loadConfig({
    env: {
      KAFKA_BROKERS: servers.kafkaBrokers,
      SCHEMA_REGISTRY_URL: servers.schemaRegistryUrl,
      VIGIL_TOPIC_PREFIX: prefix,
      VIGIL_DETECT_GROUP: groupId,
      VIGIL_PARTITIONS: '6',
      // Fixed historical event times: keep them past the broker's time retention.
      VIGIL_TOPIC_RETENTION_MS: '-1',
      LOG_LEVEL: 'silent',
      ...extra,
    },
  });
}

/** kafkajs log lines at WARN and above go to stderr (stdout carries only the result). */
function stderrLogCreator() {
  return () =>
    ({ level, log }: LogEntry) => {
      if (level > KafkaLogLevel.WARN) return;
      const { message, ...rest } = log;
      process.stderr.write(`[kafkajs ${KafkaLogLevel[level]}] ${message} ${JSON.stringify(rest)}\n`);
    };
}

/** A raw kafkajs client on the benchmark broker (retries as the Vigil backend configures them). */
export function rawKafka(brokers: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    logLevel: KafkaLogLevel.WARN,
    logCreator: stderrLogCreator(),
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 10_000 },
  });
}

/** A metric point as the metrics topic carries it: JSON value, key = series, record time = event time. */
export function metricRecord(
  topic: string,
  point: MetricPoint,
  headers?: Record<string, string>,
): OutgoingRecord {
  return {
    topic,
    key: point.series,
    value: encodeMetricPointJson(point),
    timestampMs: point.timestampMs,
    ...(headers ? { headers } : {}),
  };
}

/** Produces `records` with one idempotent producer, `chunk` records per request. */
export async function produceAll(
  backend: LogBackend,
  records: readonly OutgoingRecord[],
  chunk = 5000,
): Promise<void> {
  const producer = await backend.producer();
  try {
    for (let i = 0; i < records.length; i += chunk) await producer.send(records.slice(i, i + chunk));
  } finally {
    await producer.close();
  }
}

/**
 * Deletes every topic whose name starts with `prefix` and the given consumer groups. Best effort: a
 * failure is reported on stderr, never thrown (the numbers are already measured).
 */
export async function cleanUp(kafka: Kafka, prefix: string, groups: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups([...groups]).catch(() => {});
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    progress(`deleted ${topics.length} topics under ${prefix}`);
  } catch (error) {
    progress(`clean-up of ${prefix} failed: ${(error as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * `ensureTopics`, retried: right after other topics were created or deleted a loaded broker can answer the
 * leader check with "This server does not host this topic-partition" for a moment. Creating topics is
 * idempotent (existing ones are left alone), so a retry is safe.
 */
export async function ensureTopicsWithRetry(
  admin: LogAdmin,
  specs: readonly TopicSpec[],
  attempts = 5,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.ensureTopics(specs);
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      progress(`creating topics failed (${(error as Error).message}); retry ${attempt} of ${attempts - 1}`);
      await sleep(500 * attempt);
    }
  }
}
