import { describe, expect, it } from 'vitest';
import type { LogRecord, PartitionBatch } from '../../../src/consumers/log-port.js';
import { MemoryLogBackend } from '../../../src/consumers/memory-log/memory-backend.js';
import { partitionForKey } from '../../../src/consumers/partitioner.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('in-process log', () => {
  it('places keyed records like Kafka and numbers offsets per partition', async () => {
    const log = new MemoryLogBackend(() => 1000);
    await log.admin().ensureTopics([{ name: 't', partitions: 4 }]);
    const producer = await log.producer();
    await producer.send(
      ['a', 'b', 'c', 'a', 'a'].map((key) => ({ topic: 't', key, value: Buffer.from(key) })),
    );
    const partitionOfA = partitionForKey('a', 4);
    const recordsOfA = log.topics
      .get('t')
      .partitions[partitionOfA]!.records.filter((r) => r.key?.toString() === 'a');
    const allInPartition = log.topics.get('t').partitions[partitionOfA]!.records;
    expect(allInPartition.map((r) => r.offset)).toEqual(allInPartition.map((_, i) => i));
    expect(recordsOfA).toHaveLength(3);
    expect(recordsOfA[0]!.timestampMs).toBe(1000);
    const range = await log.admin().offsetRange('t');
    expect([...range.values()].reduce((s, r) => s + r.end, 0)).toBe(5);
  });

  it('rejects writes to unknown topics and partitions before appending anything', async () => {
    const log = new MemoryLogBackend();
    await log.admin().ensureTopics([{ name: 't', partitions: 1 }]);
    const producer = await log.producer();
    await expect(
      producer.send([
        { topic: 't', key: 'k', value: null },
        { topic: 'missing', key: 'k', value: null },
      ]),
    ).rejects.toThrow(/topic "missing" does not exist/);
    await expect(producer.send([{ topic: 't', key: 'k', value: null, partition: 3 }])).rejects.toThrow(
      /no partition 3/,
    );
    expect(log.topics.get('t').partitions[0]!.records).toHaveLength(0);
  });

  it('makes a transaction visible all at once on commit, never on abort, and fences older producers', async () => {
    const log = new MemoryLogBackend();
    await log.admin().ensureTopics([{ name: 't', partitions: 1 }]);
    const old = await log.producer({ transactionalId: 'tx' });
    const aborted = await old.transaction();
    await aborted.send([{ topic: 't', key: 'k', value: Buffer.from('x') }]);
    await aborted.commitOffsets('g', [{ topic: 't', partition: 0, offset: 5 }]);
    await aborted.abort();
    expect(log.topics.get('t').partitions[0]!.records).toHaveLength(0);
    expect((await log.admin().committedOffsets('g', 't')).get(0)).toBe(-1);

    const open = await old.transaction();
    await open.send([{ topic: 't', key: 'k', value: Buffer.from('zombie') }]);
    const fresh = await log.producer({ transactionalId: 'tx' });
    await expect(open.commit()).rejects.toThrow(/fenced/);
    const tx = await fresh.transaction();
    await tx.send([
      { topic: 't', key: 'k', value: Buffer.from('1') },
      { topic: 't', key: 'k', value: Buffer.from('2') },
    ]);
    await tx.commitOffsets('g', [{ topic: 't', partition: 0, offset: 7 }]);
    expect(log.topics.get('t').partitions[0]!.records).toHaveLength(0);
    await tx.commit();
    expect(log.topics.get('t').partitions[0]!.records.map((r) => r.value?.toString())).toEqual(['1', '2']);
    expect((await log.admin().committedOffsets('g', 't')).get(0)).toBe(7);
  });

  it('range-assigns partitions across group members and re-delivers from the committed offset after a failure', async () => {
    const log = new MemoryLogBackend();
    await log.admin().ensureTopics([{ name: 't', partitions: 5 }]);
    const assignments: number[][] = [[], []];
    const seen: LogRecord[] = [];
    let failOnce = true;
    const members = [0, 1].map((i) => {
      const consumer = log.groupConsumer({ groupId: 'g', topics: ['t'] });
      return {
        consumer,
        start: () =>
          consumer.start({
            onAssignment: (tps) => {
              assignments[i] = tps.map((tp) => tp.partition);
            },
            onBatch: async (batch: PartitionBatch) => {
              if (failOnce && batch.partition === 0) {
                failOnce = false;
                throw new Error('boom');
              }
              seen.push(...batch.records);
              const last = batch.records[batch.records.length - 1]!;
              await consumer.commit([{ topic: 't', partition: batch.partition, offset: last.offset + 1 }]);
              return undefined;
            },
          }),
      };
    });
    await members[0]!.start();
    await members[1]!.start();
    const producer = await log.producer();
    await producer.send(
      Array.from({ length: 50 }, (_, i) => ({ topic: 't', key: null, value: Buffer.from(String(i)) })),
    );
    for (let i = 0; i < 100 && seen.length < 50; i++) await sleep(20);
    expect(assignments[0]).toEqual([0, 1, 2]);
    expect(assignments[1]).toEqual([3, 4]);
    expect(seen.map((r) => Number(r.value!.toString())).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    await members[1]!.consumer.stop();
    for (let i = 0; i < 50 && assignments[0]!.length < 5; i++) await sleep(20);
    expect(assignments[0]).toEqual([0, 1, 2, 3, 4]);
    await members[0]!.consumer.stop();
  });

  it('finds offsets by record time', async () => {
    let now = 0;
    const log = new MemoryLogBackend(() => now);
    await log.admin().ensureTopics([{ name: 't', partitions: 1 }]);
    const producer = await log.producer();
    for (const t of [10, 20, 30]) {
      now = t;
      await producer.send([{ topic: 't', key: 'k', value: null }]);
    }
    const admin = log.admin();
    expect((await admin.offsetsForTime('t', 15)).get(0)).toBe(1);
    expect((await admin.offsetsForTime('t', 31)).get(0)).toBe(3);
  });
});
