/**
 * The event-log port: the narrow slice of a Kafka-like log that Vigil's runtime needs.
 *
 * Two adapters implement it: `kafka/` (kafkajs against a real broker) and `memory-log/` (an in-process log
 * with the same topic / partition / offset / consumer-group / transaction semantics, used by the embedded
 * default and by the stage tests). Nothing outside `src/consumers/` talks to a log except through the
 * helpers built on this port.
 *
 * Offsets are plain numbers (safe integers); `offset` always means the offset of a record, and "next
 * offset" means the offset of the record after it — the value that is committed.
 */

/** Header values as they travel on the wire. */
export type Headers = Readonly<Record<string, Buffer>>;

/** A record read from the log. */
export interface LogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Record timestamp in ms since the epoch (producer create time). */
  readonly timestampMs: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
}

/** A record to write. Without `partition` the key decides it (murmur2, as Kafka's default partitioner). */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: Buffer | string | null;
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, Buffer | string>>;
  readonly partition?: number;
  readonly timestampMs?: number;
}

/** A topic and one of its partitions. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A committed or to-be-committed position: the next offset to read. */
export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: number;
}

/** How a topic is created. */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Log compaction (changelogs). Defaults to false (delete retention). */
  readonly compacted?: boolean;
  /** Retention for non-compacted topics, in ms ({@link KEEP_FOREVER_MS} = forever). Broker default when omitted. */
  readonly retentionMs?: number;
}

/**
 * `retention.ms` of topics that hold historical records on purpose (backtest inputs, replay outputs):
 * kept until deleted, because Kafka's time retention counts from the record time, so rows from months or
 * years ago would otherwise be deleted at the broker's next retention check.
 */
export const KEEP_FOREVER_MS = -1;

/** Topic administration. */
export interface LogAdmin {
  /** Creates missing topics; existing ones are left as they are. */
  ensureTopics(specs: readonly TopicSpec[]): Promise<void>;
  /** Names of existing topics. */
  listTopics(): Promise<string[]>;
  /** Number of partitions of an existing topic; throws when it does not exist. */
  partitionCount(topic: string): Promise<number>;
  /** Per partition: the earliest available offset and the end offset (high watermark). */
  offsetRange(topic: string): Promise<Map<number, { start: number; end: number }>>;
  /** Per partition: the first offset whose record timestamp is >= `timestampMs` (the end offset if none). */
  offsetsForTime(topic: string, timestampMs: number): Promise<Map<number, number>>;
  /** Per partition: the group's committed next offset, or -1 when it has none. */
  committedOffsets(groupId: string, topic: string): Promise<Map<number, number>>;
  deleteTopics(topics: readonly string[]): Promise<void>;
}

/** An open transaction: writes and offset commits that become visible together, or not at all. */
export interface LogTransaction {
  send(records: readonly OutgoingRecord[]): Promise<void>;
  /** Commits consumer offsets as part of this transaction. */
  commitOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Writes records. Idempotent, acks from all in-sync replicas. */
export interface LogProducer {
  send(records: readonly OutgoingRecord[]): Promise<void>;
  /** Starts a transaction; only producers created with a `transactionalId` support it. */
  transaction(): Promise<LogTransaction>;
  close(): Promise<void>;
}

/** Producer options. */
export interface ProducerOptions {
  /**
   * Stable id for exactly-once writes. A new producer with the same id fences the previous one and aborts
   * its open transaction.
   */
  readonly transactionalId?: string;
}

/** A fetched run of records from one partition. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly LogRecord[];
  /** End offset of the partition when the batch was fetched (for lag). */
  readonly highWatermark: number;
}

/** What a batch handler may do while it works. */
export interface BatchControl {
  /**
   * Keeps the group membership alive during long work. Throws a `VigilError` with code
   * `VIGIL_ERR_LOG_REBALANCING` when the group is rebalancing: the handler should checkpoint what it has
   * done and return promptly.
   */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping; long loops should end early. */
  isRunning(): boolean;
}

/** Callbacks of a group consumer. Batches of one partition are delivered in order, one at a time. */
export interface GroupConsumerHandlers {
  /** Called after each (re)join with this member's full assignment. Must not block. */
  onAssignment?(assigned: readonly TopicPartition[]): void;
  /**
   * Processes one batch and resolves with the next offset to fetch from this partition: the offset after
   * the last record it consumed, or `undefined` when it consumed the whole batch. (The runtime commits
   * offsets itself; this only moves the fetch position.) Throwing makes the consumer re-deliver from the
   * last committed offset, possibly after a rejoin.
   */
  onBatch(batch: PartitionBatch, control: BatchControl): Promise<number | undefined>;
  /** Called when the consumer crashes and will not restart by itself. */
  onCrash?(error: Error): void;
}

/** Options of a group consumer. */
export interface GroupConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group without committed offsets starts. Default true (earliest). */
  readonly fromBeginning?: boolean;
  /** Upper bound of bytes fetched per partition per batch. */
  readonly maxBytesPerPartition?: number;
  /** Upper bound of bytes fetched per fetch request (all partitions). */
  readonly maxBytes?: number;
  /**
   * How many partitions' batches may be processed at the same time (batches of one partition are always
   * processed one at a time, in order). Default 1.
   */
  readonly partitionsConcurrently?: number;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
}

/** A member of a consumer group. Reads only committed records (read_committed). */
export interface GroupConsumer {
  start(handlers: GroupConsumerHandlers): Promise<void>;
  /** Stops fetching the given partitions until `resume`. */
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** Commits offsets outside a transaction (at-least-once mode). */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Lets the in-flight batch finish, then leaves the group. Idempotent. */
  stop(): Promise<void>;
}

/** A bounded, group-less read of some partitions of one topic. */
export interface RangeReadOptions {
  readonly topic: string;
  /** Per partition: first offset to read (inclusive) and the offset to stop before (exclusive). */
  readonly ranges: ReadonlyMap<number, { readonly from: number; readonly to: number }>;
  /** Receives records in offset order per partition. */
  readonly onRecords: (records: readonly LogRecord[], control: BatchControl) => Promise<void> | void;
}

/** The log itself. */
export interface LogBackend {
  /** Human-readable name of the backend, for logs (`kafka`, `memory`). */
  readonly kind: 'kafka' | 'memory';
  admin(): LogAdmin;
  producer(options?: ProducerOptions): Promise<LogProducer>;
  groupConsumer(options: GroupConsumerOptions): GroupConsumer;
  /**
   * Reads the given offset ranges without joining the caller's group and without committing anything —
   * used for state restore and for replay. Resolves when every range is read (or the range end turned out
   * to lie past the last committed record).
   */
  readRanges(options: RangeReadOptions): Promise<void>;
  /** Closes every connection this backend opened. Idempotent. */
  close(): Promise<void>;
}
