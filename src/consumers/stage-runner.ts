import type { Logger } from 'pino';
import { deadLetterHeaders } from '../codec/dead-letter-headers.js';
import { isRebalancing, isRetriable, VigilError } from '../errors.js';
import type {
  BatchControl,
  GroupConsumer,
  GroupConsumerOptions,
  LogBackend,
  LogProducer,
  LogRecord,
  OutgoingRecord,
  PartitionBatch,
  TopicPartition,
} from './log-port.js';
import { PartitionState } from './partition-state.js';
import type { FailureAction, StageBinding, StageOutput } from './stage.js';
import { createStageStats, type StageStats } from './stage-stats.js';
import {
  type Correlation,
  correlationHeaders,
  correlationOfHeaders,
  correlationOfRecord,
  mergeCorrelation,
  type OutputCorrelator,
  type RecordSpan,
  type StageObserver,
  type StageTracer,
} from './stage-telemetry.js';

/** Tunables of the runner, with defaults in {@link DEFAULT_RUNNER_TUNING}. */
export interface RunnerTuning {
  /** Heartbeat after this many records within a batch. */
  readonly heartbeatEveryRecords: number;
  /** Checkpoint within a long batch after this many records. */
  readonly maxRecordsPerCheckpoint: number;
  /** In-place retries of a retriable error before the partition is paused. */
  readonly inlineRetries: number;
  /** First backoff between retries / pause length, ms; doubles up to `maxBackoffMs`. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /**
   * Bytes fetched per partition per batch. A batch is the unit of a checkpoint (one transaction), so
   * larger batches mean fewer transactions and fewer changelog snapshots per input record.
   */
  readonly maxBytesPerPartition: number;
  /** Bytes fetched per request over all partitions. */
  readonly maxBytesPerFetch: number;
  /** Partitions processed at the same time (each has its own state and producer). */
  readonly partitionsConcurrently: number;
}

/** Defaults of {@link RunnerTuning}. */
export const DEFAULT_RUNNER_TUNING: RunnerTuning = Object.freeze({
  heartbeatEveryRecords: 500,
  maxRecordsPerCheckpoint: 20_000,
  inlineRetries: 3,
  initialBackoffMs: 100,
  maxBackoffMs: 30_000,
  maxBytesPerPartition: 8 * 1024 * 1024,
  maxBytesPerFetch: 64 * 1024 * 1024,
  partitionsConcurrently: 3,
});

/** Everything a stage runner needs. */
export interface StageRunnerOptions<In, S> {
  readonly backend: LogBackend;
  readonly binding: StageBinding<In, S>;
  /** Encodes a handler output's value (registry or single-object framing). */
  readonly encodeOutput: (output: StageOutput) => Promise<Buffer>;
  /**
   * Exactly-once: outputs, changelog entries, dead letters and the offset commit of a batch go in one
   * transaction per input partition (transactional id `<group>.<topic>.<partition>`). Otherwise
   * at-least-once: produce, then commit, with source offsets in the changelog preventing double-applies.
   */
  readonly exactlyOnce: boolean;
  readonly logger: Logger;
  readonly consumer?: Partial<Omit<GroupConsumerOptions, 'groupId' | 'topics'>>;
  readonly tuning?: Partial<RunnerTuning>;
  /** Wall clock for dead-letter timestamps. */
  readonly now?: () => number;
  /** Traces each input record that carries a trace context (absent: tracing off, no per-record work). */
  readonly tracer?: StageTracer;
  /** Receives checkpoint and restore latencies (metrics). */
  readonly observer?: StageObserver;
  /**
   * Reads the correlation an output establishes (a new anomaly's id, an incident id). Outputs carry it,
   * completed with the input's, in the `vigil.correlation-id` / `vigil.incident-id` headers.
   */
  readonly correlate?: OutputCorrelator;
}

/** A running stage. */
export interface StageRunner {
  readonly stats: StageStats;
  /** Joins the group and starts processing; resolves once the consumer has started. */
  start(): Promise<void>;
  /**
   * Finishes and checkpoints the batch in flight, leaves the group, closes producers. Idempotent.
   */
  stop(): Promise<void>;
  /** Resolves when the stage stops on its own because of a `fail` policy or a crash. */
  readonly failed: Promise<Error>;
}

/** Per input partition: its state, its producer (exactly-once) and where it stands. */
interface PartitionTask<S> {
  readonly state: PartitionState<S>;
  readonly producer: LogProducer;
  /** The stage's logger bound to this partition. */
  readonly log: Logger;
  /** Group's committed offset when the task was (re)built; records before it were already done. */
  readonly committedAtStart: number;
  pausedUntilMs: number;
  backoffMs: number;
}

/** Why a batch loop stopped before the end of its records. */
type Interruption = { readonly kind: 'rebalance' } | { readonly kind: 'pause'; readonly error: unknown };

/** Code of the error raised when writing a checkpoint fails. */
export const CHECKPOINT_FAILED = 'VIGIL_ERR_STAGE_CHECKPOINT';
/** Code of the error that stops a stage because a `fail` policy applied. */
export const STAGE_FAILED = 'VIGIL_ERR_STAGE_FAILED';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs one stage over the event log: consumer group, decode, handler dispatch, dead letters, keyed
 * state restored from the changelog before a partition is processed, and checkpoints in the order
 * outputs → changelog → (flush) → offsets, inside one transaction in exactly-once mode.
 */
export function createStageRunner<In, S>(options: StageRunnerOptions<In, S>): StageRunner {
  const { backend, binding, logger, exactlyOnce, tracer, observer, correlate } = options;
  const tuning: RunnerTuning = { ...DEFAULT_RUNNER_TUNING, ...options.tuning };
  const now = options.now ?? Date.now;
  const stats = createStageStats(binding.name);
  const log = logger.child({ stage: binding.name, topic: binding.inputTopic });
  /** Read once: the per-record debug line costs nothing when debug is off. */
  const debugEnabled = log.isLevelEnabled('debug');
  const admin = backend.admin();
  const tasks = new Map<number, PartitionTask<S>>();
  const building = new Map<number, Promise<PartitionTask<S>>>();
  let sharedProducer: Promise<LogProducer> | undefined;
  let consumer: GroupConsumer | undefined;
  let stopping: Promise<void> | undefined;
  let reportFailure: (error: Error) => void = () => {};
  const failed = new Promise<Error>((resolve) => {
    reportFailure = resolve;
  });

  /** Exactly-once producers created as soon as a partition is assigned (fencing early, in parallel). */
  const earlyProducers = new Map<number, Promise<LogProducer>>();

  const producerFor = (partition: number): Promise<LogProducer> => {
    if (exactlyOnce) {
      return backend.producer({ transactionalId: `${binding.groupId}.${binding.inputTopic}.${partition}` });
    }
    sharedProducer ??= backend.producer();
    return sharedProducer;
  };

  /**
   * Builds a partition's task: first the producer (in exactly-once mode its initialisation fences any
   * previous owner and aborts its open transaction), then the committed offset, then the state restored
   * from the changelog up to its current end.
   */
  const buildTask = async (partition: number, control: BatchControl): Promise<PartitionTask<S>> => {
    const started = now();
    stats.restoring++;
    try {
      const early = earlyProducers.get(partition);
      earlyProducers.delete(partition);
      const producer = await (early ?? producerFor(partition));
      const committed =
        (await admin.committedOffsets(binding.groupId, binding.inputTopic)).get(partition) ?? -1;
      const state = new PartitionState<S>(binding.inputTopic, partition, binding.store);
      const partitionLog = log.child({ partition });
      let restored = 0;
      let unreadable = 0;
      if (binding.store) {
        const range = (await admin.offsetRange(binding.store.changelogTopic)).get(partition);
        if (range && range.end > range.start) {
          const progress = { restored: 0, total: range.end - range.start };
          stats.restoreProgress.set(partition, progress);
          await backend.readRanges({
            topic: binding.store.changelogTopic,
            ranges: new Map([[partition, { from: range.start, to: range.end }]]),
            onRecords: async (records) => {
              for (const record of records) if (!state.restoreRecord(record)) unreadable++;
              restored += records.length;
              progress.restored = restored;
              await control.heartbeat().catch(() => {});
            },
          });
        }
      }
      if (unreadable > 0) {
        partitionLog.warn(
          { unreadable },
          'changelog entries could not be read back (state written by incompatible settings?); those keys start empty',
        );
      }
      stats.restores++;
      stats.restoredRecords += restored;
      observer?.restored(restored, now() - started);
      partitionLog.info(
        {
          committedOffset: committed,
          restoredRecords: restored,
          keys: state.size,
          ms: now() - started,
        },
        'partition state restored',
      );
      return {
        state,
        producer,
        log: partitionLog,
        committedAtStart: committed,
        pausedUntilMs: 0,
        backoffMs: tuning.initialBackoffMs,
      };
    } finally {
      stats.restoring--;
      stats.restoreProgress.delete(partition);
    }
  };

  const taskFor = async (partition: number, control: BatchControl): Promise<PartitionTask<S>> => {
    const existing = tasks.get(partition);
    if (existing) return existing;
    let pending = building.get(partition);
    if (!pending) {
      pending = buildTask(partition, control);
      building.set(partition, pending);
    }
    try {
      const task = await pending;
      tasks.set(partition, task);
      return task;
    } finally {
      building.delete(partition);
    }
  };

  const dropTask = async (partition: number) => {
    const task = tasks.get(partition);
    tasks.delete(partition);
    stats.lag.delete(partition);
    if (task && exactlyOnce) await task.producer.close().catch(() => {});
  };

  const deadLetter = (
    record: LogRecord,
    errorClass: string,
    code: string,
    message: string,
    span: RecordSpan | undefined,
  ): OutgoingRecord => ({
    topic: binding.deadLetterTopic,
    key: record.key,
    value: record.value,
    headers: {
      ...Object.fromEntries(Object.entries(record.headers)),
      // A traced dead letter names the span that wrote it (same trace as the original record).
      ...span?.headers,
      ...deadLetterHeaders({
        errorClass,
        errorCode: code,
        message,
        sourceTopic: record.topic,
        sourcePartition: record.partition,
        sourceOffset: record.offset,
        stage: binding.name,
        failedAtMs: now(),
      }),
    },
  });

  /** Applies a failure policy; returns the dead letter to write, if any. Throws for `fail`. */
  const onFailure = (
    task: PartitionTask<S>,
    action: FailureAction,
    record: LogRecord,
    errorClass: string,
    code: string,
    message: string,
    span: RecordSpan | undefined,
  ): OutgoingRecord | undefined => {
    if (action === 'fail') {
      throw new VigilError(
        STAGE_FAILED,
        `stage ${binding.name} stopped on ${record.topic}/${record.partition}@${record.offset}: ${errorClass}: ${message}`,
      );
    }
    if (action === 'skip') {
      stats.skipped++;
      span?.outcome('skipped', `${errorClass}: ${message}`);
      recordLog(task, record).warn({ offset: record.offset, errorClass, code }, message);
      return undefined;
    }
    stats.deadLettered++;
    span?.outcome('dead-lettered', `${errorClass}: ${message}`);
    // Dead letters are counted and carry their reason in headers; a flood of bad input must not flood the
    // logs, so the per-record line is at debug level.
    if (debugEnabled) {
      recordLog(task, record).debug({ offset: record.offset, errorClass, code }, `dead-lettered: ${message}`);
    }
    return deadLetter(record, errorClass, code, message, span);
  };

  /** The partition's logger, bound to the record's correlation ids when it carries any. */
  const recordLog = (task: PartitionTask<S>, record: LogRecord, known?: Correlation): Logger => {
    const correlation = known ?? correlationOfRecord(record);
    return correlation ? task.log.child({ ...correlation }) : task.log;
  };

  /** Encodes the handler's outputs, with the trace and correlation headers of the input they came from. */
  const encodeOutputs = async (
    record: LogRecord,
    outputs: readonly StageOutput[],
    span: RecordSpan | undefined,
  ): Promise<OutgoingRecord[]> => {
    const encoded: OutgoingRecord[] = [];
    const inherited = outputs.length > 0 && correlate ? correlationOfRecord(record) : undefined;
    for (const output of outputs) {
      const correlation = correlate ? mergeCorrelation(inherited, correlate(output)) : undefined;
      const headers =
        span || correlation
          ? {
              ...output.headers,
              ...span?.headers,
              ...(correlation ? correlationHeaders(correlation) : undefined),
            }
          : output.headers;
      encoded.push({
        topic: output.topic,
        key: output.key,
        value: await options.encodeOutput(output),
        ...(headers ? { headers } : {}),
      });
    }
    return encoded;
  };

  /** Decodes and handles one record; returns the records to write. Throws retriable errors. */
  const processRecord = async (
    task: PartitionTask<S>,
    record: LogRecord,
    span: RecordSpan | undefined,
  ): Promise<OutgoingRecord[]> => {
    const decoded = await binding.decode(record);
    if (!decoded.ok) {
      const letter = onFailure(
        task,
        binding.failurePolicy.decode,
        record,
        decoded.errorClass,
        decoded.code,
        decoded.message,
        span,
      );
      return letter ? [letter] : [];
    }
    const key = binding.stateKey(decoded.value);
    span?.annotate(key, correlationOfRecord(record));
    if (record.offset <= task.state.appliedOffset(key)) {
      stats.deduplicated++;
      span?.outcome('duplicate');
      return [];
    }
    task.state.currentOffset = record.offset;
    let encoded: OutgoingRecord[];
    let step = 'handler-error';
    try {
      const outputs = await binding.handler.process(decoded.value, {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        timestampMs: record.timestampMs,
        state: task.state,
      });
      step = 'output-encoding-error';
      encoded = await encodeOutputs(record, outputs, span);
    } catch (error) {
      if (isRetriable(error)) throw error;
      // A record the handler cannot handle, or whose output cannot be encoded, must not block the partition.
      const code = error instanceof VigilError ? error.code : 'VIGIL_ERR_STAGE_HANDLER';
      const message = error instanceof Error ? error.message : String(error);
      const letter = onFailure(task, binding.failurePolicy.handler, record, step, code, message, span);
      return letter ? [letter] : [];
    }
    stats.recordsOut += encoded.length;
    span?.outputs(encoded.length);
    if (encoded.length > 0 && debugEnabled) logProcessed(task, record, key, encoded);
    return encoded;
  };

  /** Debug line per input record that produced outputs, bound to the correlation ids of its first output. */
  const logProcessed = (
    task: PartitionTask<S>,
    record: LogRecord,
    key: string,
    encoded: OutgoingRecord[],
  ) => {
    const first = encoded[0]!;
    const correlation = first.headers ? correlationOfHeaders(first.headers) : undefined;
    recordLog(task, record, correlation).debug(
      { offset: record.offset, key, outputs: encoded.length, outputTopic: first.topic },
      'record processed',
    );
  };

  /** Writes outputs, changelog and offsets: one transaction (exactly-once) or produce-then-commit. */
  const checkpoint = async (task: PartitionTask<S>, pending: OutgoingRecord[], nextOffset: number) => {
    const changelog = task.state.changelogRecords();
    const offsets = [{ topic: binding.inputTopic, partition: task.state.partition, offset: nextOffset }];
    try {
      if (exactlyOnce) {
        const transaction = await task.producer.transaction();
        try {
          await transaction.send([...pending, ...changelog]);
          await transaction.commitOffsets(binding.groupId, offsets);
          await transaction.commit();
        } catch (error) {
          await transaction.abort().catch(() => {});
          throw error;
        }
      } else {
        await task.producer.send([...pending, ...changelog]);
        await consumer?.commit(offsets);
      }
    } catch (error) {
      throw new VigilError(
        CHECKPOINT_FAILED,
        `checkpoint of ${binding.inputTopic}/${task.state.partition} up to offset ${nextOffset} failed: ${error instanceof Error ? error.message : String(error)}`,
        { retriable: true, cause: error },
      );
    }
    task.state.markClean();
    stats.checkpoints++;
  };

  /** Runs the records of a batch through the handler, checkpointing as it goes. */
  const processBatch = async (batch: PartitionBatch, control: BatchControl): Promise<number | undefined> => {
    const started = now();
    const task = await taskFor(batch.partition, control);
    const pending: OutgoingRecord[] = [];
    let nextOffset = -1;
    let sinceCheckpoint = 0;
    let interruption: Interruption | undefined;
    stats.batches++;
    // Latency bookkeeping, only with an observer: when the checkpoint's first record started, and the
    // record timestamps of the inputs that produced outputs (rare in detect).
    let segmentStartedMs = observer ? now() : 0;
    const producedAt: number[] = [];
    const checkpointAndObserve = async (records: number) => {
      await checkpoint(task, pending.splice(0), nextOffset);
      if (!observer) return;
      const committedAtMs = now();
      observer.checkpointed(records, committedAtMs - segmentStartedMs, producedAt.splice(0), committedAtMs);
      segmentStartedMs = committedAtMs;
    };

    for (let i = 0; i < batch.records.length; i++) {
      const record = batch.records[i]!;
      if (!control.isRunning()) break;
      if (record.offset < task.committedAtStart) continue;
      stats.recordsIn++;
      try {
        const written = await processWithRetries(task, record, control);
        if (written.length > 0) {
          pending.push(...written);
          if (observer && written[0]!.topic !== binding.deadLetterTopic) producedAt.push(record.timestampMs);
        }
      } catch (error) {
        if (isRebalancing(error)) {
          interruption = { kind: 'rebalance' };
        } else if (isRetriable(error)) {
          interruption = { kind: 'pause', error };
        } else {
          throw error;
        }
        stats.recordsIn--;
        break;
      }
      nextOffset = record.offset + 1;
      sinceCheckpoint++;
      if (sinceCheckpoint >= tuning.maxRecordsPerCheckpoint) {
        await checkpointAndObserve(sinceCheckpoint);
        sinceCheckpoint = 0;
      }
      if ((i + 1) % tuning.heartbeatEveryRecords === 0) {
        try {
          await control.heartbeat();
        } catch (error) {
          if (!isRebalancing(error)) throw error;
          interruption = { kind: 'rebalance' };
          break;
        }
      }
    }

    if (nextOffset >= 0 && (sinceCheckpoint > 0 || pending.length > 0 || task.state.dirtyCount > 0)) {
      await checkpointAndObserve(sinceCheckpoint);
    }
    const last = batch.records[batch.records.length - 1];
    const consumedTo = nextOffset >= 0 ? nextOffset : (batch.records[0]?.offset ?? 0);
    stats.lag.set(batch.partition, Math.max(0, batch.highWatermark - consumedTo));
    stats.processingMs += now() - started;

    if (interruption?.kind === 'pause') {
      pausePartition(task, interruption.error);
      return consumedTo;
    }
    if (interruption?.kind === 'rebalance' || !control.isRunning()) return consumedTo;
    task.backoffMs = tuning.initialBackoffMs;
    return last ? Math.max(consumedTo, last.offset + 1) : undefined;
  };

  const processWithRetries = async (
    task: PartitionTask<S>,
    record: LogRecord,
    control: BatchControl,
  ): Promise<OutgoingRecord[]> => {
    let backoff = tuning.initialBackoffMs;
    for (let attempt = 0; ; attempt++) {
      try {
        if (tracer) return await tracer.trace(record, (span) => processRecord(task, record, span));
        return await processRecord(task, record, undefined);
      } catch (error) {
        if (!isRetriable(error) || attempt >= tuning.inlineRetries) throw error;
        stats.retries++;
        recordLog(task, record).warn(
          { offset: record.offset, attempt, err: error },
          'retriable error, retrying',
        );
        await sleep(Math.random() * backoff);
        backoff = Math.min(tuning.maxBackoffMs, backoff * 2);
        await control.heartbeat();
      }
    }
  };

  /** Backpressure: stop fetching a partition whose dependency is down; resume later with backoff. */
  const pausePartition = (task: PartitionTask<S>, error: unknown) => {
    const tp: TopicPartition = { topic: binding.inputTopic, partition: task.state.partition };
    const delay = task.backoffMs;
    task.backoffMs = Math.min(tuning.maxBackoffMs, task.backoffMs * 2);
    task.pausedUntilMs = now() + delay;
    task.log.warn({ pauseMs: delay, err: error }, 'dependency unavailable; partition paused');
    consumer?.pause([tp]);
    setTimeout(() => {
      if (!stopping) consumer?.resume([tp]);
    }, delay).unref();
  };

  const onAssignment = (assigned: readonly TopicPartition[]) => {
    const mine = assigned.filter((tp) => tp.topic === binding.inputTopic).map((tp) => tp.partition);
    stats.rebalances++;
    stats.assigned = [...mine].sort((a, b) => a - b);
    for (const partition of [...tasks.keys()]) {
      if (!mine.includes(partition)) void dropTask(partition);
    }
    for (const [partition, pending] of earlyProducers) {
      if (mine.includes(partition)) continue;
      earlyProducers.delete(partition);
      void pending.then((p) => p.close()).catch(() => {});
    }
    if (exactlyOnce) {
      for (const partition of mine) {
        if (tasks.has(partition) || earlyProducers.has(partition) || building.has(partition)) continue;
        const pending = producerFor(partition);
        pending.catch(() => earlyProducers.delete(partition));
        earlyProducers.set(partition, pending);
      }
    }
    log.info({ partitions: stats.assigned }, 'partitions assigned');
  };

  return {
    stats,
    failed,
    async start() {
      const admin = backend.admin();
      const partitions = await admin.partitionCount(binding.inputTopic);
      if (binding.store) {
        const changelogPartitions = await admin.partitionCount(binding.store.changelogTopic);
        if (changelogPartitions !== partitions) {
          throw new VigilError(
            'VIGIL_ERR_STAGE_NOT_COPARTITIONED',
            `changelog ${binding.store.changelogTopic} has ${changelogPartitions} partitions but ${binding.inputTopic} has ${partitions}; they must match (recreate the changelog with vigil topics create)`,
          );
        }
      }
      consumer = backend.groupConsumer({
        groupId: binding.groupId,
        topics: [binding.inputTopic],
        fromBeginning: true,
        maxBytesPerPartition: tuning.maxBytesPerPartition,
        maxBytes: tuning.maxBytesPerFetch,
        partitionsConcurrently: tuning.partitionsConcurrently,
        ...options.consumer,
      });
      await consumer.start({
        onAssignment,
        onBatch: async (batch, control) => {
          try {
            return await processBatch(batch, control);
          } catch (error) {
            stats.checkpointFailures++;
            // The partition's in-memory state may hold uncommitted updates: rebuild it from the changelog.
            await dropTask(batch.partition);
            const checkpointFailed = error instanceof VigilError && error.code === CHECKPOINT_FAILED;
            const stopByPolicy =
              (error instanceof VigilError && error.code === STAGE_FAILED) ||
              (checkpointFailed && binding.failurePolicy.produce === 'fail');
            if (stopByPolicy) {
              log.error({ err: error }, 'stage failed by policy');
              reportFailure(error as Error);
              void this.stop();
            } else {
              log.warn({ partition: batch.partition, err: error }, 'batch failed; it will be re-delivered');
            }
            throw error;
          }
        },
        onCrash: (error) => {
          log.error({ err: error }, 'consumer crashed');
          reportFailure(error);
        },
      });
      log.info({ exactlyOnce, groupId: binding.groupId }, 'stage started');
    },
    stop() {
      stopping ??= (async () => {
        await consumer?.stop();
        for (const partition of [...tasks.keys()]) await dropTask(partition);
        for (const pending of earlyProducers.values()) await pending.then((p) => p.close()).catch(() => {});
        earlyProducers.clear();
        if (sharedProducer) await (await sharedProducer).close().catch(() => {});
        log.info({ ...summary(stats) }, 'stage stopped');
      })();
      return stopping;
    },
  };
}

function summary(stats: StageStats) {
  return {
    recordsIn: stats.recordsIn,
    recordsOut: stats.recordsOut,
    deadLettered: stats.deadLettered,
    skipped: stats.skipped,
    checkpoints: stats.checkpoints,
  };
}
