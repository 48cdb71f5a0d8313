import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecs } from '../../src/app/codecs.js';
import { createDetectStage } from '../../src/app/detect-stage.js';
import { waitForGroupToDrain } from '../../src/app/drain.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import type { StageRunner } from '../../src/consumers/stage-runner.js';
import { silentLogger } from '../../src/observability/logger.js';
import { generateSyntheticStream } from '../../src/synthetic/synthetic-metrics.js';
import { checkDetections } from '../support/synthetic-check.js';
import { metricRecords, produceAll } from './support/produce.js';
import { integrationConfig, requireServers, uniquePrefix } from './support/servers.js';
import { readAnomalies } from './support/topic-reader.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('two detector instances in one group', () => {
  const prefix = uniquePrefix('rebalance');
  const config = integrationConfig(prefix);
  const logger = silentLogger();
  const codecs = createCodecs(config);
  // Each instance has its own Kafka clients, as two processes would.
  const backendA = createLogBackend(config, logger);
  const backendB = createLogBackend(config, logger);
  const tools = createLogBackend(config, logger);

  beforeAll(requireServers);
  afterAll(async () => {
    await Promise.all([backendA.close(), backendB.close(), tools.close()]);
  });

  it('splits the partitions, and the state follows a partition when an instance leaves', async () => {
    const intervalMs = 60_000;
    const stream = generateSyntheticStream({
      series: 300,
      pointsPerSeries: 100,
      incidentFraction: 0.2,
      seed: 17,
      startMs: Date.UTC(2026, 5, 1),
      intervalMs,
      // Incidents only after the hand-over: they can be seen only with windows that came along.
      earliestIncidentIndex: 62,
    });
    const handoverMs = Date.UTC(2026, 5, 1) + 60 * intervalMs;
    const topic = config.topics.names.metrics;
    await tools.admin().ensureTopics(pipelineTopicSpecs(config));

    const a: StageRunner = createDetectStage({ config, backend: backendA, codecs, logger });
    const b: StageRunner = createDetectStage({ config, backend: backendB, codecs, logger });
    await a.start();
    await b.start();
    await until(() => a.stats.assigned.length === 3 && b.stats.assigned.length === 3, 60_000, 'a 3/3 split');
    expect(new Set([...a.stats.assigned, ...b.stats.assigned]).size).toBe(6);

    await produceAll(
      tools,
      metricRecords(
        topic,
        stream.points.filter((p) => p.timestampMs < handoverMs),
      ),
    );
    await waitForGroupToDrain(tools.admin(), config.detect.groupId, topic, {
      timeoutMs: 120_000,
      markerSlack: 1,
    });
    expect(a.stats.recordsIn).toBeGreaterThan(0);
    expect(b.stats.recordsIn).toBeGreaterThan(0);
    const partitionsOfB = [...b.stats.assigned];
    const restoredBefore = a.stats.restoredRecords;

    await b.stop();
    await until(() => a.stats.assigned.length === 6, 60_000, 'instance A to take all partitions');
    await produceAll(
      tools,
      metricRecords(
        topic,
        stream.points.filter((p) => p.timestampMs >= handoverMs),
      ),
    );
    await waitForGroupToDrain(tools.admin(), config.detect.groupId, topic, {
      timeoutMs: 120_000,
      markerSlack: 1,
    });
    await a.stop();

    // A rebuilt B's partitions from the changelog rather than from scratch.
    expect(a.stats.restoredRecords).toBeGreaterThan(restoredBefore);
    expect(partitionsOfB).toHaveLength(3);

    const anomalies = await readAnomalies(tools, codecs, config.topics.names.anomalies);
    const check = checkDetections(anomalies, stream.incidents, 3 * intervalMs);
    expect(stream.incidents.length).toBe(60);
    expect(check.missed).toEqual([]);
    expect(check.duplicateIds).toEqual([]);
    expect(check.onCleanSeries).toEqual([]);
  });
});
