import CircuitBreaker from 'opossum';
import type { Hypothesis } from '../../model/hypothesis-event.js';
import type { ReasoningInput } from '../reasoning-input.js';
import { httpStatusError, LlmError } from './llm-errors.js';
import { parseLlmOutput } from './llm-output.js';
import { buildPrompt } from './prompt.js';
import { buildProviderRequest, extractCompletionText, type LlmProvider } from './providers.js';
import { retryWithBackoff } from './retry.js';

/** Options of {@link createLlmEngine}. Times in ms. */
export interface LlmEngineOptions {
  readonly provider: LlmProvider;
  readonly baseUrl: string;
  readonly model: string;
  /** The key's value (the composition root reads it from the environment variable the settings name). */
  readonly apiKey: string | undefined;
  /** Name of the environment variable the key comes from, for messages only. */
  readonly apiKeyEnv: string;
  /** Per-HTTP-call timeout (AbortController). */
  readonly timeoutMs: number;
  /** Budget of one `hypothesize` call across all attempts and backoff delays. */
  readonly budgetMs: number;
  readonly maxTokens: number;
  readonly breaker: {
    /** Consecutive failed attempts that open the breaker. */
    readonly failureThreshold: number;
    /** Time the breaker stays open before letting one trial call through (half-open). */
    readonly resetTimeoutMs: number;
  };
  readonly retry: { readonly tries: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
  /** Injected for tests; default the global `fetch`. */
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  /** Called on every breaker transition (metrics); must not throw. */
  readonly onBreakerStateChange?: (state: BreakerState) => void;
}

/** Result of one {@link LlmEngine.hypothesize} call; never a thrown error. */
export type LlmOutcome =
  | { readonly ok: true; readonly hypotheses: Hypothesis[]; readonly attempts: number }
  | { readonly ok: false; readonly reason: string; readonly error: LlmError; readonly attempts: number };

/** Counters of the engine. */
export interface LlmEngineStats {
  /** HTTP requests sent. */
  requests: number;
  /** Calls answered without HTTP because the breaker was open. */
  shortCircuits: number;
  successes: number;
  failures: number;
}

/** Breaker state. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** The optional LLM hypothesis engine. */
export interface LlmEngine {
  /**
   * Asks the model for hypotheses about one incident revision, with the rules engine's hypotheses as
   * hints. Resolves with the hypotheses or with the reason it could not get valid ones (breaker open,
   * timeout, HTTP status, invalid output, missing key) — it never rejects, so the caller falls back.
   */
  hypothesize(input: ReasoningInput, ruleHints: readonly Hypothesis[]): Promise<LlmOutcome>;
  readonly state: BreakerState;
  readonly stats: Readonly<LlmEngineStats>;
  /** Stops the breaker's timers. Idempotent. */
  shutdown(): void;
}

const realSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref?.();
  });

function toLlmError(error: unknown, timedOut: boolean, timeoutMs: number): LlmError {
  if (error instanceof LlmError) return error;
  if (timedOut) return new LlmError('timeout', `no answer within ${timeoutMs} ms`, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return new LlmError('network', `${message}${cause}`, { cause: error });
}

/**
 * Creates the LLM engine: one opossum circuit breaker around single HTTP attempts, retries with
 * exponential backoff and full jitter on retriable failures only (429, 5xx, timeouts, network errors),
 * a per-attempt timeout, an overall budget, and zod validation of the model's JSON.
 *
 * The breaker opens after `failureThreshold` consecutive failed attempts (any kind, including 4xx and
 * invalid output) and then answers at once without HTTP (`breaker-open`, not retried) until
 * `resetTimeoutMs` passed; then one trial attempt closes it again on success or re-opens it on failure.
 */
export function createLlmEngine(options: LlmEngineOptions): LlmEngine {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const stats: LlmEngineStats = { requests: 0, shortCircuits: 0, successes: 0, failures: 0 };
  let consecutiveFailures = 0;

  async function attempt(
    url: string,
    init: RequestInit & { headers: Record<string, string> },
    timeoutMs: number,
    counter: { requests: number },
  ) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      stats.requests++;
      counter.requests++;
      const response = await doFetch(url, { ...init, signal: controller.signal });
      const body = await response.text();
      if (!response.ok) throw httpStatusError(response.status, body);
      return parseLlmOutput(extractCompletionText(options.provider, body));
    } catch (error) {
      throw toLlmError(error, timedOut, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  const breaker = new CircuitBreaker(attempt, {
    timeout: false,
    resetTimeout: options.breaker.resetTimeoutMs,
    // Opening is decided below on consecutive failures; opossum's percentage rule is switched off.
    volumeThreshold: Number.MAX_SAFE_INTEGER,
    rollingCountTimeout: 60_000,
    enableSnapshots: false,
  });
  breaker.on('success', () => {
    consecutiveFailures = 0;
    stats.successes++;
  });
  breaker.on('failure', () => {
    stats.failures++;
    consecutiveFailures++;
    if (consecutiveFailures >= options.breaker.failureThreshold && !breaker.opened) breaker.open();
  });
  breaker.on('reject', () => {
    stats.shortCircuits++;
  });
  breaker.on('halfOpen', () => {
    consecutiveFailures = Math.max(0, options.breaker.failureThreshold - 1);
  });
  const onChange = options.onBreakerStateChange;
  if (onChange) {
    breaker.on('open', () => onChange('open'));
    breaker.on('halfOpen', () => onChange('half-open'));
    breaker.on('close', () => onChange('closed'));
  }

  let stopped = false;
  return {
    get state(): BreakerState {
      return breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed';
    },
    stats,
    async hypothesize(input, ruleHints) {
      const counter = { requests: 0 };
      let lastAttemptError: LlmError | undefined;
      const fail = (error: LlmError): LlmOutcome => {
        const attempts = counter.requests;
        const reason =
          error.kind === 'breaker-open' && lastAttemptError
            ? `${describeFailure(lastAttemptError, attempts)}; circuit breaker now open`
            : describeFailure(error, attempts);
        return { ok: false, error, attempts, reason };
      };
      if (!options.apiKey) {
        return fail(new LlmError('missing-api-key', `no API key in ${options.apiKeyEnv}`));
      }
      const prompt = buildPrompt(input, ruleHints);
      const request = buildProviderRequest(options.provider, {
        baseUrl: options.baseUrl,
        model: options.model,
        apiKey: options.apiKey,
        maxTokens: options.maxTokens,
        prompt,
      });
      const init = { method: 'POST', headers: request.headers, body: request.body };
      const deadline = now() + options.budgetMs;
      try {
        const hypotheses = await retryWithBackoff(
          async () => {
            const remaining = deadline - now();
            if (remaining <= 0) throw new LlmError('timeout', `budget of ${options.budgetMs} ms used up`);
            try {
              return await breaker.fire(request.url, init, Math.min(options.timeoutMs, remaining), counter);
            } catch (error) {
              if ((error as { code?: string }).code === 'EOPENBREAKER') {
                throw new LlmError('breaker-open', 'circuit breaker open', { cause: error });
              }
              if (error instanceof LlmError) lastAttemptError = error;
              throw error;
            }
          },
          {
            ...options.retry,
            deadlineMs: deadline,
            sleep,
            random,
            now,
            isRetriable: (error) => error instanceof LlmError && error.retriable,
          },
        );
        return { ok: true, hypotheses, attempts: counter.requests };
      } catch (error) {
        return fail(error instanceof LlmError ? error : toLlmError(error, false, options.timeoutMs));
      }
    },
    shutdown() {
      if (stopped) return;
      stopped = true;
      breaker.shutdown();
    },
  };
}

/** A one-line reason for the hypothesis event's `fallbackReason`. */
function describeFailure(error: LlmError, attempts: number): string {
  if (error.kind === 'breaker-open') return 'llm circuit breaker open';
  if (error.kind === 'missing-api-key') return `llm api key missing: ${error.message}`;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const what =
    error.kind === 'invalid-output'
      ? 'llm returned invalid output'
      : error.kind === 'timeout'
        ? 'llm timeout'
        : error.kind === 'network'
          ? 'llm unreachable'
          : 'llm request failed';
  return `${what}${tries}: ${error.message}`;
}
