import { describe, expect, it } from 'vitest';
import { detectBinding } from '../../../src/agents/detect/detect-binding.js';
import { createCodecs } from '../../../src/app/codecs.js';
import { pipelineTopicSpecs } from '../../../src/app/pipeline-topics.js';
import { encodeMetricPointJson } from '../../../src/codec/index.js';
import { loadConfig } from '../../../src/config/app-config.js';
import { detectorConfigId } from '../../../src/config/detector-settings.js';
import { StageDriver } from '../../../src/consumers/stage-driver.js';
import type { AnomalyEvent } from '../../../src/model/anomaly-event.js';
import { generateSyntheticStream } from '../../../src/synthetic/synthetic-metrics.js';
import { checkDetections } from '../../support/synthetic-check.js';

const config = loadConfig({ env: { VIGIL_PARTITIONS: '3' } });
const codecs = createCodecs(config);

const binding = () =>
  detectBinding({
    groupId: config.detect.groupId,
    metricsTopic: config.topics.names.metrics,
    deadLetterTopic: config.topics.names.metricsDeadLetter,
    changelogTopic: config.topics.names.detectChangelog,
    anomaliesTopic: config.topics.names.anomalies,
    decoder: codecs.metricDecoder,
    detectors: config.detect.detectors,
    configId: detectorConfigId(config.detect.detectors),
    failurePolicy: config.detect.failurePolicy,
  });

async function anomaliesOf(driver: StageDriver<unknown, unknown>): Promise<AnomalyEvent[]> {
  const out: AnomalyEvent[] = [];
  for (const record of driver.read(config.topics.names.anomalies)) {
    out.push((await codecs.eventDecoder.decode(record.value!)) as AnomalyEvent);
  }
  return out;
}

describe('detect stage (in-memory driver)', () => {
  it('finds every injected incident, nothing on clean series, no duplicate ids', async () => {
    const stream = generateSyntheticStream({
      series: 60,
      pointsPerSeries: 200,
      incidentFraction: 0.3,
      seed: 11,
      startMs: Date.UTC(2026, 0, 1),
      intervalMs: 10_000,
      earliestIncidentIndex: 40,
    });
    const driver = await StageDriver.create({
      binding: binding(),
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
    await driver.drain(30_000);
    const anomalies = await anomaliesOf(driver as StageDriver<unknown, unknown>);
    const check = checkDetections(anomalies, stream.incidents, 3 * 10_000);
    expect(stream.incidents.length).toBe(18);
    expect(check.missed).toEqual([]);
    expect(check.onCleanSeries).toEqual([]);
    expect(check.duplicateIds).toEqual([]);
    for (const a of anomalies) {
      expect(a.score).toBeGreaterThanOrEqual(0.5);
      expect(a.detectors.filter((d) => d.fired).length).toBeGreaterThanOrEqual(2);
    }
    await driver.stopAll();
  });

  it('dead-letters every malformed metric and still processes the valid ones', async () => {
    const { malformedMetricSamples } = await import('../../../src/codec/index.js');
    const samples = malformedMetricSamples();
    const driver = await StageDriver.create({
      binding: binding(),
      encodeOutput: codecs.encodeOutput,
      topics: pipelineTopicSpecs(config),
    });
    await driver.startInstance();
    const valid = generateSyntheticStream({
      series: 5,
      pointsPerSeries: 50,
      incidentFraction: 0,
      seed: 3,
      startMs: Date.UTC(2026, 0, 1),
      intervalMs: 1000,
      earliestIncidentIndex: 40,
    }).points;
    const records = [];
    for (let i = 0; i < valid.length; i++) {
      const p = valid[i]!;
      records.push({ topic: config.topics.names.metrics, key: p.series, value: encodeMetricPointJson(p) });
      const bad = samples[i % 7 === 0 ? (i / 7) % samples.length : -1];
      if (bad) records.push({ topic: config.topics.names.metrics, key: p.series, value: bad.value });
    }
    await driver.pipe(records);
    await driver.drain();
    const dlq = driver.read(config.topics.names.metricsDeadLetter);
    expect(dlq.length).toBe(records.length - valid.length);
    for (const letter of dlq) expect(letter.headers['vigil.dlq.error-class']?.toString()).toBeTruthy();
    expect(driver.runners[0]!.stats.recordsIn).toBe(records.length);
    expect(driver.changelog(config.topics.names.detectChangelog).size).toBe(5);
    await driver.stopAll();
  });
});
