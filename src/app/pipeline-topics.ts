import type { AppConfig } from '../config/app-config.js';
import type { TopicSpec } from '../consumers/log-port.js';

/** Every topic the detection pipeline uses, with partitions and cleanup policy. */
export function pipelineTopicSpecs(config: Pick<AppConfig, 'topics'>): TopicSpec[] {
  const { names, partitions } = config.topics;
  return [
    { name: names.metrics, partitions },
    { name: names.metricsDeadLetter, partitions: 1 },
    { name: names.anomalies, partitions },
    // Co-partitioned with metrics; compacted so a restore reads one record per series.
    { name: names.detectChangelog, partitions, compacted: true },
  ];
}
