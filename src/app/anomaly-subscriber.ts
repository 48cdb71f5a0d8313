import type { GroupConsumer, LogBackend } from '../consumers/log-port.js';
import type { AnomalyEvent } from '../model/anomaly-event.js';
import type { Codecs } from './codecs.js';

/** Options of {@link subscribeToEvents}. */
export interface SubscribeOptions<T> {
  readonly backend: LogBackend;
  readonly codecs: Codecs;
  readonly topic: string;
  readonly groupId: string;
  readonly onEvent: (event: T) => void;
}

/**
 * Subscribes to an event topic as any user would (its own consumer group, from the beginning, committed
 * offsets) and hands each decoded event to `onEvent`. `T` is the topic's event type (not checked).
 */
export async function subscribeToEvents<T>(options: SubscribeOptions<T>): Promise<GroupConsumer> {
  const consumer = options.backend.groupConsumer({
    groupId: options.groupId,
    topics: [options.topic],
    fromBeginning: true,
  });
  await consumer.start({
    onBatch: async (batch) => {
      for (const record of batch.records) {
        if (record.value) options.onEvent((await options.codecs.eventDecoder.decode(record.value)) as T);
      }
      const last = batch.records[batch.records.length - 1];
      if (last)
        await consumer.commit([{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1 }]);
      return undefined;
    },
  });
  return consumer;
}

/** {@link subscribeToEvents} on the anomalies topic. */
export function subscribeToAnomalies(options: SubscribeOptions<AnomalyEvent>): Promise<GroupConsumer> {
  return subscribeToEvents(options);
}
