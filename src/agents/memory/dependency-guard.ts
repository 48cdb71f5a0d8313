import CircuitBreaker from 'opossum';

/** Settings of one {@link DependencyGuard}. */
export interface DependencyGuardOptions {
  /** Dependency name used in reasons, e.g. `embedder`, `vector store`. */
  readonly name: string;
  /** Per-call budget, ms: a call still running then counts as failed and the caller goes on. */
  readonly timeoutMs: number;
  /** Consecutive failures (errors or timeouts) that open the breaker. */
  readonly failuresToOpen: number;
  /** How long the breaker stays open before one trial call is let through (half-open), ms. */
  readonly resetTimeoutMs: number;
}

/** Result of a guarded call: the value, or why there is none. */
export type Guarded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

/** Breaker state of a dependency. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** One circuit breaker (opossum) plus a per-call timeout around one external dependency. */
export interface DependencyGuard {
  readonly name: string;
  /** Runs `call` unless the breaker is open; never throws, never waits longer than the timeout. */
  run<T>(call: () => Promise<T>): Promise<Guarded<T>>;
  readonly state: BreakerState;
  /** Stops the breaker's timers (idempotent). */
  shutdown(): void;
}

/**
 * Guards a dependency with an opossum breaker that opens after `failuresToOpen` consecutive failures
 * (opossum's own error-percentage rule is switched off) and half-opens after `resetTimeoutMs`: one trial
 * call then closes it again on success or re-opens it on failure. While open, calls are not made at all.
 */
export function createDependencyGuard(options: DependencyGuardOptions): DependencyGuard {
  const { name, timeoutMs, failuresToOpen, resetTimeoutMs } = options;
  const breaker = new CircuitBreaker<[() => Promise<unknown>], unknown>((call) => call(), {
    name,
    timeout: timeoutMs,
    resetTimeout: resetTimeoutMs,
    errorThresholdPercentage: 100, // never opens by rate: only the consecutive-failure rule below
    volumeThreshold: Number.MAX_SAFE_INTEGER,
    enableSnapshots: false,
  });
  let consecutiveFailures = 0;
  breaker.on('success', () => {
    consecutiveFailures = 0;
  });
  breaker.on('failure', () => {
    consecutiveFailures += 1;
    if (consecutiveFailures >= failuresToOpen && !breaker.opened) breaker.open();
  });
  breaker.on('halfOpen', () => {
    consecutiveFailures = failuresToOpen - 1; // one more failure re-opens
  });

  return {
    name,
    get state(): BreakerState {
      if (breaker.opened) return 'open';
      return breaker.halfOpen ? 'half-open' : 'closed';
    },
    async run<T>(call: () => Promise<T>): Promise<Guarded<T>> {
      try {
        return { ok: true, value: (await breaker.fire(call)) as T };
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'EOPENBREAKER') {
          return {
            ok: false,
            reason: `${name} unavailable: circuit open after ${failuresToOpen} consecutive failures (retry in <= ${resetTimeoutMs} ms)`,
          };
        }
        if (code === 'ETIMEDOUT') return { ok: false, reason: `${name} timed out after ${timeoutMs} ms` };
        return { ok: false, reason: `${name} failed: ${(error as Error).message ?? String(error)}` };
      }
    },
    shutdown() {
      breaker.shutdown();
    },
  };
}
