import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import type { Embedder } from '../embeddings/embedder.js';
import {
  createTransformersEmbedder,
  DEFAULT_EMBEDDING_MODEL,
  MINILM_DIMENSIONS,
} from '../embeddings/transformers-embedder.js';
import { createIncidentMemory, type IncidentMemory } from '../memory/incident-memory.js';
import type { QueryableIncidentStore } from '../storage/incident-store.js';
import { openIncidentStore } from '../storage/open-incident-store.js';
import type { SqlClient } from '../storage/sql-client.js';
import type { VectorStore } from '../vector-store/vector-store.js';
import { incidentStoreTarget } from './act-stage.js';
import { createConfiguredVectorStore } from './memory-stage.js';
import type { PipelinePorts } from './pipeline.js';
import { closeOnce } from './pipeline-stage.js';

/**
 * What the API reads and writes, opened once per process and shared with the stages of the same process
 * (through {@link ApiResources.pipelinePorts}): on the embedded log the incident store and the vector
 * store live in memory, so the API must see the very instances the act and memory stages write.
 */
export interface ApiResources {
  readonly store: QueryableIncidentStore;
  readonly storeClient: SqlClient;
  readonly vectorStore: VectorStore;
  readonly embedder: Embedder;
  readonly memory: IncidentMemory;
  /** Where the incident store lives, for people: `postgres`, `pglite (in memory)` or `pglite (<dir>)`. */
  readonly storeLocation: string;
  /** Pass to `buildPipeline` so the stages use these instead of opening their own. */
  readonly pipelinePorts: PipelinePorts;
  /** Closes what was opened here (idempotent). Call after the stages have stopped. */
  close(): Promise<void>;
}

/** How long the API waits at startup for the vector store's collection before starting without it, ms. */
export const COLLECTION_TIMEOUT_MS = 10_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/**
 * An embedder that loads the model on first use (`vigil run api` starts without it; feedback that needs
 * an embedding loads it then). A failed load is retried at the next use.
 */
export function lazyEmbedder(load: () => Promise<Embedder>, model: string, dimensions: number): Embedder {
  let loading: Promise<Embedder> | undefined;
  const loaded = () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  return {
    model,
    dimensions,
    embed: async (texts) => (await loaded()).embed(texts),
    async close() {
      const current = loading;
      loading = undefined;
      await (await current?.catch(() => undefined))?.close?.();
    },
  };
}

/**
 * Opens the incident store (migrated; `DATABASE_URL`, else PGlite as the act stage would) and the
 * incident memory (configured vector store + embedder). `loadModelNow` loads the embedding model at once
 * (the memory stage runs in this process and needs it; a missing model stops startup with the message
 * saying to run `npm run models:fetch`); otherwise it is loaded on first use.
 */
export async function openApiResources(
  config: AppConfig,
  logger: Logger,
  options: { readonly loadModelNow: boolean },
): Promise<ApiResources> {
  // Closed in the reverse order of opening: each step is put in front.
  const steps: Array<() => unknown> = [];
  const close = closeOnce(steps);
  try {
    const target = incidentStoreTarget(config);
    if (target.kind === 'pglite' && target.dataDir) mkdirSync(target.dataDir, { recursive: true });
    const opened = await openIncidentStore(target);
    steps.unshift(() => opened.store.close());
    const load = () => createTransformersEmbedder({ modelsDir: config.memory.modelsDir });
    const embedder = options.loadModelNow
      ? await load()
      : lazyEmbedder(load, DEFAULT_EMBEDDING_MODEL, MINILM_DIMENSIONS);
    steps.unshift(() => embedder.close?.());
    const vectorStore = await createConfiguredVectorStore(config.memory.vectorStore, embedder.dimensions);
    steps.unshift(() => vectorStore.close());
    // The memory stage does this too when it seeds; the API alone must not depend on it having run.
    await withTimeout(vectorStore.ensureCollection(), COLLECTION_TIMEOUT_MS).catch((error: unknown) => {
      logger.warn(
        { err: error, backend: vectorStore.backend },
        'the incident memory is unavailable: feedback will answer 503 and readiness reports the vector store until it answers',
      );
    });
    return {
      store: opened.store,
      storeClient: opened.client,
      vectorStore,
      embedder,
      memory: createIncidentMemory({ embedder, store: vectorStore }),
      storeLocation:
        target.kind === 'postgres'
          ? 'postgres'
          : target.dataDir
            ? `pglite (${target.dataDir})`
            : 'pglite (in memory)',
      pipelinePorts: { incidentStore: opened.store, embedder, vectorStore },
      close,
    };
  } catch (error) {
    await close().catch((closeError: unknown) =>
      logger.warn({ err: closeError }, 'closing after a failed start'),
    );
    throw error;
  }
}
