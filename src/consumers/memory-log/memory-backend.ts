import { VigilError } from '../../errors.js';
import type {
  GroupConsumer,
  GroupConsumerOptions,
  LogAdmin,
  LogBackend,
  LogProducer,
  LogTransaction,
  OutgoingRecord,
  ProducerOptions,
  RangeReadOptions,
  TopicPartitionOffset,
  TopicSpec,
} from '../log-port.js';
import { MemoryGroupConsumer } from './memory-group-consumer.js';
import { MemoryGroup } from './memory-groups.js';
import { MemoryTopics } from './memory-topics.js';

/** Records handed to a range reader per call. */
const RANGE_CHUNK = 5_000;

/** Source of record timestamps for the in-process log (injectable for tests). */
export type Clock = () => number;

/**
 * The in-process event log: topics, partitions, offsets, consumer groups with eager rebalancing,
 * committed offsets and transactions (atomic batches of writes and offset commits, with producer fencing
 * by transactional id). It backs the embedded default and the stage tests; state lives in memory only.
 */
export class MemoryLogBackend implements LogBackend {
  readonly kind = 'memory' as const;
  readonly topics = new MemoryTopics();
  private readonly groups = new Map<string, MemoryGroup>();
  private readonly epochs = new Map<string, number>();

  constructor(private readonly clock: Clock = Date.now) {}

  /** The group of that id, created on first use. */
  group(groupId: string): MemoryGroup {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new MemoryGroup(groupId);
      this.groups.set(groupId, group);
    }
    return group;
  }

  admin(): LogAdmin {
    const topics = this.topics;
    return {
      ensureTopics: async (specs: readonly TopicSpec[]) => {
        for (const spec of specs) topics.ensure(spec);
      },
      listTopics: async () => topics.names(),
      partitionCount: async (topic) => topics.get(topic).partitions.length,
      offsetRange: async (topic) =>
        new Map(topics.get(topic).partitions.map((p, i) => [i, { start: 0, end: p.records.length }])),
      offsetsForTime: async (topic, timestampMs) =>
        new Map(
          topics.get(topic).partitions.map((p, i) => {
            const found = p.records.find((r) => r.timestampMs >= timestampMs);
            return [i, found ? found.offset : p.records.length];
          }),
        ),
      committedOffsets: async (groupId, topic) => {
        const group = this.group(groupId);
        return new Map(
          topics.get(topic).partitions.map((_, i) => [i, group.committedOffset(topic, i) ?? -1]),
        );
      },
      deleteTopics: async (names) => {
        for (const name of names) topics.delete(name);
      },
    };
  }

  async producer(options: ProducerOptions = {}): Promise<LogProducer> {
    const { transactionalId } = options;
    let epoch = 0;
    if (transactionalId !== undefined) {
      epoch = (this.epochs.get(transactionalId) ?? 0) + 1;
      this.epochs.set(transactionalId, epoch);
    }
    const assertNotFenced = () => {
      if (transactionalId !== undefined && this.epochs.get(transactionalId) !== epoch) {
        throw new VigilError(
          'VIGIL_ERR_LOG_PRODUCER_FENCED',
          `producer ${transactionalId} was fenced by a newer instance with the same transactional id`,
        );
      }
    };
    return {
      send: async (records) => {
        this.topics.append(records, this.clock());
      },
      transaction: async (): Promise<LogTransaction> => {
        if (transactionalId === undefined) {
          throw new VigilError(
            'VIGIL_ERR_LOG_NOT_TRANSACTIONAL',
            'producer was created without a transactionalId',
          );
        }
        assertNotFenced();
        const pending: OutgoingRecord[] = [];
        const offsets: Array<{ groupId: string; offsets: readonly TopicPartitionOffset[] }> = [];
        let open = true;
        const assertOpen = () => {
          if (!open) throw new VigilError('VIGIL_ERR_LOG_TRANSACTION_CLOSED', 'transaction already ended');
        };
        return {
          send: async (records) => {
            assertOpen();
            this.topics.validate(records);
            pending.push(...records);
          },
          commitOffsets: async (groupId, tpOffsets) => {
            assertOpen();
            offsets.push({ groupId, offsets: tpOffsets });
          },
          commit: async () => {
            assertOpen();
            open = false;
            assertNotFenced();
            this.topics.append(pending, this.clock());
            for (const { groupId, offsets: list } of offsets) {
              for (const o of list) this.group(groupId).commit(o.topic, o.partition, o.offset);
            }
          },
          abort: async () => {
            open = false;
          },
        };
      },
      close: async () => {},
    };
  }

  groupConsumer(options: GroupConsumerOptions): GroupConsumer {
    return new MemoryGroupConsumer(this.topics, this.group(options.groupId), options);
  }

  async readRanges(options: RangeReadOptions): Promise<void> {
    const topic = this.topics.get(options.topic);
    const control = { heartbeat: async () => {}, isRunning: () => true };
    for (const [partition, range] of options.ranges) {
      const log = topic.partitions[partition]?.records;
      if (!log)
        throw new VigilError(
          'VIGIL_ERR_LOG_BAD_PARTITION',
          `topic ${options.topic} has no partition ${partition}`,
        );
      const to = Math.min(range.to, log.length);
      for (let from = Math.max(0, range.from); from < to; from += RANGE_CHUNK) {
        await options.onRecords(log.slice(from, Math.min(to, from + RANGE_CHUNK)), control);
      }
    }
  }

  async close(): Promise<void> {
    this.topics.notify();
  }
}
