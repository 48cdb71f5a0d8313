import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecs } from '../../src/app/codecs.js';
import { createDetectStage } from '../../src/app/detect-stage.js';
import { waitForGroupToDrain } from '../../src/app/drain.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import { encodeMetricPointJson, encodeSingleObject } from '../../src/codec/index.js';
import type { OutgoingRecord } from '../../src/consumers/log-port.js';
import type { AnomalyEvent } from '../../src/model/anomaly-event.js';
import { silentLogger } from '../../src/observability/logger.js';
import { generateSyntheticStream } from '../../src/synthetic/synthetic-metrics.js';
import { checkDetections } from '../support/synthetic-check.js';
import { runVigil } from '../support/vigil-process.js';
import { produceAll } from './support/produce.js';
import {
  integrationConfig,
  integrationEnv,
  KAFKA_BROKERS,
  requireServers,
  SCHEMA_REGISTRY_URL,
  uniquePrefix,
} from './support/servers.js';

describe('all three encodings in, registry-encoded out', () => {
  const prefix = uniquePrefix('encodings');
  const config = integrationConfig(prefix);
  const logger = silentLogger();
  const backend = createLogBackend(config, logger);
  const codecs = createCodecs(config);

  beforeAll(requireServers);
  afterAll(() => backend.close());

  it('decodes Confluent, single-object and JSON records per record; an independent consumer decodes the output', async () => {
    const intervalMs = 60_000;
    const stream = generateSyntheticStream({
      series: 90,
      pointsPerSeries: 120,
      incidentFraction: 0.3,
      seed: 31,
      startMs: Date.UTC(2026, 7, 1),
      intervalMs,
      earliestIncidentIndex: 40,
    });
    const topic = config.topics.names.metrics;
    await backend.admin().ensureTopics(pipelineTopicSpecs(config));

    // Confluent wire format written by the reference client library, not by Vigil's codec.
    const independentRegistry = new SchemaRegistry({ host: SCHEMA_REGISTRY_URL });
    const schema = readFileSync(new URL('../../schemas/metric-point.avsc', import.meta.url), 'utf8');
    const { id } = await independentRegistry.register(
      { type: SchemaType.AVRO, schema },
      { subject: `${topic}-value`, compatibility: COMPATIBILITY.BACKWARD },
    );
    const entry = codecs.catalog.get('MetricPoint');
    const records: OutgoingRecord[] = [];
    const jsonLines: string[] = [];
    const cliSeries = new Set(stream.series.filter((_, index) => index % 4 === 3));
    let i = 0;
    for (const point of stream.points) {
      if (cliSeries.has(point.series)) {
        jsonLines.push(JSON.stringify(point)); // whole series sent by `vigil produce --encoding registry`
        continue;
      }
      const kind = i++ % 3; // the other series mix the three encodings record by record
      const value =
        kind === 0
          ? await independentRegistry.encode(id, point)
          : kind === 1
            ? encodeSingleObject(entry, point)
            : encodeMetricPointJson(point);
      records.push({ topic, key: point.series, value, timestampMs: point.timestampMs });
    }
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-enc-')), 'points.jsonl');
    writeFileSync(file, `${jsonLines.join('\n')}\n`);
    const env = integrationEnv(prefix);
    const produced = await runVigil(['produce', file, '--encoding', 'registry'], env);
    expect(produced.stdout.join('\n')).toContain(`produced ${jsonLines.length} records`);
    await produceAll(backend, records);

    const stage = createDetectStage({ config, backend, codecs, logger });
    await stage.start();
    await waitForGroupToDrain(backend.admin(), config.detect.groupId, topic, {
      timeoutMs: 180_000,
      markerSlack: 1,
    });
    await stage.stop();
    expect(stage.stats.recordsIn).toBe(stream.points.length);
    expect(stage.stats.deadLettered).toBe(0);

    // An independent consumer: plain kafkajs + the reference registry client.
    const kafka = new Kafka({
      brokers: KAFKA_BROKERS.split(','),
      clientId: 'independent',
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `${prefix}independent` });
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(config.topics.names.anomalies);
    await admin.disconnect();
    const expectedCount = ends.reduce((sum, p) => sum + Number(p.high), 0);
    const events: AnomalyEvent[] = [];
    const framings = new Set<number>();
    await consumer.connect();
    await consumer.subscribe({ topics: [config.topics.names.anomalies], fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      consumer.run({
        eachMessage: async ({ message }) => {
          framings.add(message.value![0]!);
          events.push((await independentRegistry.decode(message.value!)) as AnomalyEvent);
          if (events.length >= expectedCount - 6) resolve();
        },
      });
    });
    await done;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await consumer.disconnect();

    expect(framings).toEqual(new Set([0])); // Confluent wire format only
    expect(events.length).toBeGreaterThan(0);
    const check = checkDetections(events, stream.incidents, 3 * intervalMs);
    expect(check.missed).toEqual([]);
    expect(check.duplicateIds).toEqual([]);
    const sample = events[0]!;
    expect(typeof sample.id).toBe('string');
    expect(sample.detectors.length).toBe(4);
    expect(sample.baseline.count).toBeGreaterThan(0);
  });
});
