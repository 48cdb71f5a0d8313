import { describe, expect, it } from 'vitest';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import { loadConfig } from '../../src/config/app-config.js';

describe('pipelineTopicSpecs', () => {
  it('leaves retention to the broker unless topics.retentionMs is set', () => {
    const specs = pipelineTopicSpecs(loadConfig({ env: {} }));
    expect(specs.every((s) => s.retentionMs === undefined)).toBe(true);
  });

  it('gives every event and dead-letter topic topics.retentionMs, and no changelog (they are compacted)', () => {
    const config = loadConfig({ env: { VIGIL_TOPIC_RETENTION_MS: '-1', VIGIL_TOPIC_PREFIX: 'p.' } });
    expect(config.topics.retentionMs).toBe(-1);
    const specs = pipelineTopicSpecs(config);
    const names = config.topics.names;
    const byName = new Map(specs.map((s) => [s.name, s]));
    for (const topic of [names.metrics, names.anomalies, names.contexts, names.hypotheses, names.actions])
      expect(byName.get(topic)).toMatchObject({ retentionMs: -1 });
    for (const topic of [names.metricsDeadLetter, names.anomaliesDeadLetter, names.contextsDeadLetter])
      expect(byName.get(topic)).toMatchObject({ retentionMs: -1 });
    const changelogs = specs.filter((s) => s.compacted);
    expect(changelogs.map((s) => s.name).sort()).toEqual(
      [names.detectChangelog, names.reasonChangelog, names.actChangelog].sort(),
    );
    expect(changelogs.every((s) => s.retentionMs === undefined)).toBe(true);
  });
});
