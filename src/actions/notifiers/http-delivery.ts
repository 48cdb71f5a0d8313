import CircuitBreaker from 'opossum';
import { fullJitterDelayMs, type RetrySettings } from '../retry-backoff.js';

/** Circuit-breaker settings of one destination (see opossum). */
export interface BreakerSettings {
  /** Open when at least this share (%) of calls in the rolling window failed. */
  readonly errorThresholdPercentage: number;
  /** Calls in the rolling window before the breaker may open. */
  readonly volumeThreshold: number;
  /** How long it stays open before a trial call (ms). */
  readonly resetTimeoutMs: number;
  /** Length of the rolling statistics window (ms). */
  readonly rollingWindowMs: number;
}

/** Outcome of one delivery (all attempts). Deliveries never throw. */
export interface DeliveryResult {
  readonly ok: boolean;
  /** HTTP requests actually sent (0 when the breaker was open). */
  readonly attempts: number;
  /** Last HTTP status, or null when no response arrived. */
  readonly httpStatus: number | null;
  /** Human-readable outcome; never contains the destination URL (it may embed a secret). */
  readonly detail: string;
}

/** Options of {@link createHttpDelivery}. */
export interface HttpDeliveryOptions {
  /** Destination name used in details and the breaker name, e.g. `slack`, `webhook:ops`. */
  readonly destination: string;
  /** Already validated against the allow-list (see `checkDestinationUrl`). */
  readonly url: URL;
  /** Per-request timeout (ms); the request is aborted when it expires. */
  readonly timeoutMs: number;
  /** Total time the delivery may take, retries and waits included (ms). */
  readonly budgetMs: number;
  readonly retry: RetrySettings;
  readonly breaker: BreakerSettings;
  /** Extra request headers (e.g. authorization) from configuration. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Injected for tests; defaults to the global `fetch`, `Math.random`, `setTimeout` and `Date.now`. */
  readonly fetch?: typeof fetch;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** JSON POSTs to one destination with timeout, retry (full jitter) and one breaker. */
export interface HttpDelivery {
  readonly destination: string;
  /** POSTs `body` as JSON. Resolves with the outcome; never rejects. */
  post(body: unknown, headers?: Readonly<Record<string, string>>): Promise<DeliveryResult>;
  /** `closed`, `open` or `half-open`. */
  breakerState(): 'closed' | 'open' | 'half-open';
  /** Stops the breaker's timers (idempotent). */
  shutdown(): void;
}

/** A failed attempt; `retriable` for 408/429/5xx, timeouts and network errors. */
export class DeliveryAttemptError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
    readonly httpStatus: number | null,
    readonly retryAfterMs: number | null,
  ) {
    super(message);
    this.name = 'DeliveryAttemptError';
  }
}

const RESPONSE_DETAIL_CHARS = 200;

function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

/**
 * Creates a delivery to one destination. Each attempt goes through the destination's breaker; errors the
 * destination cannot be blamed for (4xx other than 408/429) are not counted by the breaker and not retried.
 * Redirects are refused, so a destination cannot bounce a request to a host outside the allow-list.
 */
export function createHttpDelivery(options: HttpDeliveryOptions): HttpDelivery {
  const doFetch = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const { destination } = options;

  async function attempt(body: string, headers: Readonly<Record<string, string>>): Promise<number> {
    let response: Response;
    try {
      response = await doFetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers, ...headers },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const e = error as Error;
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      throw new DeliveryAttemptError(
        timedOut
          ? `no response from ${destination} within ${options.timeoutMs} ms`
          : `network error to ${destination}: ${(e.cause as Error | undefined)?.message ?? e.message}`,
        true,
        null,
        null,
      );
    }
    let text = '';
    try {
      text = await response.text();
    } catch {
      // the status is what matters; an unreadable body is not a failure of the delivery
    }
    if (response.ok) return response.status;
    const s = response.status;
    const retriable = s === 408 || s === 429 || s >= 500;
    const excerpt = text.slice(0, RESPONSE_DETAIL_CHARS).replace(/\s+/g, ' ').trim();
    throw new DeliveryAttemptError(
      `HTTP ${s} from ${destination}${excerpt ? `: ${excerpt}` : ''}`,
      retriable,
      s,
      retryAfterMs(response.headers.get('retry-after')),
    );
  }

  const breaker = new CircuitBreaker(attempt, {
    name: destination,
    timeout: false,
    errorThresholdPercentage: options.breaker.errorThresholdPercentage,
    volumeThreshold: options.breaker.volumeThreshold,
    resetTimeout: options.breaker.resetTimeoutMs,
    rollingCountTimeout: options.breaker.rollingWindowMs,
    errorFilter: (error: unknown) => error instanceof DeliveryAttemptError && !error.retriable,
  });

  return {
    destination,
    async post(body, headers = {}) {
      const payload = JSON.stringify(body);
      const started = now();
      let attempts = 0;
      let lastStatus: number | null = null;
      for (let tryNo = 1; ; tryNo++) {
        if (breaker.opened) {
          return {
            ok: false,
            attempts,
            httpStatus: lastStatus,
            detail: `circuit breaker open for ${destination}; not sent${attempts > 0 ? ` after ${attempts} attempt(s)` : ''}`,
          };
        }
        attempts++;
        try {
          const status = await breaker.fire(payload, headers);
          return { ok: true, attempts, httpStatus: status, detail: `HTTP ${status} from ${destination}` };
        } catch (error) {
          if ((error as { code?: string }).code === 'EOPENBREAKER') {
            attempts--;
            return {
              ok: false,
              attempts,
              httpStatus: lastStatus,
              detail: `circuit breaker open for ${destination}; not sent${attempts > 0 ? ` after ${attempts} attempt(s)` : ''}`,
            };
          }
          const failure =
            error instanceof DeliveryAttemptError
              ? error
              : new DeliveryAttemptError(`${destination}: ${(error as Error).message}`, false, null, null);
          lastStatus = failure.httpStatus;
          const give = (why: string): DeliveryResult => ({
            ok: false,
            attempts,
            httpStatus: lastStatus,
            detail: `${failure.message}${why}`,
          });
          if (!failure.retriable) return give('');
          if (tryNo >= options.retry.maxAttempts) return give(` (gave up after ${attempts} attempts)`);
          const jitter = fullJitterDelayMs(tryNo, options.retry, random);
          const delay = Math.min(options.retry.maxDelayMs, Math.max(jitter, failure.retryAfterMs ?? 0));
          if (now() + delay - started > options.budgetMs) {
            return give(` (delivery budget of ${options.budgetMs} ms spent after ${attempts} attempts)`);
          }
          await sleep(delay);
        }
      }
    },
    breakerState: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed'),
    shutdown: () => {
      if (!breaker.isShutdown) breaker.shutdown();
    },
  };
}
