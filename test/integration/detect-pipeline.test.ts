import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecs } from '../../src/app/codecs.js';
import { createDetectStage } from '../../src/app/detect-stage.js';
import { waitForGroupToDrain } from '../../src/app/drain.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { generateSyntheticStream } from '../../src/synthetic/synthetic-metrics.js';
import { checkDetections } from '../support/synthetic-check.js';
import { metricRecords, produceAll } from './support/produce.js';
import { integrationConfig, requireServers, uniquePrefix } from './support/servers.js';
import { readAnomalies } from './support/topic-reader.js';

describe('detect stage on real Kafka + schema registry', () => {
  const prefix = uniquePrefix('pipeline');
  const config = integrationConfig(prefix);
  const logger = silentLogger();
  const backend = createLogBackend(config, logger);
  const codecs = createCodecs(config);

  beforeAll(requireServers);
  afterAll(() => backend.close());

  it('100,000 points over 1,000 series on 6 partitions: every incident found once, nothing on clean series', async () => {
    const stream = generateSyntheticStream({
      series: 1000,
      pointsPerSeries: 100,
      incidentFraction: 0.1,
      seed: 42,
      startMs: Date.UTC(2026, 2, 1),
      intervalMs: 60_000,
      earliestIncidentIndex: 40,
    });
    expect(stream.points).toHaveLength(100_000);
    await backend.admin().ensureTopics(pipelineTopicSpecs(config));
    await produceAll(backend, metricRecords(config.topics.names.metrics, stream.points));

    const stage = createDetectStage({ config, backend, codecs, logger });
    await stage.start();
    await waitForGroupToDrain(backend.admin(), config.detect.groupId, config.topics.names.metrics, {
      timeoutMs: 240_000,
      markerSlack: 1,
    });
    await stage.stop();

    const anomalies = await readAnomalies(backend, codecs, config.topics.names.anomalies);
    const check = checkDetections(anomalies, stream.incidents, 3 * 60_000);
    expect(stream.incidents.length).toBe(100);
    expect(check.missed).toEqual([]);
    expect(check.duplicateIds).toEqual([]);
    expect(check.onCleanSeries).toEqual([]);
    expect(stage.stats.recordsIn).toBe(100_000);
    expect(stage.stats.deadLettered).toBe(0);
    expect(new Set(stage.stats.assigned)).toEqual(new Set([0, 1, 2, 3, 4, 5]));
  });
});
