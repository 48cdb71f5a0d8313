import type { LogBackend, LogProducer, OutgoingRecord } from '../consumers/log-port.js';
import type { IngestRecord, MetricsSink } from './api-deps.js';
import { unavailable } from './api-errors.js';

/** Options of {@link openLogMetricsSink}. */
export interface LogMetricsSinkOptions {
  readonly backend: LogBackend;
  /** The metrics topic. */
  readonly topic: string;
  /** Encodes a point's value (e.g. Avro with the registry's framing when one is configured). */
  readonly encode: (record: IngestRecord) => Buffer | Promise<Buffer>;
  /** Records waiting for the producer at most; beyond, `send` fails fast with a 503 (default 200 000). */
  readonly maxQueuedRecords?: number;
  /** Records per producer send at most (default 20 000). */
  readonly maxBatchRecords?: number;
}

/** A {@link MetricsSink} on the event log, with `close()` (waits for queued records, then closes). */
export interface LogMetricsSink extends MetricsSink {
  /** Records written so far. */
  readonly written: number;
  /** Sends refused because the queue was full. */
  readonly refused: number;
  close(): Promise<void>;
}

interface Pending {
  readonly records: readonly OutgoingRecord[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Opens a producer and returns a sink that writes points to `topic`, keyed by series, with the point's
 * event time as record time and the record's headers. Concurrent `send`s are grouped: while one producer
 * send is in flight, the next requests queue and go out together in the next send (the producer allows
 * one request in flight), so throughput grows with concurrency instead of being one round trip per
 * request. Each `send` resolves when its own records are acked. The queue is bounded.
 */
export async function openLogMetricsSink(options: LogMetricsSinkOptions): Promise<LogMetricsSink> {
  const { topic, encode } = options;
  const maxQueued = options.maxQueuedRecords ?? 200_000;
  const maxBatch = options.maxBatchRecords ?? 20_000;
  const producer: LogProducer = await options.backend.producer();
  const queue: Pending[] = [];
  let queued = 0;
  let draining = false;
  let drained: Promise<void> = Promise.resolve();
  let closed = false;
  const counts = { written: 0, refused: 0 };

  /** Sends queued records until the queue is empty; `draining` is true exactly while it runs. */
  async function drain(): Promise<void> {
    draining = true;
    try {
      await sendQueued();
    } finally {
      draining = false;
    }
  }

  async function sendQueued(): Promise<void> {
    while (queue.length > 0) {
      const batch: Pending[] = [];
      let size = 0;
      while (queue.length > 0 && (batch.length === 0 || size + queue[0]!.records.length <= maxBatch)) {
        const next = queue.shift()!;
        batch.push(next);
        size += next.records.length;
      }
      queued -= size;
      try {
        await producer.send(batch.flatMap((p) => p.records));
        counts.written += size;
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
  }

  return {
    get written() {
      return counts.written;
    },
    get refused() {
      return counts.refused;
    },
    async send(records) {
      if (closed) throw unavailable('the API is shutting down; nothing was written');
      if (queued + records.length > maxQueued) {
        counts.refused++;
        throw unavailable(
          `the metrics topic is not keeping up (${queued} records queued); nothing was written, retry later`,
        );
      }
      const encoded = records.map(encode);
      const values = encoded.every(Buffer.isBuffer) ? (encoded as Buffer[]) : await Promise.all(encoded);
      const outgoing = records.map(
        ({ point, headers }, i): OutgoingRecord => ({
          topic,
          key: point.series,
          value: values[i]!,
          timestampMs: point.timestampMs,
          ...(headers ? { headers } : {}),
        }),
      );
      const done = new Promise<void>((resolve, reject) => queue.push({ records: outgoing, resolve, reject }));
      queued += outgoing.length;
      if (!draining) drained = drain();
      return done;
    },
    async close() {
      if (closed) return;
      closed = true;
      await drained;
      await producer.close();
    },
  };
}
