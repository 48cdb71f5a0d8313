import type { Codecs } from '../../../src/app/codecs.js';
import type { LogBackend, LogRecord } from '../../../src/consumers/log-port.js';
import type { AnomalyEvent } from '../../../src/model/anomaly-event.js';

/** Every committed record of a topic, read start to end with a throwaway reader. */
export async function readWholeTopic(backend: LogBackend, topic: string): Promise<LogRecord[]> {
  const ranges = new Map(
    [...(await backend.admin().offsetRange(topic))].map(([p, r]) => [p, { from: r.start, to: r.end }]),
  );
  const records: LogRecord[] = [];
  await backend.readRanges({ topic, ranges, onRecords: (batch) => void records.push(...batch) });
  return records;
}

/** Every anomaly event of a topic, decoded. */
export async function readAnomalies(
  backend: LogBackend,
  codecs: Codecs,
  topic: string,
): Promise<AnomalyEvent[]> {
  const events: AnomalyEvent[] = [];
  for (const record of await readWholeTopic(backend, topic)) {
    events.push((await codecs.eventDecoder.decode(record.value!)) as AnomalyEvent);
  }
  return events;
}
