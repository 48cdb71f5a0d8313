/**
 * Vigil's error catalog: every error the project raises on purpose carries a stable code of the form
 * `VIGIL_ERR_<AREA>_<PROBLEM>`, says whether retrying can help, and keeps its cause.
 */
export class VigilError extends Error {
  /** Stable machine-readable code, e.g. `VIGIL_ERR_CODEC_UNKNOWN_ENCODING`. */
  readonly code: string;
  /** True when the same operation may succeed if retried (network, broker or registry unavailability). */
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VigilError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Raised when configuration is invalid; the message says which setting and how to fix it. */
export class ConfigError extends VigilError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('VIGIL_ERR_CONFIG_INVALID', message, options);
    this.name = 'ConfigError';
  }
}

/** True when `error` is a VigilError (or subclass) marked retriable. */
export function isRetriable(error: unknown): boolean {
  return error instanceof VigilError && error.retriable;
}

/** Code of the error a batch heartbeat throws when the consumer group is rebalancing. */
export const REBALANCING = 'VIGIL_ERR_LOG_REBALANCING';

/** True when `error` says the consumer group is rebalancing. */
export function isRebalancing(error: unknown): boolean {
  return error instanceof VigilError && error.code === REBALANCING;
}
