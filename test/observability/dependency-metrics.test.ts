import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embeddings/embedder.js';
import {
  createCallTimer,
  timedEmbedder,
  timedFetch,
  timedVectorStore,
} from '../../src/observability/instrumented-ports.js';
import { createVigilMetrics } from '../../src/observability/vigil-metrics.js';
import { DEFAULT_RANKING_WEIGHTS, rankComponents } from '../../src/reasoning/component-ranking.js';
import type { IncidentBook } from '../../src/reasoning/incident.js';
import { groupAnomaly } from '../../src/reasoning/incident-grouping.js';
import { createLlmEngine } from '../../src/reasoning/llm/llm-engine.js';
import type { ReasoningInput } from '../../src/reasoning/reasoning-input.js';
import type { VectorStore } from '../../src/vector-store/vector-store.js';
import { CHECKOUT_INCIDENT, context as contextOf, groupingOptions } from '../reasoning/fixtures.js';
import { captureSpans } from '../support/span-capture.js';

function incidentInput(): ReasoningInput {
  let book: IncidentBook | undefined;
  let result!: ReturnType<typeof groupAnomaly>;
  for (const spec of CHECKOUT_INCIDENT) {
    result = groupAnomaly(book, contextOf(spec), groupingOptions());
    book = result.book;
  }
  const { incident } = result;
  const rankedComponents = rankComponents(incident.anomalies, {
    weights: DEFAULT_RANKING_WEIGHTS,
    onsetHorizonMs: 300_000,
  });
  return { incident, rankedComponents, similar: [] };
}

const embedder: Embedder = {
  model: 'fake',
  dimensions: 2,
  embed: async (texts) => texts.map(() => Float32Array.from([1, 0])),
};

const failingStore: VectorStore = {
  dimensions: 2,
  backend: 'fake',
  ensureCollection: async () => {},
  upsert: async () => {},
  get: async () => [],
  search: async () => {
    throw new Error('connection refused');
  },
  close: async () => {},
};

describe('dependency metrics', () => {
  it('time calls by dependency, operation and outcome, with a fixed clock', async () => {
    const metrics = createVigilMetrics();
    let t = 0;
    const time = createCallTimer(metrics.dependencies, undefined, () => (t += 250));
    await timedEmbedder(embedder, time).embed(['a']);
    await expect(timedVectorStore(failingStore, time).search([1, 0], { limit: 1 })).rejects.toThrow(
      /refused/,
    );
    const fetchStub = (async () => new Response('{}', { status: 503 })) as typeof fetch;
    await timedFetch(fetchStub, 'notifier', time)('https://hooks.slack.com/x', { method: 'post' });
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'vigil_dependency_call_duration_seconds_sum{dependency="embedder",operation="embed",outcome="ok"} 0.25',
    );
    expect(text).toContain(
      'vigil_dependency_call_duration_seconds_count{dependency="vector_store",operation="search",outcome="error"} 1',
    );
    expect(text).toContain(
      'vigil_dependency_call_duration_seconds_count{dependency="notifier",operation="POST hooks.slack.com",outcome="ok"} 1',
    );
  });

  it('run each call in a client span, a child of the active span, when tracing is on', async () => {
    const capture = captureSpans();
    try {
      const time = createCallTimer(undefined, capture.tracing.tracer);
      const parent = capture.tracing.tracer!.startSpan('memory process');
      const { context, trace } = await import('@opentelemetry/api');
      await context.with(trace.setSpan(context.active(), parent), () =>
        timedEmbedder(embedder, time).embed(['x']),
      );
      parent.end();
      const embed = capture.spans().find((s) => s.name === 'embedder embed')!;
      expect(embed.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    } finally {
      await capture.tracing.shutdown();
    }
  });

  it('export breaker states one-hot and count the LLM breaker transitions', async () => {
    const metrics = createVigilMetrics();
    let state: 'closed' | 'open' | 'half-open' = 'closed';
    metrics.dependencies.watchBreaker('vector_store', () => state);
    const llm = createLlmEngine({
      provider: 'openai',
      baseUrl: 'http://127.0.0.1:9',
      model: 'm',
      apiKey: 'k',
      apiKeyEnv: 'K',
      timeoutMs: 100,
      budgetMs: 1000,
      maxTokens: 10,
      breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 },
      retry: { tries: 1, baseDelayMs: 1, maxDelayMs: 1 },
      fetch: (async () => new Response('down', { status: 500 })) as typeof fetch,
      onBreakerStateChange: (s) => metrics.dependencies.breakerChanged('llm', s),
    });
    metrics.dependencies.watchBreaker('llm', () => llm.state);
    try {
      const outcome = await llm.hypothesize(incidentInput(), []);
      expect(outcome.ok).toBe(false);
      state = 'half-open';
      const text = await metrics.registry.metrics();
      expect(text).toContain('vigil_circuit_breaker_state{dependency="llm",state="open"} 1');
      expect(text).toContain('vigil_circuit_breaker_state{dependency="llm",state="closed"} 0');
      expect(text).toContain('vigil_circuit_breaker_state{dependency="vector_store",state="half-open"} 1');
      expect(text).toContain('vigil_circuit_breaker_state{dependency="vector_store",state="open"} 0');
      expect(text).toContain('vigil_circuit_breaker_transitions_total{dependency="llm",state="open"} 1');
    } finally {
      llm.shutdown();
    }
  });

  it('export a connection pool as idle / in-use connections, waiting requests and its size', async () => {
    const metrics = createVigilMetrics();
    const pool = { totalCount: 5, idleCount: 0, waitingCount: 3, options: { max: 5 } };
    metrics.dependencies.watchPool('incident-store', pool);
    const text = await metrics.registry.metrics();
    expect(text).toContain('vigil_db_pool_connections{pool="incident-store",state="in_use"} 5');
    expect(text).toContain('vigil_db_pool_connections{pool="incident-store",state="idle"} 0');
    expect(text).toContain('vigil_db_pool_waiting_requests{pool="incident-store"} 3');
    expect(text).toContain('vigil_db_pool_max_connections{pool="incident-store"} 5');
  });
});
