import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import type { LogBackend } from '../consumers/log-port.js';
import type { StageBinding } from '../consumers/stage.js';
import { createStageRunner, type StageRunner } from '../consumers/stage-runner.js';
import { correlationOfOutput } from '../observability/correlation.js';
import type { Tracing } from '../observability/tracing.js';
import type { VigilMetrics } from '../observability/vigil-metrics.js';
import type { Codecs } from './codecs.js';

/**
 * A stage runner with the runtime settings every stage shares: delivery guarantee, session timeout,
 * fetch size (the checkpoint unit) and partition concurrency, all from the configuration; plus its
 * observability: correlation ids on outputs, record spans when `tracing` is on, and its stats and
 * latencies exported through `metrics` when given.
 */
export function createConfiguredRunner<In, S>(options: {
  readonly config: AppConfig;
  readonly backend: LogBackend;
  readonly binding: StageBinding<In, S>;
  readonly codecs: Codecs;
  readonly logger: Logger;
  readonly tracing?: Tracing | undefined;
  readonly metrics?: VigilMetrics | undefined;
}): StageRunner {
  const { config, binding, metrics } = options;
  const tracer = options.tracing?.stageTracer({ name: binding.name, groupId: binding.groupId });
  const runner = createStageRunner({
    backend: options.backend,
    binding: options.binding,
    encodeOutput: options.codecs.encodeOutput,
    exactlyOnce: config.detect.exactlyOnce,
    logger: options.logger,
    consumer: { sessionTimeoutMs: config.kafka.sessionTimeoutMs },
    tuning: {
      maxBytesPerPartition: config.kafka.fetchMaxBytesPerPartition,
      partitionsConcurrently: config.kafka.partitionsConcurrently,
    },
    correlate: correlationOfOutput,
    ...(tracer ? { tracer } : {}),
    ...(metrics ? { observer: metrics.stageObserver(binding.name) } : {}),
  });
  metrics?.trackStage(runner.stats);
  return runner;
}
