import { REBALANCING, VigilError } from '../../errors.js';
import type {
  BatchControl,
  GroupConsumer,
  GroupConsumerHandlers,
  GroupConsumerOptions,
  TopicPartition,
  TopicPartitionOffset,
} from '../log-port.js';
import type { MemoryGroup } from './memory-groups.js';
import type { MemoryTopics } from './memory-topics.js';

/** Records per batch handed to a handler by the in-process log. */
const MAX_BATCH_RECORDS = 2_000;
/** How long an idle member sleeps before looking again, unless woken by an append. */
const IDLE_WAIT_MS = 50;
/** Pause before a failed batch is re-delivered. */
const RETRY_BACKOFF_MS = 100;

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

let memberSequence = 0;

/**
 * A member of an in-process consumer group. Delivers batches one at a time, round robin over its
 * assigned partitions, from the committed offset (or earliest / end for a new group).
 */
export class MemoryGroupConsumer implements GroupConsumer {
  private readonly memberId = `member-${++memberSequence}`;
  private running = false;
  private loop: Promise<void> | undefined;
  private generation = -1;
  private assigned: TopicPartition[] = [];
  private readonly positions = new Map<string, number>();
  private readonly paused = new Set<string>();
  private cursor = 0;

  constructor(
    private readonly topics: MemoryTopics,
    private readonly group: MemoryGroup,
    private readonly options: GroupConsumerOptions,
  ) {}

  async start(handlers: GroupConsumerHandlers): Promise<void> {
    if (this.running) return;
    for (const topic of this.options.topics) this.topics.get(topic);
    this.running = true;
    this.group.join({ memberId: this.memberId, topics: this.options.topics });
    this.topics.notify();
    this.loop = this.run(handlers).catch((error: unknown) => {
      this.running = false;
      this.group.leave(this.memberId);
      handlers.onCrash?.(error instanceof Error ? error : new Error(String(error)));
    });
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.add(tpKey(tp.topic, tp.partition));
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.delete(tpKey(tp.topic, tp.partition));
    this.topics.notify();
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    for (const o of offsets) this.group.commit(o.topic, o.partition, o.offset);
  }

  async stop(): Promise<void> {
    if (!this.running) {
      await this.loop;
      return;
    }
    this.running = false;
    this.topics.notify();
    await this.loop;
    this.group.leave(this.memberId);
    this.topics.notify();
  }

  private async run(handlers: GroupConsumerHandlers): Promise<void> {
    while (this.running) {
      if (this.generation !== this.group.generation) {
        if (this.group.inFlight > 0) {
          await this.topics.waitForAppend(5);
          continue;
        }
        this.adoptAssignment(handlers);
      }
      const next = this.nextReadyPartition();
      if (!next) {
        await this.topics.waitForAppend(IDLE_WAIT_MS);
        continue;
      }
      await this.deliver(next, handlers);
    }
  }

  private adoptAssignment(handlers: GroupConsumerHandlers): void {
    this.generation = this.group.generation;
    const counts = new Map(this.options.topics.map((t) => [t, this.topics.get(t).partitions.length]));
    this.assigned = this.group.assignmentFor(this.memberId, counts);
    this.positions.clear();
    for (const { topic, partition } of this.assigned) {
      this.positions.set(tpKey(topic, partition), this.startOffset(topic, partition));
    }
    handlers.onAssignment?.(this.assigned);
  }

  private startOffset(topic: string, partition: number): number {
    const committed = this.group.committedOffset(topic, partition);
    if (committed !== undefined) return committed;
    const fromBeginning = this.options.fromBeginning ?? true;
    return fromBeginning ? 0 : this.topics.get(topic).partitions[partition]!.records.length;
  }

  private nextReadyPartition(): TopicPartition | undefined {
    const n = this.assigned.length;
    for (let i = 0; i < n; i++) {
      const tp = this.assigned[(this.cursor + i) % n]!;
      const key = tpKey(tp.topic, tp.partition);
      if (this.paused.has(key)) continue;
      const end = this.topics.get(tp.topic).partitions[tp.partition]!.records.length;
      if ((this.positions.get(key) ?? 0) < end) {
        this.cursor = (this.cursor + i + 1) % n;
        return tp;
      }
    }
    return undefined;
  }

  private async deliver(tp: TopicPartition, handlers: GroupConsumerHandlers): Promise<void> {
    const key = tpKey(tp.topic, tp.partition);
    const log = this.topics.get(tp.topic).partitions[tp.partition]!.records;
    const from = this.positions.get(key) ?? 0;
    const records = log.slice(from, Math.min(log.length, from + MAX_BATCH_RECORDS));
    const generation = this.generation;
    const control: BatchControl = {
      heartbeat: async () => {
        if (this.group.generation !== generation) {
          throw new VigilError(REBALANCING, `group ${this.group.groupId} is rebalancing`, {
            retriable: true,
          });
        }
      },
      isRunning: () => this.running,
    };
    this.group.inFlight++;
    try {
      const next = await handlers.onBatch(
        { topic: tp.topic, partition: tp.partition, records, highWatermark: log.length },
        control,
      );
      this.positions.set(key, next ?? records[records.length - 1]!.offset + 1);
    } catch {
      this.positions.set(key, this.startOffset(tp.topic, tp.partition));
      await new Promise((resolve) => setTimeout(resolve, RETRY_BACKOFF_MS));
    } finally {
      this.group.inFlight--;
    }
  }
}
