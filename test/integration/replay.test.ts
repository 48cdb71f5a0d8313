import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecs } from '../../src/app/codecs.js';
import { createDetectStage } from '../../src/app/detect-stage.js';
import { waitForGroupToDrain } from '../../src/app/drain.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import type { AnomalyEvent } from '../../src/model/anomaly-event.js';
import { silentLogger } from '../../src/observability/logger.js';
import { generateSyntheticStream } from '../../src/synthetic/synthetic-metrics.js';
import { runVigil } from '../support/vigil-process.js';
import { metricRecords, produceAll } from './support/produce.js';
import { integrationConfig, integrationEnv, requireServers, uniquePrefix } from './support/servers.js';
import { readAnomalies } from './support/topic-reader.js';

describe('vigil replay on real Kafka', () => {
  const prefix = uniquePrefix('replay');
  const config = integrationConfig(prefix);
  const env = integrationEnv(prefix);
  const logger = silentLogger();
  const backend = createLogBackend(config, logger);
  const codecs = createCodecs(config);
  const intervalMs = 60_000;
  const startMs = Date.UTC(2026, 6, 1);
  const fromMs = startMs + 50 * intervalMs;
  const toMs = startMs + 120 * intervalMs;
  let live: AnomalyEvent[] = [];

  beforeAll(async () => {
    await requireServers();
    const stream = generateSyntheticStream({
      series: 300,
      pointsPerSeries: 150,
      incidentFraction: 0.3,
      seed: 23,
      startMs,
      intervalMs,
      earliestIncidentIndex: 35,
    });
    await backend.admin().ensureTopics(pipelineTopicSpecs(config));
    await produceAll(backend, metricRecords(config.topics.names.metrics, stream.points));
    const stage = createDetectStage({ config, backend, codecs, logger });
    await stage.start();
    await waitForGroupToDrain(backend.admin(), config.detect.groupId, config.topics.names.metrics, {
      timeoutMs: 180_000,
      markerSlack: 1,
    });
    await stage.stop();
    live = await readAnomalies(backend, codecs, config.topics.names.anomalies);
  });
  afterAll(() => backend.close());

  const inRange = (events: AnomalyEvent[]) =>
    events
      .filter((e) => e.timestampMs >= fromMs && e.timestampMs < toMs)
      .map((e) => e.id)
      .sort();

  it('a time range replayed to a file yields the same anomalies (same ids) as the live run', async () => {
    const expected = inRange(live);
    expect(expected.length).toBeGreaterThan(20);
    const out = join(mkdtempSync(join(tmpdir(), 'vigil-replay-')), 'anomalies.jsonl');
    const committedBefore = await backend
      .admin()
      .committedOffsets(config.detect.groupId, config.topics.names.metrics);
    await runVigil(
      [
        'replay',
        '--from',
        new Date(fromMs).toISOString(),
        '--to',
        new Date(toMs).toISOString(),
        '--out-file',
        out,
      ],
      env,
    );
    const replayed = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AnomalyEvent);
    expect(replayed.map((e) => e.id).sort()).toEqual(expected);
    const first = replayed[0]!;
    const twin = live.find((e) => e.id === first.id)!;
    expect(first).toEqual(twin);
    // The live group was not disturbed.
    const committedAfter = await backend
      .admin()
      .committedOffsets(config.detect.groupId, config.topics.names.metrics);
    expect(committedAfter).toEqual(committedBefore);
  });

  it('replays into a separate topic, registry-encoded', async () => {
    const outTopic = `${prefix}anomalies.backtest`;
    await runVigil(['replay', '--from', String(fromMs), '--to', String(toMs), '--out-topic', outTopic], env);
    const replayed = await readAnomalies(backend, codecs, outTopic);
    expect(replayed.map((e) => e.id).sort()).toEqual(inRange(live));
  });

  it('refuses to replay into the live anomalies topic', async () => {
    await expect(runVigil(['replay', '--out-topic', config.topics.names.anomalies], env)).rejects.toThrow(
      /live anomalies topic/,
    );
  });
});
