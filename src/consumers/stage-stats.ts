/**
 * Counters a running stage keeps about itself, read by the metrics bridge on scrape and by `--progress`
 * output. Plain numbers; the runtime only ever increments them (lag and restore progress are gauges).
 */
export interface StageStats {
  readonly stage: string;
  /** Input records seen (including dead-lettered and skipped ones). */
  recordsIn: number;
  /** Output records produced (not counting changelog and dead letters). */
  recordsOut: number;
  deadLettered: number;
  /** Records dropped by a `skip` policy. */
  skipped: number;
  /** Records not re-applied because the restored state already contained them. */
  deduplicated: number;
  batches: number;
  checkpoints: number;
  /** Checkpoints that failed (the batch is re-delivered and the partition state re-restored). */
  checkpointFailures: number;
  /** Retries of retriable errors (registry, broker, handler dependencies). */
  retries: number;
  rebalances: number;
  restores: number;
  restoredRecords: number;
  /** Partitions whose state is being restored right now. */
  restoring: number;
  /** Per partition being restored: changelog records read so far and the records to read in all. */
  readonly restoreProgress: Map<number, { restored: number; readonly total: number }>;
  /** Sum of batch processing time, ms. */
  processingMs: number;
  /** Per partition: records behind the end of the partition after the last batch. */
  readonly lag: Map<number, number>;
  /** Partitions currently assigned to this instance. */
  assigned: number[];
}

/** Fresh zeroed stats for a stage. */
export function createStageStats(stage: string): StageStats {
  return {
    stage,
    recordsIn: 0,
    recordsOut: 0,
    deadLettered: 0,
    skipped: 0,
    deduplicated: 0,
    batches: 0,
    checkpoints: 0,
    checkpointFailures: 0,
    retries: 0,
    rebalances: 0,
    restores: 0,
    restoredRecords: 0,
    restoring: 0,
    restoreProgress: new Map(),
    processingMs: 0,
    lag: new Map(),
    assigned: [],
  };
}

/** Total consumer lag over all assigned partitions. */
export function totalLag(stats: StageStats): number {
  let sum = 0;
  for (const partition of stats.assigned) sum += stats.lag.get(partition) ?? 0;
  return sum;
}
