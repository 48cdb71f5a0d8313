import { VigilError } from '../../errors.js';

/** Why an LLM call failed. */
export type LlmFailureKind =
  | 'rate-limited'
  | 'server-error'
  | 'rejected'
  | 'timeout'
  | 'network'
  | 'invalid-output'
  | 'breaker-open'
  | 'missing-api-key';

const CODES: Readonly<Record<LlmFailureKind, string>> = Object.freeze({
  'rate-limited': 'VIGIL_ERR_LLM_RATE_LIMITED',
  'server-error': 'VIGIL_ERR_LLM_SERVER_ERROR',
  rejected: 'VIGIL_ERR_LLM_REQUEST_REJECTED',
  timeout: 'VIGIL_ERR_LLM_TIMEOUT',
  network: 'VIGIL_ERR_LLM_NETWORK',
  'invalid-output': 'VIGIL_ERR_LLM_INVALID_OUTPUT',
  'breaker-open': 'VIGIL_ERR_LLM_BREAKER_OPEN',
  'missing-api-key': 'VIGIL_ERR_LLM_MISSING_API_KEY',
});

/** Kinds worth retrying: rate limiting, server errors, timeouts and network errors. */
export const RETRIABLE_LLM_FAILURES: ReadonlySet<LlmFailureKind> = new Set([
  'rate-limited',
  'server-error',
  'timeout',
  'network',
]);

/** A failed LLM call; `retriable` is true for 429, 5xx, timeouts and network errors only. */
export class LlmError extends VigilError {
  readonly kind: LlmFailureKind;
  /** HTTP status, when the provider answered. */
  readonly status: number | undefined;

  constructor(kind: LlmFailureKind, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(CODES[kind], message, { retriable: RETRIABLE_LLM_FAILURES.has(kind), cause: options.cause });
    this.name = 'LlmError';
    this.kind = kind;
    this.status = options.status;
  }
}

/** The LlmError for an HTTP error status. */
export function httpStatusError(status: number, body: string): LlmError {
  const detail = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  const kind: LlmFailureKind = status === 429 ? 'rate-limited' : status >= 500 ? 'server-error' : 'rejected';
  return new LlmError(kind, `HTTP ${status}${detail ? `: ${detail}` : ''}`, { status });
}
