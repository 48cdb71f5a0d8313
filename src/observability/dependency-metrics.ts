import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The external dependencies whose calls are timed. */
export type DependencyName = 'embedder' | 'vector_store' | 'llm' | 'notifier' | 'database';

/** Circuit breaker states (opossum). */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** The states of {@link BreakerState}, in the order the state gauge lists them. */
export const BREAKER_STATES: readonly BreakerState[] = Object.freeze(['closed', 'half-open', 'open']);

/** Buckets of the dependency call histogram, seconds (1 ms … 30 s). */
export const DEPENDENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
]);

/** What a connection pool shows about itself; `pg.Pool` has exactly these fields. */
export interface PoolStatsSource {
  readonly totalCount: number;
  readonly idleCount: number;
  /** Requests waiting for a connection: non-zero means every connection is in use. */
  readonly waitingCount: number;
  readonly options?: { readonly max?: number | undefined };
}

/** Metrics of the dependencies a process calls. */
export interface DependencyMetrics {
  /** Records one call: its dependency, operation (e.g. `embed`, `search`, `POST api.openai.com`) and outcome. */
  observeCall(dependency: DependencyName, operation: string, outcome: 'ok' | 'error', seconds: number): void;
  /** Reads a breaker's state at every scrape (`vigil_circuit_breaker_state`). */
  watchBreaker(dependency: string, state: () => BreakerState): void;
  /** Counts a breaker transition as it happens (`vigil_circuit_breaker_transitions_total`). */
  breakerChanged(dependency: string, state: BreakerState): void;
  /** Reads a connection pool's counts at every scrape (`vigil_db_pool_*`). */
  watchPool(pool: string, source: PoolStatsSource): void;
}

/**
 * Registers the dependency metrics on `registry`: `vigil_dependency_call_duration_seconds{dependency,
 * operation, outcome}`, `vigil_circuit_breaker_state{dependency, state}` (1 for the current state, 0 for
 * the others), `vigil_circuit_breaker_transitions_total{dependency, state}`,
 * `vigil_db_pool_connections{pool, state=idle|in_use}`, `vigil_db_pool_waiting_requests{pool}` and
 * `vigil_db_pool_max_connections{pool}`.
 */
export function registerDependencyMetrics(registry: Registry): DependencyMetrics {
  const calls = new Histogram({
    name: 'vigil_dependency_call_duration_seconds',
    help: 'Duration of calls to external dependencies (embedder, vector store, LLM, notifiers, database)',
    labelNames: ['dependency', 'operation', 'outcome'],
    buckets: [...DEPENDENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  const breakers = new Map<string, () => BreakerState>();
  new Gauge({
    name: 'vigil_circuit_breaker_state',
    help: 'Circuit breaker state per dependency: 1 for the current state (closed, half-open, open), 0 otherwise',
    labelNames: ['dependency', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [dependency, read] of breakers) {
        const current = read();
        for (const state of BREAKER_STATES) this.set({ dependency, state }, state === current ? 1 : 0);
      }
    },
  });
  const transitions = new Counter({
    name: 'vigil_circuit_breaker_transitions_total',
    help: 'Circuit breaker transitions per dependency and state entered',
    labelNames: ['dependency', 'state'],
    registers: [registry],
  });
  const pools = new Map<string, PoolStatsSource>();
  new Gauge({
    name: 'vigil_db_pool_connections',
    help: 'Database pool connections by state (idle, in_use)',
    labelNames: ['pool', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [pool, source] of pools) {
        this.set({ pool, state: 'idle' }, source.idleCount);
        this.set({ pool, state: 'in_use' }, Math.max(0, source.totalCount - source.idleCount));
      }
    },
  });
  new Gauge({
    name: 'vigil_db_pool_waiting_requests',
    help: 'Requests waiting for a database pool connection (non-zero: the pool is exhausted)',
    labelNames: ['pool'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [pool, source] of pools) this.set({ pool }, source.waitingCount);
    },
  });
  new Gauge({
    name: 'vigil_db_pool_max_connections',
    help: 'Configured size of each database pool',
    labelNames: ['pool'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [pool, source] of pools) {
        const max = source.options?.max;
        if (max !== undefined) this.set({ pool }, max);
      }
    },
  });
  return {
    observeCall(dependency, operation, outcome, seconds) {
      calls.observe({ dependency, operation, outcome }, seconds);
    },
    watchBreaker(dependency, state) {
      breakers.set(dependency, state);
    },
    breakerChanged(dependency, state) {
      transitions.inc({ dependency, state });
    },
    watchPool(pool, source) {
      pools.set(pool, source);
    },
  };
}
