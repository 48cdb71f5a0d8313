import type { Logger } from 'pino';
import { memoryBinding } from '../agents/memory/memory-binding.js';
import type { MemoryHandler, MemoryHandlerOptions } from '../agents/memory/memory-handler.js';
import type { AppConfig } from '../config/app-config.js';
import type { LogBackend } from '../consumers/log-port.js';
import type { Embedder } from '../embeddings/embedder.js';
import { createTransformersEmbedder } from '../embeddings/transformers-embedder.js';
import { createIncidentMemory } from '../memory/incident-memory.js';
import { loadIncidentsFile, SAMPLE_INCIDENTS_FILE } from '../memory/incidents-file.js';
import { createCallTimer, timedEmbedder, timedVectorStore } from '../observability/instrumented-ports.js';
import type { Tracing } from '../observability/tracing.js';
import type { VigilMetrics } from '../observability/vigil-metrics.js';
import { createPgliteClient } from '../vector-store/pglite-client.js';
import { createPgvectorStore } from '../vector-store/pgvector-store.js';
import { createPostgresClient } from '../vector-store/postgres-client.js';
import { createQdrantVectorStore } from '../vector-store/qdrant-store.js';
import type { VectorStore } from '../vector-store/vector-store.js';
import type { Codecs } from './codecs.js';
import { createConfiguredRunner } from './configured-runner.js';
import { closeOnce, type PipelineStage } from './pipeline-stage.js';

/** The memory stage has no failure-policy setting: undecodable anomalies are dead-lettered. */
const MEMORY_FAILURE_POLICY = Object.freeze({
  decode: 'dead-letter',
  handler: 'dead-letter',
  produce: 'retry',
} as const);

/** How long the first-start seeding may take before the stage starts without it, ms. */
export const SEED_TIMEOUT_MS = 60_000;

/**
 * What the memory stage is built from; `embedder` and `vectorStore` replace the configured ones (they stay
 * open after `shutdown`: the caller owns them).
 */
export interface MemoryStageDeps {
  readonly config: AppConfig;
  readonly backend: LogBackend;
  readonly codecs: Codecs;
  readonly logger: Logger;
  readonly embedder?: Embedder;
  readonly vectorStore?: VectorStore;
  readonly onContext?: MemoryHandlerOptions['onContext'];
  /** Record spans and dependency call spans (off when absent or disabled). */
  readonly tracing?: Tracing | undefined;
  /** Stage metrics, embedder and vector store call latencies, breaker states. */
  readonly metrics?: VigilMetrics | undefined;
}

/** The memory stage plus its handler (breaker states). */
export interface MemoryStage extends PipelineStage {
  readonly handler: MemoryHandler;
  /** Outcome of seeding the incident memory at startup. */
  readonly seeded: { readonly added: number; readonly skipped: number } | { readonly error: string };
}

/** The vector store `memory.vectorStore` asks for (not yet used: `ensureCollection` comes with the seed). */
export async function createConfiguredVectorStore(
  settings: AppConfig['memory']['vectorStore'],
  dimensions: number,
): Promise<VectorStore> {
  switch (settings.backend) {
    case 'qdrant':
      return createQdrantVectorStore({
        url: settings.qdrantUrl!,
        collection: settings.collection,
        dimensions,
        indexedFields: { falsePositive: 'bool' },
      });
    case 'postgres':
      return createPgvectorStore({
        client: createPostgresClient({ connectionString: settings.postgresUrl! }),
        table: settings.table,
        dimensions,
        backend: 'pgvector(postgres)',
      });
    default:
      return createPgvectorStore({
        client: await createPgliteClient(settings.dataDir),
        table: settings.table,
        dimensions,
        backend: 'pgvector(pglite)',
      });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/**
 * Builds the memory stage (not started): loads the embedding model (a missing model stops startup with
 * `VIGIL_ERR_EMBEDDINGS_MODEL_MISSING`, which says to run `npm run models:fetch`), opens the vector
 * store and seeds the incident memory from `memory.incidentsFile` (default: the shipped sample). Seeding
 * is idempotent: only incidents not yet stored are embedded. A vector store that is down does not stop
 * the stage: it starts, logs a warning, and its contexts say `degraded` until the store answers.
 */
export async function createMemoryStage(deps: MemoryStageDeps): Promise<MemoryStage> {
  const { config, backend, codecs, logger } = deps;
  const settings = config.memory;
  const names = config.topics.names;
  const log = logger.child({ stage: 'memory' });
  const incidents = loadIncidentsFile(settings.incidentsFile ?? SAMPLE_INCIDENTS_FILE);
  const embedder = deps.embedder ?? (await createTransformersEmbedder({ modelsDir: settings.modelsDir }));
  let store: VectorStore;
  try {
    store =
      deps.vectorStore ?? (await createConfiguredVectorStore(settings.vectorStore, embedder.dimensions));
  } catch (error) {
    if (!deps.embedder) await embedder.close?.();
    throw error;
  }
  // Calls are timed (and traced) through decorators; the originals are what shutdown closes.
  const time = createCallTimer(deps.metrics?.dependencies, deps.tracing?.tracer);
  const observed = deps.metrics !== undefined || deps.tracing?.tracer !== undefined;
  const embedCalls = observed ? timedEmbedder(embedder, time) : embedder;
  const storeCalls = observed ? timedVectorStore(store, time) : store;
  let seeded: MemoryStage['seeded'];
  try {
    const result = await withTimeout(
      createIncidentMemory({ embedder: embedCalls, store: storeCalls }).seed(incidents),
      SEED_TIMEOUT_MS,
      'seeding the incident memory',
    );
    seeded = { added: result.added.length, skipped: result.skipped.length };
    log.info({ ...seeded, backend: store.backend }, 'incident memory seeded');
  } catch (error) {
    seeded = { error: (error as Error).message };
    log.warn(
      { err: error, backend: store.backend },
      'incident memory not seeded: the vector store is unavailable; contexts carry "degraded" until it answers (seeding runs again at the next start)',
    );
  }
  const binding = memoryBinding({
    groupId: settings.groupId,
    anomaliesTopic: names.anomalies,
    deadLetterTopic: names.anomaliesDeadLetter,
    contextsTopic: names.contexts,
    decoder: codecs.eventDecoder,
    failurePolicy: MEMORY_FAILURE_POLICY,
    embedder: embedCalls,
    store: storeCalls,
    topK: settings.topK,
    embedTimeoutMs: settings.embedTimeoutMs,
    searchTimeoutMs: settings.searchTimeoutMs,
    breaker: settings.breaker,
    correlation: settings.correlation,
    excludeFalsePositives: settings.excludeFalsePositives,
    ...(deps.onContext ? { onContext: deps.onContext } : {}),
  });
  const runner = createConfiguredRunner({
    config,
    backend,
    binding,
    codecs,
    logger,
    tracing: deps.tracing,
    metrics: deps.metrics,
  });
  deps.metrics?.dependencies.watchBreaker('embedder', () => binding.handler.breakers().embedder);
  deps.metrics?.dependencies.watchBreaker('vector_store', () => binding.handler.breakers().store);
  return {
    name: 'memory',
    groupId: settings.groupId,
    inputTopic: names.anomalies,
    runner,
    handler: binding.handler,
    seeded,
    // Injected ports belong to the caller; only what was opened here is closed.
    shutdown: closeOnce([
      () => binding.handler.close(),
      () => (deps.vectorStore ? undefined : store.close()),
      () => (deps.embedder ? undefined : embedder.close?.()),
    ]),
  };
}
