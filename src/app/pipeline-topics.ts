import type { AppConfig } from '../config/app-config.js';
import type { TopicSpec } from '../consumers/log-port.js';

/**
 * Every topic the pipeline uses, with partitions and cleanup policy: the four event topics with the
 * configured partitions, one dead-letter topic per stage input, and the compacted changelogs of the
 * stateful stages, each co-partitioned with its stage's input (same partition count, same keys). The
 * event and dead-letter topics get `topics.retentionMs` when it is set (changelogs are compacted).
 */
export function pipelineTopicSpecs(config: Pick<AppConfig, 'topics'>): TopicSpec[] {
  const { names, partitions, retentionMs } = config.topics;
  const specs: TopicSpec[] = [
    { name: names.metrics, partitions },
    { name: names.metricsDeadLetter, partitions: 1 },
    { name: names.anomalies, partitions },
    // Co-partitioned with metrics; compacted so a restore reads one record per series.
    { name: names.detectChangelog, partitions, compacted: true },
    { name: names.anomaliesDeadLetter, partitions: 1 },
    { name: names.contexts, partitions },
    { name: names.contextsDeadLetter, partitions: 1 },
    // Co-partitioned with contexts (key: correlation key): the open incidents of each key.
    { name: names.reasonChangelog, partitions, compacted: true },
    { name: names.hypotheses, partitions },
    { name: names.hypothesesDeadLetter, partitions: 1 },
    // Co-partitioned with hypotheses (key: incident id): dedup, cooldown and runbook progress.
    { name: names.actChangelog, partitions, compacted: true },
    { name: names.actions, partitions },
  ];
  if (retentionMs === undefined) return specs;
  return specs.map((spec) => (spec.compacted ? spec : { ...spec, retentionMs }));
}
