import type { StageHandler, StageOutput } from '../../consumers/stage.js';
import type { Embedder } from '../../embeddings/embedder.js';
import { signatureOfAnomaly, summarizeSignature } from '../../memory/anomaly-summary.js';
import { similarIncidentsOf } from '../../memory/incident-memory.js';
import type { AnomalyEvent } from '../../model/anomaly-event.js';
import type { ContextEvent } from '../../model/context-event.js';
import type { VectorStore } from '../../vector-store/vector-store.js';
import { type CorrelationOptions, correlationKeyFunction } from './correlation-key.js';
import { type BreakerState, createDependencyGuard } from './dependency-guard.js';

/** Schema name of the events the memory stage writes. */
export const CONTEXT_SCHEMA = 'ContextEvent';

/** A monotonic-enough clock, ms. */
export interface Clock {
  now(): number;
}

/** How long the dependencies took for one anomaly, ms (0 when not called). */
export interface MemoryTimings {
  readonly embedMs: number;
  readonly searchMs: number;
}

/** Ports and settings of the memory handler. */
export interface MemoryHandlerOptions {
  readonly embedder: Embedder;
  readonly store: VectorStore;
  readonly clock?: Clock;
  readonly contextsTopic: string;
  /** Similar incidents per context (default 5). */
  readonly topK?: number;
  /** Per-call budget of the embedder, ms (default 2000). */
  readonly embedTimeoutMs?: number;
  /** Per-call budget of the vector search, ms (default 500). */
  readonly searchTimeoutMs?: number;
  /** One breaker per dependency: consecutive failures to open (default 5), open time (default 60000 ms). */
  readonly breaker?: { readonly failuresToOpen?: number; readonly resetTimeoutMs?: number };
  readonly correlation?: CorrelationOptions;
  /** Leave incidents marked false positive out of the search (default true). */
  readonly excludeFalsePositives?: boolean;
  /** Called for every context produced (e.g. metrics, printing); must not throw. */
  readonly onContext?: (event: ContextEvent, timings: MemoryTimings) => void;
}

/** The memory handler plus what the composition root needs to observe and stop it. */
export interface MemoryHandler extends StageHandler<AnomalyEvent, never> {
  /** Breaker state per dependency. */
  breakers(): { readonly embedder: BreakerState; readonly store: BreakerState };
  /** Stops the breakers' timers (idempotent). */
  close(): void;
}

/**
 * The memory stage's logic: summarise the anomaly (deterministic text), embed it, search the vector store
 * for the top-k similar past incidents, and emit a context keyed by the correlation key. Each dependency
 * call has a timeout and its own breaker; a failing, slow or open dependency yields a context with no
 * similar incidents and a `degraded` reason — the handler never throws for a dependency, so a partition
 * never stalls on it.
 */
export function createMemoryHandler(options: MemoryHandlerOptions): MemoryHandler {
  const { embedder, store, contextsTopic } = options;
  const clock = options.clock ?? { now: () => performance.now() };
  const topK = options.topK ?? 5;
  const failuresToOpen = options.breaker?.failuresToOpen ?? 5;
  const resetTimeoutMs = options.breaker?.resetTimeoutMs ?? 60_000;
  const filter = (options.excludeFalsePositives ?? true) ? { falsePositive: false } : undefined;
  const keyOf = correlationKeyFunction(options.correlation);
  const embedGuard = createDependencyGuard({
    name: 'embedder',
    timeoutMs: options.embedTimeoutMs ?? 2000,
    failuresToOpen,
    resetTimeoutMs,
  });
  const searchGuard = createDependencyGuard({
    name: `vector store (${store.backend})`,
    timeoutMs: options.searchTimeoutMs ?? 500,
    failuresToOpen,
    resetTimeoutMs,
  });

  async function contextOf(anomaly: AnomalyEvent): Promise<[ContextEvent, MemoryTimings]> {
    const summaryText = summarizeSignature(signatureOfAnomaly(anomaly));
    const base = { id: anomaly.id, anomaly, correlationKey: keyOf(anomaly), summaryText };
    const t0 = clock.now();
    const embedded = await embedGuard.run(() => embedder.embed([summaryText]));
    const t1 = clock.now();
    if (!embedded.ok) {
      return [
        { ...base, similar: [], degraded: embedded.reason, embeddingModel: '' },
        { embedMs: t1 - t0, searchMs: 0 },
      ];
    }
    const vector = embedded.value[0]!;
    const found = await searchGuard.run(() =>
      store.search(vector, { limit: topK, ...(filter ? { filter } : {}) }),
    );
    const t2 = clock.now();
    const timings = { embedMs: t1 - t0, searchMs: t2 - t1 };
    return found.ok
      ? [
          {
            ...base,
            similar: similarIncidentsOf(found.value),
            degraded: null,
            embeddingModel: embedder.model,
          },
          timings,
        ]
      : [{ ...base, similar: [], degraded: found.reason, embeddingModel: embedder.model }, timings];
  }

  return {
    async process(anomaly): Promise<readonly StageOutput[]> {
      const [event, timings] = await contextOf(anomaly);
      options.onContext?.(event, timings);
      return [{ topic: contextsTopic, key: event.correlationKey, schema: CONTEXT_SCHEMA, value: event }];
    },
    breakers: () => ({ embedder: embedGuard.state, store: searchGuard.state }),
    close() {
      embedGuard.shutdown();
      searchGuard.shutdown();
    },
  };
}
