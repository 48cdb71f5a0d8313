import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecs } from '../../src/app/codecs.js';
import { waitForGroupToDrain } from '../../src/app/drain.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { generateSyntheticStream } from '../../src/synthetic/synthetic-metrics.js';
import { checkDetections } from '../support/synthetic-check.js';
import { startVigil, whileRunning } from '../support/vigil-process.js';
import { metricRecords, produceAll } from './support/produce.js';
import { integrationConfig, integrationEnv, requireServers, uniquePrefix } from './support/servers.js';
import { readAnomalies } from './support/topic-reader.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('detector process killed with SIGKILL mid-stream', () => {
  const prefix = uniquePrefix('crash');
  const config = integrationConfig(prefix);
  // Small batches, so the kill lands in the middle of partitions and every partition has work left.
  const env = integrationEnv(prefix, { LOG_LEVEL: 'info', KAFKA_FETCH_MAX_BYTES_PER_PARTITION: '65536' });
  const logger = silentLogger();
  const backend = createLogBackend(config, logger);
  const codecs = createCodecs(config);

  beforeAll(requireServers);
  afterAll(() => backend.close());

  it('loses no anomaly, duplicates no id, and restores window state from the changelog', async () => {
    const stream = generateSyntheticStream({
      series: 600,
      pointsPerSeries: 150,
      incidentFraction: 0.15,
      seed: 99,
      startMs: Date.UTC(2026, 4, 1),
      intervalMs: 60_000,
      earliestIncidentIndex: 40,
    });
    const topic = config.topics.names.metrics;
    const admin = backend.admin();
    await admin.ensureTopics(pipelineTopicSpecs(config));
    await produceAll(backend, metricRecords(topic, stream.points));
    const total = stream.points.length;

    // First run: kill it without warning once it has committed a fair share but not all.
    const first = startVigil(['run', 'detect', '--no-demo', '--no-create-topics'], env);
    let committedAtKill = 0;
    for (let i = 0; i < 1200; i++) {
      const committed = await admin.committedOffsets(config.detect.groupId, topic);
      committedAtKill = [...committed.values()].reduce((sum, o) => sum + Math.max(0, o), 0);
      if (committedAtKill >= total * 0.25) break;
      await sleep(50);
    }
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect(committedAtKill).toBeGreaterThan(0);
    expect(committedAtKill).toBeLessThan(total);

    // Second run: picks up from the committed offsets with the state of the changelog.
    const second = startVigil(['run', 'detect', '--no-demo', '--no-create-topics'], env);
    await whileRunning(
      second,
      waitForGroupToDrain(admin, config.detect.groupId, topic, { timeoutMs: 240_000, markerSlack: 1 }),
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const anomalies = await readAnomalies(backend, codecs, config.topics.names.anomalies);
    const check = checkDetections(anomalies, stream.incidents, 3 * 60_000);
    expect(check.missed).toEqual([]);
    expect(check.duplicateIds).toEqual([]);
    expect(check.onCleanSeries).toEqual([]);

    const restores = second.logs().filter((l) => l.msg === 'partition state restored');
    expect(restores).toHaveLength(6);
    const restoredRecords = restores.reduce((sum, l) => sum + Number(l.restoredRecords), 0);
    const restoredKeys = restores.reduce((sum, l) => sum + Number(l.keys), 0);
    expect(restoredRecords).toBeGreaterThan(0);
    expect(restoredKeys).toBe(600);
    expect(second.logs().some((l) => l.msg === 'stage stopped')).toBe(true);
  });

  it('SIGTERM mid-stream: commits the batch in flight, leaves the group at once, and the restart continues exactly', async () => {
    const prefix2 = uniquePrefix('sigterm');
    const config2 = integrationConfig(prefix2);
    const env2 = integrationEnv(prefix2, { LOG_LEVEL: 'info', KAFKA_FETCH_MAX_BYTES_PER_PARTITION: '65536' });
    const stream = generateSyntheticStream({
      series: 400,
      pointsPerSeries: 150,
      incidentFraction: 0.15,
      seed: 7,
      startMs: Date.UTC(2026, 4, 2),
      intervalMs: 60_000,
      earliestIncidentIndex: 40,
    });
    const topic = config2.topics.names.metrics;
    const admin = backend.admin();
    await admin.ensureTopics(pipelineTopicSpecs(config2));
    await produceAll(backend, metricRecords(topic, stream.points));
    const total = stream.points.length;

    const first = startVigil(['run', 'detect', '--no-demo', '--no-create-topics'], env2);
    for (let i = 0; i < 1200; i++) {
      const committed = await admin.committedOffsets(config2.detect.groupId, topic);
      if ([...committed.values()].reduce((sum, o) => sum + Math.max(0, o), 0) >= total * 0.2) break;
      await sleep(50);
    }
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const stopped = first.logs().find((l) => l.msg === 'stage stopped');
    expect(stopped).toBeDefined();
    // Everything the stopped process counted as processed is committed.
    const committed = await admin.committedOffsets(config2.detect.groupId, topic);
    const committedTotal = [...committed.values()].reduce((sum, o) => sum + Math.max(0, o), 0);
    expect(committedTotal).toBe(Number(stopped!.recordsIn));
    expect(committedTotal).toBeLessThan(total);

    const second = startVigil(['run', 'detect', '--no-demo', '--no-create-topics'], env2);
    await whileRunning(
      second,
      waitForGroupToDrain(admin, config2.detect.groupId, topic, { timeoutMs: 240_000, markerSlack: 1 }),
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const secondStopped = second.logs().find((l) => l.msg === 'stage stopped');
    expect(Number(secondStopped!.recordsIn) + committedTotal).toBe(total);

    const anomalies = await readAnomalies(backend, codecs, config2.topics.names.anomalies);
    const check = checkDetections(anomalies, stream.incidents, 3 * 60_000);
    expect(check.missed).toEqual([]);
    expect(check.duplicateIds).toEqual([]);
    expect(check.onCleanSeries).toEqual([]);
  });
});
