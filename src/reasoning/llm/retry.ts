/** Exponential backoff with full jitter, with injectable time so that tests run instantly. */
export interface RetryOptions {
  /** Total attempts, including the first (≥ 1). */
  readonly tries: number;
  /** Backoff base (ms): the cap of the first delay. */
  readonly baseDelayMs: number;
  /** Upper bound of any delay (ms). */
  readonly maxDelayMs: number;
  /** Absolute time (per `now`) after which no new attempt starts; optional. */
  readonly deadlineMs?: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform random number in [0, 1). */
  readonly random: () => number;
  readonly now: () => number;
  /** Whether an error is worth another attempt. */
  readonly isRetriable: (error: unknown) => boolean;
}

/**
 * Full-jitter delay before retry number `retry` (0 for the first retry):
 * `random() · min(maxDelayMs, baseDelayMs · 2^retry)`.
 */
export function fullJitterDelay(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  return random() * Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
}

/**
 * Calls `attempt(n)` (n = 1, 2, …) until it resolves, the error is not retriable, `tries` attempts are
 * used, or the next delay would pass the deadline; then rethrows the last error.
 */
export async function retryWithBackoff<T>(
  attempt: (n: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const tries = Math.max(1, Math.floor(options.tries));
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= tries || !options.isRetriable(error)) throw error;
      const delay = fullJitterDelay(n - 1, options.baseDelayMs, options.maxDelayMs, options.random);
      if (options.deadlineMs !== undefined && options.now() + delay >= options.deadlineMs) throw error;
      await options.sleep(delay);
    }
  }
}
