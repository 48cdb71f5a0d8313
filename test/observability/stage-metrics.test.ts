import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { StageDriver } from '../../src/consumers/stage-driver.js';
import { createVigilMetrics } from '../../src/observability/vigil-metrics.js';
import { counterBinding, counterTopics, countRecord, encodeJson } from '../support/counter-stage.js';

/** Value of one sample, by metric name and labels (exact label match). */
async function sample(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metrics = await registry.getMetricsAsJSON();
  const values = metrics.flatMap((m) =>
    (m.values as Array<{ metricName?: string; labels: Record<string, string | number>; value: number }>).map(
      (v) => ({ ...v, metricName: v.metricName ?? m.name }),
    ),
  );
  const hit = values.find(
    (v) =>
      v.metricName === name &&
      Object.keys(labels).length === Object.keys(v.labels).length &&
      Object.entries(labels).every(([k, value]) => String(v.labels[k]) === value),
  );
  if (!hit) throw new Error(`no sample ${name}${JSON.stringify(labels)}`);
  return hit.value;
}

describe('stage metrics after a small in-process run', () => {
  it('exports counters, lag, latency histograms per checkpoint and restore durations with a stage label', async () => {
    const metrics = createVigilMetrics();
    const driver = await StageDriver.create({
      binding: counterBinding({ poisonN: 13 }),
      encodeOutput: encodeJson,
      topics: counterTopics(2),
      observer: metrics.stageObserver('counter'),
    });
    const runner = await driver.startInstance();
    metrics.trackStage(runner.stats);
    // Record timestamps one minute in the past: the end-to-end latency (record → committed output) is ≥ 60 s.
    const past = Date.now() - 60_000;
    await driver.pipe([
      ...Array.from({ length: 40 }, (_, i) => ({ ...countRecord(`k${i % 5}`, 1), timestampMs: past })),
      countRecord('k0', 13),
    ]);
    await driver.drain();
    await driver.stopAll();
    const { registry } = metrics;
    const stage = { stage: 'counter' };

    expect(await sample(registry, 'vigil_stage_records_in_total', stage)).toBe(41);
    expect(await sample(registry, 'vigil_stage_records_out_total', stage)).toBe(40);
    expect(await sample(registry, 'vigil_stage_dead_lettered_total', stage)).toBe(1);
    expect(await sample(registry, 'vigil_stage_rebalances_total', stage)).toBeGreaterThanOrEqual(1);
    expect(await sample(registry, 'vigil_stage_consumer_lag_total', stage)).toBe(0);

    const checkpoints = runner.stats.checkpoints;
    expect(checkpoints).toBeGreaterThan(0);
    expect(await sample(registry, 'vigil_stage_processing_latency_seconds_count', stage)).toBe(checkpoints);
    // One end-to-end observation per input record that produced outputs (the dead letter is not one).
    expect(await sample(registry, 'vigil_stage_end_to_end_latency_seconds_count', stage)).toBe(40);
    expect(
      await sample(registry, 'vigil_stage_end_to_end_latency_seconds_bucket', { ...stage, le: '30' }),
    ).toBe(0);
    expect(
      await sample(registry, 'vigil_stage_end_to_end_latency_seconds_sum', stage),
    ).toBeGreaterThanOrEqual(40 * 60);
    expect(await sample(registry, 'vigil_stage_restore_duration_seconds_count', stage)).toBe(2);
  });

  it('reports a restore in progress as the changelog records still to read', async () => {
    const metrics = createVigilMetrics();
    const driver = await StageDriver.create({
      binding: counterBinding(),
      encodeOutput: encodeJson,
      topics: counterTopics(1),
    });
    const runner = await driver.startInstance();
    metrics.trackStage(runner.stats);
    runner.stats.restoreProgress.set(0, { restored: 250, total: 1000 });
    expect(
      await sample(metrics.registry, 'vigil_stage_restore_remaining_records', {
        stage: 'counter',
        partition: '0',
      }),
    ).toBe(750);
    runner.stats.restoreProgress.delete(0);
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/vigil_stage_restore_remaining_records\{/);
    await driver.stopAll();
  });
});
