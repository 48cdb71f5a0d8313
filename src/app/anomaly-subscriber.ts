import type { GroupConsumer, LogBackend } from '../consumers/log-port.js';
import type { AnomalyEvent } from '../model/anomaly-event.js';
import type { Codecs } from './codecs.js';

/**
 * Subscribes to the anomalies topic as any user would (its own consumer group, committed offsets) and
 * hands each decoded event to `onEvent`.
 */
export async function subscribeToAnomalies(options: {
  backend: LogBackend;
  codecs: Codecs;
  topic: string;
  groupId: string;
  onEvent: (event: AnomalyEvent) => void;
}): Promise<GroupConsumer> {
  const consumer = options.backend.groupConsumer({
    groupId: options.groupId,
    topics: [options.topic],
    fromBeginning: true,
  });
  await consumer.start({
    onBatch: async (batch) => {
      for (const record of batch.records) {
        if (record.value)
          options.onEvent((await options.codecs.eventDecoder.decode(record.value)) as AnomalyEvent);
      }
      const last = batch.records[batch.records.length - 1];
      if (last)
        await consumer.commit([{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1 }]);
      return undefined;
    },
  });
  return consumer;
}
