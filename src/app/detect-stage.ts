import type { Logger } from 'pino';
import { detectBinding } from '../agents/detect/detect-binding.js';
import type { AppConfig } from '../config/app-config.js';
import { detectorConfigId } from '../config/detector-settings.js';
import type { LogBackend } from '../consumers/log-port.js';
import type { StageRunner } from '../consumers/stage-runner.js';
import type { AnomalyEvent } from '../model/anomaly-event.js';
import type { Tracing } from '../observability/tracing.js';
import type { VigilMetrics } from '../observability/vigil-metrics.js';
import type { Codecs } from './codecs.js';
import { createConfiguredRunner } from './configured-runner.js';

/** What the detect stage is built from. */
export interface DetectStageDeps {
  readonly config: AppConfig;
  readonly backend: LogBackend;
  readonly codecs: Codecs;
  readonly logger: Logger;
  readonly onAnomaly?: (event: AnomalyEvent) => void;
  /** Record spans (off when absent or disabled). */
  readonly tracing?: Tracing | undefined;
  /** Where the stage's counters and latencies are exported. */
  readonly metrics?: VigilMetrics | undefined;
}

/** Wires the detect binding to the runtime (not started). */
export function createDetectStage(deps: DetectStageDeps): StageRunner {
  const { config, backend, codecs, logger } = deps;
  const names = config.topics.names;
  const binding = detectBinding({
    groupId: config.detect.groupId,
    metricsTopic: names.metrics,
    deadLetterTopic: names.metricsDeadLetter,
    changelogTopic: names.detectChangelog,
    anomaliesTopic: names.anomalies,
    decoder: codecs.metricDecoder,
    detectors: config.detect.detectors,
    configId: detectorConfigId(config.detect.detectors),
    failurePolicy: config.detect.failurePolicy,
    ...(deps.onAnomaly ? { onAnomaly: deps.onAnomaly } : {}),
  });
  return createConfiguredRunner({
    config,
    backend,
    binding,
    codecs,
    logger,
    tracing: deps.tracing,
    metrics: deps.metrics,
  });
}
