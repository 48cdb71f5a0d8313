/**
 * The API process of the ingest benchmark (started by `bench/api/ingest.ts`, not run by hand): builds the
 * API as `vigil run api` does on its routes, with ingest going to a log that encodes every point (Avro
 * single-object, as on the embedded default) and counts it instead of keeping it, or to the real Kafka
 * broker with `--kafka <brokers>`. Prints `LISTENING <port>` once it listens, `CPU <µs>` (its CPU time so
 * far) on SIGUSR2, and on SIGTERM `WRITTEN <records>` before it exits.
 */
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { DEFAULT_API_SETTINGS } from '../../src/api/api-settings.js';
import { buildApp } from '../../src/api/build-app.js';
import { openLogMetricsSink } from '../../src/api/log-metrics-sink.js';
import { singleObjectEncoder } from '../../src/api/single-object-encoder.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { loadSchemaCatalog } from '../../src/codec/index.js';
import { loadConfig } from '../../src/config/app-config.js';
import type { LogBackend, LogProducer } from '../../src/consumers/log-port.js';
import { silentLogger } from '../../src/observability/logger.js';
import { DEFAULT_DETECTOR_CONFIG } from '../../src/streams/index.js';

/** A log whose producer counts what it is sent and keeps nothing (the API path without a broker). */
function countingBackend(): LogBackend {
  const producer: LogProducer = {
    send: async () => {},
    transaction: () => Promise.reject(new Error('not supported')),
    close: async () => {},
  };
  return { kind: 'memory', producer: async () => producer } as unknown as LogBackend;
}

const { values } = parseArgs({ options: { kafka: { type: 'string' }, topic: { type: 'string' } } });
// A topic of its own on a real broker (deleted at the end), so runs never add up.
const topic = values.topic ?? `bench.api.${Date.now().toString(36)}.metrics`;
let backend: LogBackend = countingBackend();
if (values.kafka) {
  const config = loadConfig({ env: { KAFKA_BROKERS: values.kafka, KAFKA_REPLICATION_FACTOR: '1' } });
  backend = createLogBackend(config, silentLogger());
  await backend.admin().ensureTopics([{ name: topic, partitions: 6 }]);
}
const encode = singleObjectEncoder(loadSchemaCatalog().get('MetricPoint'));
const sink = await openLogMetricsSink({ backend, topic, encode: (r) => encode(r.point) });
const unused = async () => {
  throw new Error('not used by the ingest benchmark');
};
const app = await buildApp({
  settings: DEFAULT_API_SETTINGS,
  detectors: DEFAULT_DETECTOR_CONFIG,
  metrics: sink,
  store: {
    listIncidents: unused,
    listAnomalies: unused,
    incidentTimeline: unused,
    recordFeedback: unused,
    listFeedback: unused,
  },
  memory: { rememberIncident: unused, recordFeedback: unused },
  readiness: [],
  registry: new Registry(),
  seriesPoints: { read: unused },
  clock: Date.now,
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`LISTENING ${typeof address === 'object' && address ? address.port : 0}\n`);
process.on('SIGUSR2', () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`CPU ${user + system}\n`);
});
process.once('SIGTERM', async () => {
  await app.close();
  await sink.close();
  process.stdout.write(`WRITTEN ${sink.written}\n`);
  if (values.kafka) await backend.admin().deleteTopics([topic]);
  await backend.close?.();
  process.exit(0);
});
