import type { ReadinessCheck } from './api-deps.js';

/** The outcome of one readiness check. */
export interface CheckResult {
  readonly name: string;
  readonly status: 'ok' | 'failed';
  /** Time until the check answered or timed out, ms. */
  readonly latencyMs: number;
  /** Why it failed (absent when ok). */
  readonly error?: string;
}

/** The readiness report: ready when every check is ok. */
export interface ReadinessReport {
  readonly status: 'ready' | 'not-ready';
  readonly checks: readonly CheckResult[];
}

async function runOne(check: ReadinessCheck, timeoutMs: number, now: () => number): Promise<CheckResult> {
  const controller = new AbortController();
  const started = now();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    // A check that ignores the signal is abandoned (not cancelled) when it times out.
    await Promise.race([check.check(controller.signal), expired]);
    return { name: check.name, status: 'ok', latencyMs: now() - started };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name: check.name, status: 'failed', latencyMs: now() - started, error: message || 'failed' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every check in parallel, each with `timeoutMs`; a check that throws or does not answer in time
 * is `failed` with the reason. `now` is a monotonic clock in ms (latencies).
 */
export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
  now: () => number = () => performance.now(),
): Promise<ReadinessReport> {
  const results = await Promise.all(checks.map((check) => runOne(check, timeoutMs, now)));
  const rounded = results.map((r) => ({ ...r, latencyMs: Math.round(r.latencyMs * 10) / 10 }));
  return { status: rounded.every((r) => r.status === 'ok') ? 'ready' : 'not-ready', checks: rounded };
}
