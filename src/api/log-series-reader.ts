import type { MetricDecoder } from '../codec/index.js';
import type { LogBackend } from '../consumers/log-port.js';
import { partitionForKey } from '../consumers/partitioner.js';
import type { SeriesPointsRead, SeriesPointsReader } from './api-deps.js';
import type { ApiSettings } from './api-settings.js';

/** Options of {@link createLogSeriesReader}. */
export interface LogSeriesReaderOptions {
  readonly backend: LogBackend;
  /** The metrics topic (records keyed by series, record time = event time). */
  readonly topic: string;
  /** Decodes record values in any accepted encoding. */
  readonly decoder: MetricDecoder;
  readonly limits: Pick<ApiSettings['seriesRead'], 'maxRecordsScanned' | 'maxPoints'>;
}

/**
 * Reads a series' points back from the metrics topic: only the partition its key hashes to, from the
 * first offset whose record time is ≥ `fromMs` to the first whose record time is ≥ `toMs` (records carry
 * the event time, so this is the range; points whose event time falls outside `[fromMs, toMs)` are
 * dropped). At most `maxRecordsScanned` records are read — the latest ones when the range holds more —
 * and at most `maxPoints` points are returned (the latest); `truncated` then says which cap was hit.
 * Records of other series and records that do not decode are skipped.
 */
export function createLogSeriesReader(options: LogSeriesReaderOptions): SeriesPointsReader {
  const { backend, topic, decoder, limits } = options;
  return {
    async read({ series, fromMs, toMs }): Promise<SeriesPointsRead> {
      const admin = backend.admin();
      const partition = partitionForKey(series, await admin.partitionCount(topic));
      const [starts, ends] = await Promise.all([
        admin.offsetsForTime(topic, fromMs),
        admin.offsetsForTime(topic, toMs),
      ]);
      const end = ends.get(partition) ?? 0;
      let start = starts.get(partition) ?? end;
      const notes: string[] = [];
      if (end - start > limits.maxRecordsScanned) {
        notes.push(
          `the range holds ${end - start} records of the series' partition; only the latest ${limits.maxRecordsScanned} were read (api.seriesRead.maxRecordsScanned)`,
        );
        start = end - limits.maxRecordsScanned;
      }
      const key = Buffer.from(series, 'utf8');
      const points: Array<{ timestampMs: number; value: number }> = [];
      let recordsScanned = 0;
      if (end > start) {
        await backend.readRanges({
          topic,
          ranges: new Map([[partition, { from: start, to: end }]]),
          onRecords: async (records) => {
            recordsScanned += records.length;
            for (const record of records) {
              if (!record.key || !key.equals(record.key)) continue;
              const decoded = await decoder.decode(record.value);
              if (!decoded.ok) continue;
              const { timestampMs, value } = decoded.point;
              if (timestampMs >= fromMs && timestampMs < toMs) points.push({ timestampMs, value });
            }
          },
        });
      }
      points.sort((a, b) => a.timestampMs - b.timestampMs);
      if (points.length > limits.maxPoints) {
        notes.push(
          `${points.length} points in the range; only the latest ${limits.maxPoints} are returned (api.seriesRead.maxPoints)`,
        );
        points.splice(0, points.length - limits.maxPoints);
      }
      return { points, recordsScanned, truncated: notes.length > 0 ? notes.join('; ') : null };
    },
  };
}
