import { Registry } from 'prom-client';
import type { StageStats } from '../consumers/stage-stats.js';
import type { StageObserver } from '../consumers/stage-telemetry.js';
import { type DependencyMetrics, registerDependencyMetrics } from './dependency-metrics.js';
import { registerStageLatencies, registerStageStats } from './stage-metrics.js';

/** The Prometheus metrics of one process: stages, their latencies, and the dependencies they call. */
export interface VigilMetrics {
  /** Serve it on `/metrics` (the API's route or `vigil run --metrics-port`). */
  readonly registry: Registry;
  readonly dependencies: DependencyMetrics;
  /** The observer a stage's runner reports checkpoint and restore latencies to. */
  stageObserver(stage: string): StageObserver;
  /** Exports a running stage's counters and gauges (read from its stats at scrape time). */
  trackStage(stats: StageStats): void;
}

/**
 * Creates the process's metrics on `registry` (default: a new one). Per-record work stays out of the
 * stages' hot path: counters are read from the stats at scrape time and latencies observed per checkpoint.
 */
export function createVigilMetrics(registry: Registry = new Registry()): VigilMetrics {
  const stages: StageStats[] = [];
  registerStageStats(registry, () => stages);
  const stageObserver = registerStageLatencies(registry);
  const dependencies = registerDependencyMetrics(registry);
  return {
    registry,
    dependencies,
    stageObserver,
    trackStage(stats) {
      if (!stages.includes(stats)) stages.push(stats);
    },
  };
}
