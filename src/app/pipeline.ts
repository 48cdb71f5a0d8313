import type { Logger } from 'pino';
import type { DeliveryHooks } from '../actions/notifiers/create-notifiers.js';
import type { MemoryHandlerOptions } from '../agents/memory/memory-handler.js';
import type { ReasonHandlerOptions } from '../agents/reason/reason-handler.js';
import type { AppConfig } from '../config/app-config.js';
import type { LogBackend } from '../consumers/log-port.js';
import type { Embedder } from '../embeddings/embedder.js';
import type { AnomalyEvent } from '../model/anomaly-event.js';
import type { Tracing } from '../observability/tracing.js';
import type { VigilMetrics } from '../observability/vigil-metrics.js';
import type { IncidentStore } from '../storage/incident-store.js';
import type { VectorStore } from '../vector-store/vector-store.js';
import { type ActStage, createActStage } from './act-stage.js';
import type { Codecs } from './codecs.js';
import { createDetectStage } from './detect-stage.js';
import { createLogBackend } from './log-backend.js';
import { createMemoryStage, type MemoryStage } from './memory-stage.js';
import { closeOnce, type PipelineStage, STAGE_NAMES, type StageName } from './pipeline-stage.js';
import { createReasonStage, type ReasonStage } from './reason-stage.js';

/** Ports that replace the configured adapters (tests, embedding Vigil in another program); the caller closes them. */
export interface PipelinePorts {
  readonly embedder?: Embedder;
  readonly vectorStore?: VectorStore;
  readonly incidentStore?: IncidentStore;
  readonly llmFetch?: typeof fetch;
  readonly notifierHooks?: DeliveryHooks;
}

/** Callbacks on what the stages produce (must not throw). */
export interface PipelineObservers {
  readonly onAnomaly?: (event: AnomalyEvent) => void;
  readonly onContext?: MemoryHandlerOptions['onContext'];
  readonly onHypothesis?: ReasonHandlerOptions['onHypothesis'];
}

/** What {@link buildPipeline} needs. */
export interface PipelineDeps {
  readonly config: AppConfig;
  readonly backend: LogBackend;
  readonly codecs: Codecs;
  readonly logger: Logger;
  /** The stages this process runs (each in its own consumer group), e.g. `['memory']` or all four. */
  readonly stages: readonly StageName[];
  readonly ports?: PipelinePorts;
  readonly observers?: PipelineObservers;
  /** The process's tracing (`startTracing`); absent or off: no spans and no per-record tracing work. */
  readonly tracing?: Tracing;
  /** Where every stage's metrics go (`createVigilMetrics`); absent: none are exported. */
  readonly metrics?: VigilMetrics;
}

/** The stages of one process, built and ready to start. */
export interface Pipeline {
  /** In pipeline order. */
  readonly stages: readonly PipelineStage[];
  readonly memory: MemoryStage | undefined;
  readonly reason: ReasonStage | undefined;
  readonly act: ActStage | undefined;
  /** Starts every stage (joins their groups). */
  start(): Promise<void>;
  /** Stops every stage (checkpoint, leave the group), then closes the handlers' resources. Idempotent. */
  stop(): Promise<void>;
  /** Resolves with the first error that stops a stage on its own. */
  readonly failed: Promise<Error>;
}

/** Parses `detect | memory | reason | act | all` into the stages to run. */
export function stagesOf(name: string): readonly StageName[] {
  if (name === 'all') return STAGE_NAMES;
  if ((STAGE_NAMES as readonly string[]).includes(name)) return [name as StageName];
  throw new Error(`unknown stage ${JSON.stringify(name)}; stages: ${[...STAGE_NAMES, 'all'].join(', ')}`);
}

/**
 * The composition root of the stages: builds what the chosen stages need and nothing more (no model is
 * loaded for `vigil run reason`, no database is opened for `vigil run memory`). Everything is built before
 * any stage joins its group, so a configuration problem (missing model, bad policy reference, refused
 * webhook host, unreachable database) stops startup before any record is consumed; whatever was already
 * opened is closed again.
 */
export async function buildPipeline(deps: PipelineDeps): Promise<Pipeline> {
  const { config, backend, codecs, logger, ports = {}, observers = {}, tracing, metrics } = deps;
  const wanted = new Set(deps.stages);
  const built: PipelineStage[] = [];
  // On Kafka each stage gets its own client (connections, admin): the stages stay isolated from each
  // other, and kafkajs' admin metadata cache is not safe for concurrent offset queries on several topics
  // (it can answer with no partitions: "Cannot destructure property 'partitions' of 'low.pop(...)'").
  // The embedded log is one in-process log: every stage shares it.
  const ownBackends: LogBackend[] = [];
  const backendForStage = (): LogBackend => {
    if (backend.kind !== 'kafka') return backend;
    const own = createLogBackend(config, logger);
    ownBackends.push(own);
    return own;
  };
  /** What every stage factory takes; each call gives the stage its own backend on Kafka. */
  const stageDeps = () => ({ config, backend: backendForStage(), codecs, logger, tracing, metrics });
  let memory: MemoryStage | undefined;
  let reason: ReasonStage | undefined;
  let act: ActStage | undefined;
  try {
    if (wanted.has('detect')) {
      const runner = createDetectStage({
        ...stageDeps(),
        ...(observers.onAnomaly ? { onAnomaly: observers.onAnomaly } : {}),
      });
      built.push({
        name: 'detect',
        groupId: config.detect.groupId,
        inputTopic: config.topics.names.metrics,
        runner,
        shutdown: async () => {},
      });
    }
    if (wanted.has('memory')) {
      memory = await createMemoryStage({
        ...stageDeps(),
        ...(ports.embedder ? { embedder: ports.embedder } : {}),
        ...(ports.vectorStore ? { vectorStore: ports.vectorStore } : {}),
        ...(observers.onContext ? { onContext: observers.onContext } : {}),
      });
      built.push(memory);
    }
    if (wanted.has('reason')) {
      reason = createReasonStage({
        ...stageDeps(),
        ...(ports.llmFetch ? { llmFetch: ports.llmFetch } : {}),
        ...(observers.onHypothesis ? { onHypothesis: observers.onHypothesis } : {}),
      });
      built.push(reason);
    }
    if (wanted.has('act')) {
      act = await createActStage({
        ...stageDeps(),
        ...(ports.incidentStore ? { incidentStore: ports.incidentStore } : {}),
        ...(ports.notifierHooks ? { notifierHooks: ports.notifierHooks } : {}),
      });
      built.push(act);
    }
  } catch (error) {
    await Promise.allSettled(built.map((s) => s.shutdown()));
    await Promise.allSettled(ownBackends.map((b) => b.close()));
    throw error;
  }
  const stages = STAGE_NAMES.flatMap((name) => built.filter((s) => s.name === name));
  const stop = closeOnce([
    // Downstream first would leave upstream outputs unconsumed for longer; order does not matter for
    // correctness (each stage checkpoints its own batch), so stop them together.
    () => Promise.all(stages.map((s) => s.runner.stop())),
    ...stages.map((s) => () => s.shutdown()),
    ...ownBackends.map((b) => () => b.close()),
  ]);
  return {
    stages,
    memory,
    reason,
    act,
    async start() {
      for (const stage of stages) await stage.runner.start();
    },
    stop,
    failed: Promise.race(stages.map((s) => s.runner.failed)),
  };
}
