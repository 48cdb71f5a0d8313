import { describe, expect, it } from 'vitest';
import { openLogMetricsSink } from '../../src/api/log-metrics-sink.js';
import type { LogBackend, LogProducer, OutgoingRecord } from '../../src/consumers/log-port.js';
import { MemoryLogBackend } from '../../src/consumers/memory-log/memory-backend.js';

const record = (i: number, headers?: Record<string, string>) => ({
  point: { series: `s${i % 4}`, timestampMs: 1_772_366_400_000 + i, value: i, labels: {} },
  ...(headers ? { headers } : {}),
});

/** A backend whose producer holds each send until the test releases it, recording the batches. */
function gatedBackend() {
  const batches: OutgoingRecord[][] = [];
  const gates: Array<(error?: Error) => void> = [];
  const producer: LogProducer = {
    send: (records) =>
      new Promise<void>((resolve, reject) => {
        batches.push([...records]);
        gates.push((error) => (error ? reject(error) : resolve()));
      }),
    transaction: () => Promise.reject(new Error('no transactions')),
    close: async () => {},
  };
  const backend = { producer: async () => producer } as unknown as LogBackend;
  const release = async (error?: Error) => {
    while (gates.length === 0) await new Promise((r) => setTimeout(r, 1));
    gates.shift()!(error);
  };
  return { backend, batches, release };
}

const encode = (r: { point: { value: number } }) => Buffer.from(String(r.point.value));

describe('openLogMetricsSink', () => {
  it('writes keyed by series at event time with the record headers, readable from the log', async () => {
    const backend = new MemoryLogBackend();
    await backend.admin().ensureTopics([{ name: 'metrics', partitions: 2 }]);
    const sink = await openLogMetricsSink({ backend, topic: 'metrics', encode });
    await sink.send([record(1, { traceparent: '00-abc-def-01' }), record(2)]);
    const seen: Array<{ key: string; ts: number; headers: Record<string, string> }> = [];
    await backend.readRanges({
      topic: 'metrics',
      ranges: new Map([
        [0, { from: 0, to: 10 }],
        [1, { from: 0, to: 10 }],
      ]),
      onRecords: (records) => {
        for (const r of records) {
          seen.push({
            key: r.key!.toString(),
            ts: r.timestampMs,
            headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.toString()])),
          });
        }
      },
    });
    expect(seen.sort((a, b) => a.ts - b.ts)).toEqual([
      { key: 's1', ts: 1_772_366_400_001, headers: { traceparent: '00-abc-def-01' } },
      { key: 's2', ts: 1_772_366_400_002, headers: {} },
    ]);
    expect(sink.written).toBe(2);
    await sink.close();
  });

  it('groups the requests that arrive while a send is in flight into the next send', async () => {
    const { backend, batches, release } = gatedBackend();
    const sink = await openLogMetricsSink({ backend, topic: 'metrics', encode });
    const first = sink.send([record(0)]);
    const waiting = [sink.send([record(1), record(2)]), sink.send([record(3)])];
    await release();
    await first;
    await release();
    await Promise.all(waiting);
    expect(batches.map((b) => b.map((r) => r.value?.toString()))).toEqual([['0'], ['1', '2', '3']]);
  });

  it('fails every request of a failed send, and only those', async () => {
    const { backend, release } = gatedBackend();
    const sink = await openLogMetricsSink({ backend, topic: 'metrics', encode });
    const first = sink.send([record(0)]);
    const second = sink.send([record(1)]);
    const outcome = Promise.allSettled([first, second]);
    await release(new Error('broker gone'));
    await release();
    expect((await outcome).map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
  });

  it('refuses with a 503 when the queue is full, and after close', async () => {
    const { backend, release } = gatedBackend();
    const sink = await openLogMetricsSink({ backend, topic: 'metrics', encode, maxQueuedRecords: 3 });
    const inFlight = sink.send([record(0), record(1)]);
    const queued = sink.send([record(2), record(3)]);
    await expect(sink.send([record(4), record(5)])).rejects.toMatchObject({
      statusCode: 503,
      message: expect.stringContaining('not keeping up'),
    });
    expect(sink.refused).toBe(1);
    await release();
    await release();
    await Promise.all([inFlight, queued]);
    await sink.close();
    await expect(sink.send([record(6)])).rejects.toMatchObject({ statusCode: 503 });
  });
});
