import { VigilError } from '../../errors.js';
import type { LogRecord, OutgoingRecord, TopicSpec } from '../log-port.js';
import { partitionForKey } from '../partitioner.js';

/** One partition of an in-process topic: an append-only array; a record's offset is its index. */
export interface MemoryPartition {
  readonly records: LogRecord[];
}

/** An in-process topic. */
export interface MemoryTopic {
  readonly spec: TopicSpec;
  readonly partitions: MemoryPartition[];
  /** Round-robin cursor for records without a key. */
  nextUnkeyed: number;
}

function toBuffer(value: Buffer | string | null | undefined): Buffer | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function toHeaders(headers: OutgoingRecord['headers']): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) out[name] = toBuffer(value) ?? Buffer.alloc(0);
  return out;
}

/**
 * The topics of an in-process log, with Kafka's placement rules: explicit partition, else murmur2 of
 * the key, else round robin. Appends are synchronous, so a group of appends made in one call is atomic
 * with respect to readers (this is how transactions commit).
 */
export class MemoryTopics {
  private readonly topics = new Map<string, MemoryTopic>();
  private readonly waiters = new Set<() => void>();

  /** Creates a topic unless it exists. */
  ensure(spec: TopicSpec): void {
    if (this.topics.has(spec.name)) return;
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
      throw new VigilError(
        'VIGIL_ERR_LOG_BAD_TOPIC',
        `topic ${spec.name}: partitions must be an integer >= 1`,
      );
    }
    const partitions = Array.from({ length: spec.partitions }, () => ({ records: [] as LogRecord[] }));
    this.topics.set(spec.name, { spec, partitions, nextUnkeyed: 0 });
  }

  names(): string[] {
    return [...this.topics.keys()];
  }

  delete(name: string): void {
    this.topics.delete(name);
  }

  /** The topic, or a clear error naming it. */
  get(name: string): MemoryTopic {
    const topic = this.topics.get(name);
    if (!topic) {
      throw new VigilError(
        'VIGIL_ERR_LOG_UNKNOWN_TOPIC',
        `topic "${name}" does not exist; create it first (vigil topics create)`,
      );
    }
    return topic;
  }

  /** Validates every record's topic and partition before anything is appended. */
  validate(records: readonly OutgoingRecord[]): void {
    for (const record of records) {
      const topic = this.get(record.topic);
      if (
        record.partition !== undefined &&
        (record.partition < 0 || record.partition >= topic.partitions.length)
      ) {
        throw new VigilError(
          'VIGIL_ERR_LOG_BAD_PARTITION',
          `topic ${record.topic} has no partition ${record.partition}`,
        );
      }
    }
  }

  /** Appends all records at once (validate first) and wakes readers. */
  append(records: readonly OutgoingRecord[], nowMs: number): void {
    this.validate(records);
    for (const record of records) {
      const topic = this.get(record.topic);
      const key = toBuffer(record.key);
      let partition = record.partition;
      if (partition === undefined) {
        partition =
          key === null
            ? topic.nextUnkeyed++ % topic.partitions.length
            : partitionForKey(key, topic.partitions.length);
      }
      const log = topic.partitions[partition]!.records;
      log.push({
        topic: record.topic,
        partition,
        offset: log.length,
        timestampMs: record.timestampMs ?? nowMs,
        key,
        value: toBuffer(record.value),
        headers: toHeaders(record.headers),
      });
    }
    if (records.length > 0) this.notify();
  }

  /** Resolves on the next append, or after `timeoutMs`. */
  waitForAppend(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  /** Wakes every waiter (appends, group changes). */
  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
