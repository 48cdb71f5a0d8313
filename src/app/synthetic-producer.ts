import { encodeMetricPointJson } from '../codec/index.js';
import type { LogBackend } from '../consumers/log-port.js';
import type { MetricPoint } from '../model/metric-point.js';

/**
 * Produces points to `topic` at about `ratePerSec` (JSON-encoded, keyed by series, record time = event
 * time), in small batches. Resolves when all are sent or `isRunning()` turns false.
 */
export async function producePaced(options: {
  backend: LogBackend;
  topic: string;
  points: readonly MetricPoint[];
  ratePerSec: number;
  isRunning: () => boolean;
  onProgress?: (sent: number) => void;
}): Promise<number> {
  const producer = await options.backend.producer();
  const batchSize = Math.max(1, Math.min(500, Math.round(options.ratePerSec / 20)));
  const started = Date.now();
  let sent = 0;
  try {
    while (sent < options.points.length && options.isRunning()) {
      const batch = options.points.slice(sent, sent + batchSize);
      await producer.send(
        batch.map((p) => ({
          topic: options.topic,
          key: p.series,
          value: encodeMetricPointJson(p),
          timestampMs: p.timestampMs,
        })),
      );
      sent += batch.length;
      options.onProgress?.(sent);
      const dueMs = (sent / options.ratePerSec) * 1000 - (Date.now() - started);
      if (dueMs > 0) await new Promise((resolve) => setTimeout(resolve, dueMs));
    }
  } finally {
    await producer.close();
  }
  return sent;
}
