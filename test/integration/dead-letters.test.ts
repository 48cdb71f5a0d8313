import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecs } from '../../src/app/codecs.js';
import { createDetectStage } from '../../src/app/detect-stage.js';
import { waitForGroupToDrain } from '../../src/app/drain.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import { malformedMetricSamples, unknownSchemaIdRecord } from '../../src/codec/index.js';
import type { OutgoingRecord } from '../../src/consumers/log-port.js';
import { silentLogger } from '../../src/observability/logger.js';
import { generateSyntheticStream } from '../../src/synthetic/synthetic-metrics.js';
import { metricRecords, produceAll } from './support/produce.js';
import { integrationConfig, requireServers, uniquePrefix } from './support/servers.js';
import { readWholeTopic } from './support/topic-reader.js';

describe('malformed records on real Kafka', () => {
  const prefix = uniquePrefix('dlq');
  const config = integrationConfig(prefix);
  const logger = silentLogger();
  const backend = createLogBackend(config, logger);
  const codecs = createCodecs(config);

  beforeAll(requireServers);
  afterAll(() => backend.close());

  it('1 % malformed records of every kind: each dead-lettered with its reason, every valid one processed, no stall', async () => {
    const stream = generateSyntheticStream({
      series: 200,
      pointsPerSeries: 100,
      incidentFraction: 0,
      seed: 5,
      startMs: Date.UTC(2026, 3, 1),
      intervalMs: 60_000,
      earliestIncidentIndex: 40,
    });
    const topic = config.topics.names.metrics;
    const valid = metricRecords(topic, stream.points);
    const samples = [
      ...malformedMetricSamples(),
      {
        errorClass: 'unknown-schema-id',
        value: unknownSchemaIdRecord(987_654),
        description: 'Confluent frame with an id the registry does not know',
      },
    ];
    const records: OutgoingRecord[] = [];
    let malformed = 0;
    for (let i = 0; i < valid.length; i++) {
      records.push(valid[i]!);
      if (i % 100 === 50) {
        const sample = samples[malformed % samples.length]!;
        // Spread bad records over all partitions (keys of valid series) and remember what each should be.
        records.push({
          topic,
          key: valid[i]!.key,
          value: sample.value,
          headers: { 'test.expect-class': sample.errorClass },
        });
        malformed++;
      }
    }
    expect(malformed).toBe(200);
    expect(new Set(samples.map((s) => s.errorClass)).size).toBeGreaterThanOrEqual(14);

    await backend.admin().ensureTopics(pipelineTopicSpecs(config));
    await produceAll(backend, records);
    const stage = createDetectStage({ config, backend, codecs, logger });
    await stage.start();
    await waitForGroupToDrain(backend.admin(), config.detect.groupId, topic, {
      timeoutMs: 180_000,
      markerSlack: 1,
    });
    await stage.stop();

    const letters = await readWholeTopic(backend, config.topics.names.metricsDeadLetter);
    expect(letters).toHaveLength(malformed);
    const header = (h: Record<string, Buffer>, name: string) => h[name]?.toString('utf8');
    for (const letter of letters) {
      expect(header(letter.headers, 'vigil.dlq.error-class')).toBe(
        header(letter.headers, 'test.expect-class'),
      );
      expect(header(letter.headers, 'vigil.dlq.message')).toBeTruthy();
      expect(header(letter.headers, 'vigil.dlq.error-code')).toMatch(/^VIGIL_ERR_/);
      expect(header(letter.headers, 'vigil.dlq.source-topic')).toBe(topic);
      expect(Number(header(letter.headers, 'vigil.dlq.source-offset'))).toBeGreaterThanOrEqual(0);
    }
    // The original bytes are untouched.
    const originals = new Set(
      records.filter((r) => r.headers).map((r) => (r.value as Buffer).toString('base64')),
    );
    for (const letter of letters) expect(originals.has(letter.value!.toString('base64'))).toBe(true);
    expect(stage.stats.recordsIn).toBe(records.length);
    expect(stage.stats.deadLettered).toBe(malformed);
    const changelog = await readWholeTopic(backend, config.topics.names.detectChangelog);
    expect(new Set(changelog.map((r) => r.key!.toString())).size).toBe(200);
  });
});
