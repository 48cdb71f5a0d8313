import { randomUUID } from 'node:crypto';
import { AssignerProtocol, type Kafka, type PartitionAssigner } from 'kafkajs';
import { VigilError } from '../../errors.js';
import type { RangeReadOptions } from '../log-port.js';
import { fromKafkaMessage } from './kafka-records.js';

/**
 * A partition assigner that gives the group's single member exactly the listed partitions: kafkajs has
 * no manual `assign()`, so a throwaway group with this assigner is how a bounded read of chosen
 * partitions is expressed.
 */
function fixedAssigner(topic: string, partitions: readonly number[]): PartitionAssigner {
  return () => ({
    name: 'VigilFixedAssigner',
    version: 1,
    async assign({ members }) {
      return members.map((member, index) => ({
        memberId: member.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: index === 0 ? { [topic]: [...partitions] } : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: 'VigilFixedAssigner',
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
      };
    },
  });
}

/** A range read with no progress for this long fails (retriably) instead of hanging. */
export const RANGE_READ_IDLE_TIMEOUT_MS = 60_000;

/**
 * Reads offset ranges of some partitions with a temporary, never-committing consumer group (read
 * committed), then deletes the group. Used for state restore and replay; the caller's own group is
 * untouched. Fails with a retriable error after `idleTimeoutMs` without progress.
 */
export async function readKafkaRanges(
  kafka: Kafka,
  groupPrefix: string,
  options: RangeReadOptions,
  idleTimeoutMs = RANGE_READ_IDLE_TIMEOUT_MS,
): Promise<void> {
  const pending = new Map<number, { from: number; to: number }>();
  for (const [partition, range] of options.ranges) {
    if (range.to > range.from) pending.set(partition, { ...range });
  }
  if (pending.size === 0) return;

  const groupId = `${groupPrefix}.reader.${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    partitionAssigners: [fixedAssigner(options.topic, [...pending.keys()])],
    maxWaitTimeInMs: 250,
  });

  let finish: () => void = () => {};
  let fail: (error: Error) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  let lastProgressMs = Date.now();
  const watchdog = setInterval(
    () => {
      if (Date.now() - lastProgressMs > idleTimeoutMs) {
        const left = [...pending].map(([p, r]) => `${p}@${r.from}<${r.to}`).join(', ');
        fail(
          new Error(
            `no progress for ${idleTimeoutMs} ms (partitions left: ${left}); an open transaction may hold back the last stable offset`,
          ),
        );
      }
    },
    Math.min(5_000, idleTimeoutMs),
  );
  const advance = (partition: number, nextOffset: number, highWatermark: number) => {
    lastProgressMs = Date.now();
    const range = pending.get(partition);
    if (!range) return;
    range.from = Math.max(range.from, nextOffset);
    // Trailing transaction markers and aborted records are never delivered: the high watermark bounds it.
    if (range.from >= range.to || range.from >= highWatermark) pending.delete(partition);
    if (pending.size === 0) finish();
  };

  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    const p = event.payload;
    if (p.topic === options.topic) advance(p.partition, Number(p.lastOffset) + 1, Number(p.highWatermark));
  });
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) fail(event.payload.error);
  });

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat, isRunning }) => {
        const range = pending.get(batch.partition);
        if (!range) return;
        const records = [];
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          if (offset >= range.from && offset < range.to) {
            records.push(fromKafkaMessage(batch.topic, batch.partition, message));
          }
        }
        if (records.length > 0) {
          await options.onRecords(records, { heartbeat, isRunning });
        }
      },
    });
    for (const [partition, range] of pending) {
      consumer.seek({ topic: options.topic, partition, offset: String(range.from) });
    }
    await done;
  } catch (error) {
    throw new VigilError('VIGIL_ERR_LOG_READ_FAILED', `reading ${options.topic} failed: ${String(error)}`, {
      retriable: true,
      cause: error,
    });
  } finally {
    clearInterval(watchdog);
    await consumer.disconnect().catch(() => {});
    const admin = kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId]))
      .catch(() => {})
      .finally(() => admin.disconnect().catch(() => {}));
  }
}
