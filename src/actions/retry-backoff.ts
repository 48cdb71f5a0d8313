/** Retry settings of an outgoing call (notifier delivery). */
export interface RetrySettings {
  /** Attempts in total, the first one included (>= 1). */
  readonly maxAttempts: number;
  /** Cap of the first retry's delay (ms); doubles per retry. */
  readonly baseDelayMs: number;
  /** Upper bound of any single delay (ms). */
  readonly maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog): the delay before retry `retry` (1 = first
 * retry) is uniform in [0, min(maxDelayMs, baseDelayMs · 2^(retry−1))). `random` returns [0, 1).
 *
 * @example fullJitterDelayMs(3, { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 }, () => 0.5) // 200
 */
export function fullJitterDelayMs(retry: number, settings: RetrySettings, random: () => number): number {
  const cap = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * cap);
}
