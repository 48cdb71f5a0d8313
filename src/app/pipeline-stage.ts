import type { StageRunner } from '../consumers/stage-runner.js';

/** The stages `vigil run` knows, in pipeline order. */
export const STAGE_NAMES = ['detect', 'memory', 'reason', 'act'] as const;

/** One stage of the pipeline. */
export type StageName = (typeof STAGE_NAMES)[number];

/** A stage built by the composition root: its runner plus the resources its handler holds. */
export interface PipelineStage {
  readonly name: StageName;
  /** Consumer group (each stage has its own). */
  readonly groupId: string;
  readonly inputTopic: string;
  readonly runner: StageRunner;
  /**
   * Releases what the handler holds (breakers, model, connections). Call after `runner.stop()`.
   * Idempotent.
   */
  shutdown(): Promise<void>;
}

/** Runs every close step even when one fails; rethrows the first failure afterwards. Idempotent wrapper. */
export function closeOnce(steps: ReadonlyArray<() => unknown>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= (async () => {
      let first: unknown;
      for (const step of steps) {
        try {
          await step();
        } catch (error) {
          first ??= error;
        }
      }
      if (first !== undefined) throw first;
    })();
    return done;
  };
}
