import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { REBALANCING, VigilError } from '../../errors.js';
import type {
  BatchControl,
  GroupConsumer,
  GroupConsumerHandlers,
  GroupConsumerOptions,
  TopicPartition,
  TopicPartitionOffset,
} from '../log-port.js';
import { fromKafkaMessage } from './kafka-records.js';

/** Error types kafkajs uses to say the group is rebalancing (see kafkajs `isRebalancing`). */
const REBALANCE_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION']);

function isKafkaRebalance(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    REBALANCE_TYPES.has((error as { type?: string }).type ?? '')
  );
}

/**
 * A consumer-group member over kafkajs: read_committed, no auto-commit (the runtime commits, inside a
 * transaction in exactly-once mode), one partition batch at a time, fetch positions moved only as far as
 * the handler says it consumed.
 */
export class KafkaGroupConsumer implements GroupConsumer {
  private readonly consumer: Consumer;
  private started = false;
  private stopped: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly options: GroupConsumerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      ...(options.sessionTimeoutMs ? { sessionTimeout: options.sessionTimeoutMs } : {}),
      ...(options.heartbeatIntervalMs ? { heartbeatInterval: options.heartbeatIntervalMs } : {}),
      ...(options.maxBytesPerPartition ? { maxBytesPerPartition: options.maxBytesPerPartition } : {}),
      ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
    });
  }

  async start(handlers: GroupConsumerHandlers): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { consumer } = this;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assigned: TopicPartition[] = [];
      for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
        for (const partition of partitions) assigned.push({ topic, partition });
      }
      handlers.onAssignment?.(assigned);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) handlers.onCrash?.(event.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(payload, handlers),
    });
  }

  private async eachBatch(payload: EachBatchPayload, handlers: GroupConsumerHandlers): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const control: BatchControl = {
      heartbeat: async () => {
        try {
          await payload.heartbeat();
        } catch (error) {
          if (isKafkaRebalance(error)) {
            throw new VigilError(REBALANCING, `group ${this.options.groupId} is rebalancing`, {
              retriable: true,
              cause: error,
            });
          }
          throw error;
        }
      },
      isRunning: () => payload.isRunning() && !payload.isStale(),
    };
    const records = batch.messages.map((m) => fromKafkaMessage(batch.topic, batch.partition, m));
    const next = await handlers.onBatch(
      { topic: batch.topic, partition: batch.partition, records, highWatermark: Number(batch.highWatermark) },
      control,
    );
    const consumedTo = next ?? Number(batch.lastOffset()) + 1;
    if (consumedTo > Number(batch.firstOffset() ?? consumedTo)) payload.resolveOffset(String(consumedTo - 1));
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.consumer.pause([{ topic: tp.topic, partitions: [tp.partition] }]);
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.consumer.resume([{ topic: tp.topic, partitions: [tp.partition] }]);
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    await this.consumer.commitOffsets(
      offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })),
    );
  }

  stop(): Promise<void> {
    this.stopped ??= this.consumer.disconnect();
    return this.stopped;
  }
}
