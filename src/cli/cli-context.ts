import type { Logger } from 'pino';
import { type Codecs, createCodecs } from '../app/codecs.js';
import { createLogBackend } from '../app/log-backend.js';
import { type AppConfig, loadConfig } from '../config/app-config.js';
import type { LogBackend } from '../consumers/log-port.js';
import { createLogger, type LogLevel } from '../observability/logger.js';

/** Global flags every command accepts. */
export interface GlobalFlags {
  readonly config?: string;
  readonly detectors?: string;
  readonly logLevel?: LogLevel;
}

/** What a command works with: the frozen config, a logger, the log backend and the codecs. */
export interface CliContext {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly backend: LogBackend;
  readonly codecs: Codecs;
}

/**
 * The composition root of the CLI: the only place that hands `process.env` to the configuration.
 * `defaultLogLevel` applies when neither LOG_LEVEL nor --log-level is given.
 */
export function createCliContext(
  flags: GlobalFlags,
  defaultLogLevel: LogLevel | ((mode: AppConfig['mode']) => LogLevel) = 'info',
): CliContext {
  const env: Record<string, string | undefined> = { ...process.env };
  if (flags.config) env.VIGIL_CONFIG = flags.config;
  if (flags.detectors) env.VIGIL_DETECTORS = flags.detectors;
  if (flags.logLevel) env.LOG_LEVEL = flags.logLevel;
  let config = loadConfig({ env });
  if (!env.LOG_LEVEL) {
    const level = typeof defaultLogLevel === 'function' ? defaultLogLevel(config.mode) : defaultLogLevel;
    config = loadConfig({ env: { ...env, LOG_LEVEL: level } });
  }
  const logger = createLogger({ level: config.log.level, toStderr: true });
  return { config, logger, backend: createLogBackend(config, logger), codecs: createCodecs(config) };
}

/** Throws a clear error when a command needs a real Kafka but none is configured. */
export function requireKafka(context: CliContext, command: string): void {
  if (context.config.mode !== 'kafka') {
    throw new Error(
      `vigil ${command} needs a Kafka cluster: set KAFKA_BROKERS (e.g. KAFKA_BROKERS=127.0.0.1:9092) or kafka.brokers in the config file. ` +
        '(Without servers, `vigil run` runs the whole pipeline in-process on a synthetic stream.)',
    );
  }
}
