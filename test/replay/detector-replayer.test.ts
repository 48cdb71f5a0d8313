import { describe, expect, it } from 'vitest';
import { detectBinding } from '../../src/agents/detect/detect-binding.js';
import { createCodecs } from '../../src/app/codecs.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import { encodeMetricPointJson } from '../../src/codec/index.js';
import { loadConfig } from '../../src/config/app-config.js';
import { detectorConfigId } from '../../src/config/detector-settings.js';
import { StageDriver } from '../../src/consumers/stage-driver.js';
import type { AnomalyEvent } from '../../src/model/anomaly-event.js';
import { DetectorReplayer } from '../../src/replay/detector-replayer.js';
import { generateSyntheticStream } from '../../src/synthetic/synthetic-metrics.js';

describe('detector replayer', () => {
  const config = loadConfig({ env: { VIGIL_PARTITIONS: '2' } });
  const detectors = config.detect.detectors;
  const configId = detectorConfigId(detectors);
  const startMs = Date.UTC(2026, 0, 1);
  const stream = generateSyntheticStream({
    series: 30,
    pointsPerSeries: 160,
    incidentFraction: 0.5,
    seed: 8,
    startMs,
    intervalMs: 1000,
    earliestIncidentIndex: 35,
  });

  it('reports the same anomalies, with the same ids, as the live stage', async () => {
    const codecs = createCodecs(config);
    const driver = await StageDriver.create({
      binding: detectBinding({
        groupId: 'g',
        metricsTopic: config.topics.names.metrics,
        deadLetterTopic: config.topics.names.metricsDeadLetter,
        changelogTopic: config.topics.names.detectChangelog,
        anomaliesTopic: config.topics.names.anomalies,
        decoder: codecs.metricDecoder,
        detectors,
        configId,
        failurePolicy: config.detect.failurePolicy,
      }),
      encodeOutput: codecs.encodeOutput,
      topics: pipelineTopicSpecs(config),
    });
    await driver.startInstance();
    await driver.pipe(
      stream.points.map((p) => ({
        topic: config.topics.names.metrics,
        key: p.series,
        value: encodeMetricPointJson(p),
      })),
    );
    await driver.drain();
    await driver.stopAll();
    const live: AnomalyEvent[] = [];
    for (const r of driver.read(config.topics.names.anomalies))
      live.push((await codecs.eventDecoder.decode(r.value!)) as AnomalyEvent);

    const replayer = new DetectorReplayer({ detectors, configId });
    const replayed = stream.points.flatMap((p) => replayer.push(p));
    expect(replayed.length).toBeGreaterThan(10);
    expect(replayed.map((e) => e.id).sort()).toEqual(live.map((e) => e.id).sort());
    expect(replayer.seriesCount).toBe(30);
  });

  it('warms up on points before the range and reports only anomalies inside it', () => {
    const all = new DetectorReplayer({ detectors, configId });
    const everything = stream.points.flatMap((p) => all.push(p));
    const fromMs = startMs + 80_000;
    const toMs = startMs + 120_000;
    const ranged = new DetectorReplayer({ detectors, configId }, { fromMs, toMs });
    const inside = stream.points.flatMap((p) => ranged.push(p));
    const expected = everything.filter((e) => e.timestampMs >= fromMs && e.timestampMs < toMs);
    expect(inside).toEqual(expected);
    expect(ranged.summary.anomalies).toBe(expected.length);
    expect(ranged.summary.outsideRange).toBe(everything.length - expected.length);
  });
});
