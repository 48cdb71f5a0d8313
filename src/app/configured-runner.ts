import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import type { LogBackend } from '../consumers/log-port.js';
import type { StageBinding } from '../consumers/stage.js';
import { createStageRunner, type StageRunner } from '../consumers/stage-runner.js';
import type { Codecs } from './codecs.js';

/**
 * A stage runner with the runtime settings every stage shares: delivery guarantee, session timeout,
 * fetch size (the checkpoint unit) and partition concurrency, all from the configuration.
 */
export function createConfiguredRunner<In, S>(options: {
  readonly config: AppConfig;
  readonly backend: LogBackend;
  readonly binding: StageBinding<In, S>;
  readonly codecs: Codecs;
  readonly logger: Logger;
}): StageRunner {
  const { config } = options;
  return createStageRunner({
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
  });
}
