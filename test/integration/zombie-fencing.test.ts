import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecs } from '../../src/app/codecs.js';
import { createDetectStage } from '../../src/app/detect-stage.js';
import { waitForGroupToDrain } from '../../src/app/drain.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { generateSyntheticStream } from '../../src/synthetic/synthetic-metrics.js';
import { metricRecords, produceAll } from './support/produce.js';
import { integrationConfig, requireServers, uniquePrefix } from './support/servers.js';
import { readWholeTopic } from './support/topic-reader.js';

describe('a zombie owner with an open transaction', () => {
  const prefix = uniquePrefix('zombie');
  const config = integrationConfig(prefix);
  const logger = silentLogger();
  const backend = createLogBackend(config, logger);
  const codecs = createCodecs(config);

  beforeAll(requireServers);
  afterAll(() => backend.close());

  it('creating a transactional producer fences the previous one at once, before its first transaction', async () => {
    const topic = `${prefix}fence`;
    await backend.admin().ensureTopics([{ name: topic, partitions: 1 }]);
    const old = await backend.producer({ transactionalId: `${prefix}fence-id` });
    const open = await old.transaction();
    await open.send([{ topic, key: 'k', value: Buffer.from('from the old owner') }]);
    const successor = await backend.producer({ transactionalId: `${prefix}fence-id` });
    await expect(open.commit()).rejects.toThrow();
    expect(await readWholeTopic(backend, topic)).toHaveLength(0);
    await Promise.all([old.close(), successor.close()]);
  });

  it("leaves nothing of its open transaction in the new owner's state or outputs", async () => {
    const names = config.topics.names;
    await backend.admin().ensureTopics(pipelineTopicSpecs(config));
    const stream = generateSyntheticStream({
      series: 60,
      pointsPerSeries: 50,
      incidentFraction: 0,
      seed: 3,
      startMs: Date.UTC(2026, 8, 1),
      intervalMs: 60_000,
      earliestIncidentIndex: 40,
    });
    await produceAll(backend, metricRecords(names.metrics, stream.points));

    // A previous owner of every partition died in the middle of a transaction that wrote to the changelog
    // and the anomalies topic (transactional id as the runtime names it).
    const zombies = [];
    for (let partition = 0; partition < 6; partition++) {
      const zombie = await backend.producer({
        transactionalId: `${config.detect.groupId}.${names.metrics}.${partition}`,
      });
      const open = await zombie.transaction();
      await open.send([
        {
          topic: names.detectChangelog,
          partition,
          key: 'zombie-series',
          value: Buffer.from('not a detector state'),
        },
        { topic: names.anomalies, partition, key: 'zombie-series', value: Buffer.from('zombie anomaly') },
      ]);
      zombies.push({ zombie, open });
    }

    const stage = createDetectStage({ config, backend, codecs, logger });
    await stage.start();
    // Without fencing, Kafka would abort the open transactions only after their 60 s timeout.
    await waitForGroupToDrain(backend.admin(), config.detect.groupId, names.metrics, {
      timeoutMs: 40_000,
      markerSlack: 1,
    });
    await stage.stop();

    expect(stage.stats.recordsIn).toBe(stream.points.length);
    for (const { open } of zombies) await expect(open.commit()).rejects.toThrow();
    const changelogKeys = new Set(
      (await readWholeTopic(backend, names.detectChangelog)).map((r) => r.key!.toString()),
    );
    expect(changelogKeys.has('zombie-series')).toBe(false);
    expect(changelogKeys.size).toBe(60);
    const anomalies = await readWholeTopic(backend, names.anomalies);
    expect(anomalies.some((r) => r.value?.toString() === 'zombie anomaly')).toBe(false);
    for (const { zombie } of zombies) await zombie.close();
  });
});
