/**
 * Port decorators that time every call to an external dependency (histogram by dependency, operation and
 * outcome) and, with tracing on, run it in a client span, a child of the record's span. They change
 * nothing else: results, errors and `close()` pass through untouched.
 */
import { context, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { Embedder } from '../embeddings/embedder.js';
import type { IncidentStore } from '../storage/incident-store.js';
import type { VectorStore } from '../vector-store/vector-store.js';
import type { DependencyMetrics, DependencyName } from './dependency-metrics.js';

/** Runs `call` as one timed call of `dependency`/`operation`. */
export type CallTimer = <T>(
  dependency: DependencyName,
  operation: string,
  call: () => Promise<T>,
) => Promise<T>;

/**
 * A call timer reporting to `metrics` and, when `tracer` is given, wrapping each call in a
 * `<dependency> <operation>` client span. `clock` in ms (default `performance.now`).
 */
export function createCallTimer(
  metrics: DependencyMetrics | undefined,
  tracer: Tracer | undefined,
  clock: () => number = () => performance.now(),
): CallTimer {
  return async (dependency, operation, call) => {
    const parent = context.active();
    const span = tracer?.startSpan(
      `${dependency} ${operation}`,
      { kind: SpanKind.CLIENT, attributes: { 'vigil.dependency': dependency } },
      parent,
    );
    const started = clock();
    try {
      const result = await (span ? context.with(trace.setSpan(parent, span), call) : call());
      metrics?.observeCall(dependency, operation, 'ok', (clock() - started) / 1000);
      return result;
    } catch (error) {
      metrics?.observeCall(dependency, operation, 'error', (clock() - started) / 1000);
      span?.recordException(error instanceof Error ? error : String(error));
      span?.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span?.end();
    }
  };
}

/** The embedder with `embed` timed as `embedder`/`embed`. */
export function timedEmbedder(embedder: Embedder, time: CallTimer): Embedder {
  return {
    model: embedder.model,
    dimensions: embedder.dimensions,
    embed: (texts) => time('embedder', 'embed', () => embedder.embed(texts)),
    ...(embedder.close ? { close: () => embedder.close!() } : {}),
  };
}

/** The vector store with every call but `close` timed as `vector_store`/<method>. */
export function timedVectorStore(store: VectorStore, time: CallTimer): VectorStore {
  return {
    dimensions: store.dimensions,
    backend: store.backend,
    ensureCollection: () => time('vector_store', 'ensureCollection', () => store.ensureCollection()),
    upsert: (items) => time('vector_store', 'upsert', () => store.upsert(items)),
    get: (ids) => time('vector_store', 'get', () => store.get(ids)),
    search: (vector, options) => time('vector_store', 'search', () => store.search(vector, options)),
    close: () => store.close(),
  };
}

/** The incident store with every call but `close` timed as `database`/<method>. */
export function timedIncidentStore(store: IncidentStore, time: CallTimer): IncidentStore {
  return {
    recordHypothesisEvent: (event) =>
      time('database', 'recordHypothesisEvent', () => store.recordHypothesisEvent(event)),
    recordActions: (actions) => time('database', 'recordActions', () => store.recordActions(actions)),
    setIncidentStatus: (id, status) =>
      time('database', 'setIncidentStatus', () => store.setIncidentStatus(id, status)),
    listIncidents: (query) => time('database', 'listIncidents', () => store.listIncidents(query)),
    incidentTimeline: (id) => time('database', 'incidentTimeline', () => store.incidentTimeline(id)),
    close: () => store.close(),
  };
}

function hostOf(input: string | URL | Request): string {
  try {
    return new URL(typeof input === 'string' || input instanceof URL ? input : input.url).host;
  } catch {
    return 'unknown';
  }
}

/**
 * `fetch` timed as `dependency`/`<METHOD> <host>` (until the response headers arrive; a failed request or
 * a timeout counts as `error`, an HTTP error status as `ok` — the caller judges the status).
 */
export function timedFetch(fetchFn: typeof fetch, dependency: DependencyName, time: CallTimer): typeof fetch {
  return ((input: string | URL | Request, init?: RequestInit) =>
    time(dependency, `${(init?.method ?? 'GET').toUpperCase()} ${hostOf(input)}`, () =>
      fetchFn(input, init),
    )) as typeof fetch;
}
