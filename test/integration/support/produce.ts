import { encodeMetricPointJson } from '../../../src/codec/index.js';
import type { LogBackend, OutgoingRecord } from '../../../src/consumers/log-port.js';
import type { MetricPoint } from '../../../src/model/metric-point.js';

/** JSON-encoded metric records keyed by series, record time = event time. */
export function metricRecords(topic: string, points: readonly MetricPoint[]): OutgoingRecord[] {
  return points.map((p) => ({
    topic,
    key: p.series,
    value: encodeMetricPointJson(p),
    timestampMs: p.timestampMs,
  }));
}

/** Produces records in chunks with one producer. */
export async function produceAll(
  backend: LogBackend,
  records: readonly OutgoingRecord[],
  chunk = 2000,
): Promise<void> {
  const producer = await backend.producer();
  try {
    for (let i = 0; i < records.length; i += chunk) await producer.send(records.slice(i, i + chunk));
  } finally {
    await producer.close();
  }
}
