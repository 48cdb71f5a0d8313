import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/consumers/log-port.js';
import { MemoryLogBackend } from '../../src/consumers/memory-log/memory-backend.js';
import { StageDriver } from '../../src/consumers/stage-driver.js';
import { VigilError } from '../../src/errors.js';
import { counterBinding, counterTopics, countRecord, encodeJson } from '../support/counter-stage.js';

const sumsOf = (records: LogRecord[]) => {
  const last = new Map<string, number>();
  for (const r of records) {
    const { key, sum } = JSON.parse(r.value!.toString()) as { key: string; sum: number };
    last.set(key, sum);
  }
  return last;
};

const header = (r: LogRecord, name: string) => r.headers[name]?.toString('utf8');

describe('stage runner on the in-process log', () => {
  it('processes every record once, in key order, and commits', async () => {
    const driver = await StageDriver.create({
      binding: counterBinding(),
      encodeOutput: encodeJson,
      topics: counterTopics(4),
    });
    await driver.startInstance();
    const inputs = Array.from({ length: 1000 }, (_, i) => countRecord(`k${i % 25}`, 1));
    await driver.pipe(inputs);
    await driver.drain();
    const out = driver.read('out');
    expect(out).toHaveLength(1000);
    const sums = sumsOf(out);
    expect(sums.size).toBe(25);
    for (const sum of sums.values()) expect(sum).toBe(40);
    // per key the running sums are 1..40 in order: no record applied twice or out of order
    const seq = out.filter((r) => r.key?.toString() === 'k3').map((r) => JSON.parse(r.value!.toString()).sum);
    expect(seq).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await driver.stopAll();
  });

  it('dead-letters undecodable records with the reason and source position, and goes on', async () => {
    const driver = await StageDriver.create({
      binding: counterBinding(),
      encodeOutput: encodeJson,
      topics: counterTopics(2),
    });
    await driver.startInstance();
    await driver.pipe([
      countRecord('a', 1),
      { topic: 'in', key: 'a', value: Buffer.from('not json'), headers: { trace: 'abc' } },
      countRecord('a', 2),
    ]);
    await driver.drain();
    expect(sumsOf(driver.read('out')).get('a')).toBe(3);
    const dlq = driver.read('in.dlq');
    expect(dlq).toHaveLength(1);
    const letter = dlq[0]!;
    expect(letter.value?.toString()).toBe('not json');
    expect(header(letter, 'trace')).toBe('abc');
    expect(header(letter, 'vigil.dlq.error-class')).toBe('malformed-json');
    expect(header(letter, 'vigil.dlq.source-topic')).toBe('in');
    expect(Number(header(letter, 'vigil.dlq.source-offset'))).toBe(1);
    expect(header(letter, 'vigil.dlq.stage')).toBe('counter');
    expect(driver.runners[0]!.stats.deadLettered).toBe(1);
    await driver.stopAll();
  });

  it('dead-letters a record whose handler throws, per the handler policy', async () => {
    const driver = await StageDriver.create({
      binding: counterBinding({ poisonN: 13 }),
      encodeOutput: encodeJson,
      topics: counterTopics(1),
    });
    await driver.startInstance();
    await driver.pipe([countRecord('a', 1), countRecord('a', 13), countRecord('a', 2)]);
    await driver.drain();
    expect(sumsOf(driver.read('out')).get('a')).toBe(3);
    expect(header(driver.read('in.dlq')[0]!, 'vigil.dlq.error-class')).toBe('handler-error');
    await driver.stopAll();
  });

  it('restores state from the changelog after a restart instead of starting from zero', async () => {
    const backend = new MemoryLogBackend();
    const first = await StageDriver.create({
      binding: counterBinding(),
      encodeOutput: encodeJson,
      topics: counterTopics(3),
      backend,
    });
    await first.startInstance();
    await first.pipe(Array.from({ length: 300 }, (_, i) => countRecord(`k${i % 10}`, 1)));
    await first.drain();
    await first.stopAll();

    const second = await StageDriver.create({
      binding: counterBinding(),
      encodeOutput: encodeJson,
      topics: counterTopics(3),
      backend,
    });
    const runner = await second.startInstance();
    await second.pipe(Array.from({ length: 100 }, (_, i) => countRecord(`k${i % 10}`, 1)));
    await second.drain();
    for (const sum of sumsOf(second.read('out')).values()) expect(sum).toBe(40);
    expect(runner.stats.restoredRecords).toBeGreaterThan(0);
    expect(runner.stats.recordsIn).toBe(100);
    await second.stopAll();
  });

  it('splits partitions between two instances and moves state with a partition when one leaves', async () => {
    const driver = await StageDriver.create({
      binding: counterBinding(),
      encodeOutput: encodeJson,
      topics: counterTopics(6),
    });
    const a = await driver.startInstance();
    const b = await driver.startInstance();
    await driver.pipe(Array.from({ length: 600 }, (_, i) => countRecord(`k${i % 30}`, 1)));
    await driver.drain();
    expect(a.stats.assigned.length).toBe(3);
    expect(b.stats.assigned.length).toBe(3);
    expect(new Set([...a.stats.assigned, ...b.stats.assigned]).size).toBe(6);
    expect(a.stats.recordsIn).toBeGreaterThan(0);
    expect(b.stats.recordsIn).toBeGreaterThan(0);

    await b.stop();
    await driver.pipe(Array.from({ length: 300 }, (_, i) => countRecord(`k${i % 30}`, 1)));
    await driver.drain();
    expect(a.stats.assigned).toEqual([0, 1, 2, 3, 4, 5]);
    for (const sum of sumsOf(driver.read('out')).values()) expect(sum).toBe(30);
    await driver.stopAll();
  });

  it('pauses a partition while a dependency is down and resumes without dead-lettering', async () => {
    let down = true;
    const driver = await StageDriver.create({
      binding: counterBinding({ registryDown: () => down }),
      encodeOutput: encodeJson,
      topics: counterTopics(1),
      tuning: { inlineRetries: 1, initialBackoffMs: 5, maxBackoffMs: 20 },
    });
    const runner = await driver.startInstance();
    await driver.pipe([countRecord('a', 1), countRecord('a', 2)]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(driver.read('out')).toHaveLength(0);
    expect(runner.stats.retries).toBeGreaterThan(0);
    down = false;
    await driver.drain();
    expect(sumsOf(driver.read('out')).get('a')).toBe(3);
    expect(driver.read('in.dlq')).toHaveLength(0);
    await driver.stopAll();
  });

  it('stops the stage on a `fail` policy without committing the failed record', async () => {
    const driver = await StageDriver.create({
      binding: counterBinding({}, { decode: 'fail', handler: 'dead-letter', produce: 'retry' }),
      encodeOutput: encodeJson,
      topics: counterTopics(1),
    });
    const runner = await driver.startInstance();
    await driver.pipe([countRecord('a', 1), { topic: 'in', key: 'a', value: Buffer.from('{') }]);
    const error = await runner.failed;
    expect(error.message).toContain('malformed-json');
    const committed = await driver.backend.admin().committedOffsets('counter-group', 'in');
    expect(committed.get(0)).toBe(-1);
    await driver.stopAll();
  });

  it('at-least-once: a commit lost after the changelog was written does not apply records twice', async () => {
    const backend = new MemoryLogBackend();
    const driver = await StageDriver.create({
      binding: counterBinding(),
      encodeOutput: encodeJson,
      topics: counterTopics(1),
      exactlyOnce: false,
      backend,
    });
    // Make the first offset commit of the group fail after outputs and changelog were produced.
    const original = backend.groupConsumer.bind(backend);
    let failures = 1;
    backend.groupConsumer = (options) => {
      const consumer = original(options);
      const commit = consumer.commit.bind(consumer);
      consumer.commit = async (offsets) => {
        if (failures-- > 0) throw new Error('commit lost');
        return commit(offsets);
      };
      return consumer;
    };
    const runner = await driver.startInstance();
    await driver.pipe(Array.from({ length: 50 }, () => countRecord('a', 1)));
    await driver.drain();
    expect(sumsOf(driver.read('out')).get('a')).toBe(50);
    expect(runner.stats.deduplicated).toBe(50);
    await driver.stopAll();
  });

  it('starts a key from empty state when its changelog entry cannot be read back, instead of failing', async () => {
    const binding = counterBinding();
    const strict = {
      ...binding,
      store: {
        ...binding.store!,
        deserialize: (bytes: Buffer) => {
          const n = Number(bytes.toString());
          if (!Number.isFinite(n)) throw new Error('unreadable');
          return n;
        },
      },
    };
    const driver = await StageDriver.create({
      binding: strict,
      encodeOutput: encodeJson,
      topics: counterTopics(1),
    });
    const producer = await driver.backend.producer();
    await producer.send([
      { topic: 'counter-changelog', partition: 0, key: 'a', value: Buffer.from('garbage') },
      { topic: 'counter-changelog', partition: 0, key: 'b', value: Buffer.from('10') },
    ]);
    const runner = await driver.startInstance();
    await driver.pipe([countRecord('a', 1), countRecord('b', 1)]);
    await driver.drain();
    const sums = sumsOf(driver.read('out'));
    expect(sums.get('a')).toBe(1);
    expect(sums.get('b')).toBe(11);
    expect(runner.stats.restoredRecords).toBe(2);
    await driver.stopAll();
  });

  it('dead-letters a record whose output cannot be encoded instead of blocking the partition', async () => {
    const encodeOrFail = async (output: { value: unknown }) => {
      const { sum } = output.value as { sum: number };
      if (sum === 3) throw new VigilError('VIGIL_ERR_CODEC_INVALID_EVENT', 'value does not match schema');
      return Buffer.from(JSON.stringify(output.value));
    };
    const driver = await StageDriver.create({
      binding: counterBinding(),
      encodeOutput: encodeOrFail,
      topics: counterTopics(1),
    });
    await driver.startInstance();
    await driver.pipe([countRecord('a', 1), countRecord('a', 2), countRecord('a', 4)]);
    await driver.drain();
    expect(driver.read('out').map((r) => JSON.parse(r.value!.toString()).sum)).toEqual([1, 7]);
    expect(header(driver.read('in.dlq')[0]!, 'vigil.dlq.error-class')).toBe('output-encoding-error');
    await driver.stopAll();
  });

  it('exactly-once: a failed transaction is re-delivered onto restored state, applying nothing twice', async () => {
    const backend = new MemoryLogBackend();
    const original = backend.producer.bind(backend);
    let failures = 1;
    backend.producer = async (options) => {
      const producer = await original(options);
      const transaction = producer.transaction.bind(producer);
      producer.transaction = async () => {
        const tx = await transaction();
        const commit = tx.commit.bind(tx);
        tx.commit = async () => {
          if (options?.transactionalId && failures-- > 0) throw new Error('broker went away');
          return commit();
        };
        return tx;
      };
      return producer;
    };
    const driver = await StageDriver.create({
      binding: counterBinding(),
      encodeOutput: encodeJson,
      topics: counterTopics(1),
      backend,
    });
    const runner = await driver.startInstance();
    await driver.pipe(Array.from({ length: 20 }, () => countRecord('a', 1)));
    await driver.drain();
    const sums = driver.read('out').map((r) => JSON.parse(r.value!.toString()).sum);
    expect(sums).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(runner.stats.checkpointFailures).toBe(1);
    expect(runner.stats.restores).toBe(2);
    await driver.stopAll();
  });

  it('stops the stage when a checkpoint fails and the produce policy says fail', async () => {
    const backend = new MemoryLogBackend();
    const original = backend.producer.bind(backend);
    backend.producer = async (options) => {
      const producer = await original(options);
      producer.transaction = async () => {
        throw new Error('transactions unavailable');
      };
      return producer;
    };
    const driver = await StageDriver.create({
      binding: counterBinding({}, { decode: 'dead-letter', handler: 'dead-letter', produce: 'fail' }),
      encodeOutput: encodeJson,
      topics: counterTopics(1),
      backend,
    });
    const runner = await driver.startInstance();
    await driver.pipe([countRecord('a', 1)]);
    const error = await runner.failed;
    expect(error.message).toMatch(/checkpoint of in\/0 up to offset 1 failed: transactions unavailable/);
    expect(driver.read('out')).toHaveLength(0);
    await driver.stopAll();
  });
});
