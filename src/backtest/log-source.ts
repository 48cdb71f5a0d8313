import { encodeMetricPointJson, type MetricDecoder } from '../codec/index.js';
import { KEEP_FOREVER_MS, type LogBackend, type OutgoingRecord } from '../consumers/log-port.js';
import { VigilError } from '../errors.js';
import type { DetectorConfig } from '../streams/index.js';
import type { NabDataset } from './nab-dataset.js';
import { SeriesScorer } from './series-scorer.js';

/** Options of {@link produceDataset}. */
export interface ProduceDatasetOptions {
  readonly backend: LogBackend;
  /** A topic of its own for this backtest run; created when missing. */
  readonly topic: string;
  readonly partitions: number;
  /** Records per producer request. Default 2000. */
  readonly chunk?: number;
  /** Called after each request with the number of records written so far. */
  readonly onProgress?: (recordsWritten: number, file: string) => void;
}

/**
 * Writes every row of the dataset to `topic` as a JSON metric point: key and `series` = the file id
 * (`<category>/<file>.csv`), record time = the row's time, no labels. A file's rows share one partition,
 * so they are read back in row order. Returns the number of records written.
 */
export async function produceDataset(dataset: NabDataset, options: ProduceDatasetOptions): Promise<number> {
  const { backend, topic } = options;
  const chunk = options.chunk ?? 2000;
  await backend
    .admin()
    .ensureTopics([{ name: topic, partitions: options.partitions, retentionMs: KEEP_FOREVER_MS }]);
  const producer = await backend.producer();
  let written = 0;
  try {
    for (const file of dataset.files) {
      for (let start = 0; start < file.timestampsMs.length; start += chunk) {
        const records: OutgoingRecord[] = [];
        const end = Math.min(start + chunk, file.timestampsMs.length);
        for (let i = start; i < end; i++) {
          const timestampMs = file.timestampsMs[i]!;
          records.push({
            topic,
            key: file.file,
            value: encodeMetricPointJson({
              series: file.file,
              timestampMs,
              value: file.values[i]!,
              labels: {},
            }),
            timestampMs,
          });
        }
        await producer.send(records);
        written += records.length;
        options.onProgress?.(written, file.file);
      }
    }
  } finally {
    await producer.close();
  }
  return written;
}

/** Options of {@link scoreTopic}. */
export interface ScoreTopicOptions {
  readonly backend: LogBackend;
  readonly decoder: MetricDecoder;
  readonly topic: string;
  readonly detectors: DetectorConfig;
  /** Called after each batch with the number of records read so far and the total to read. */
  readonly onProgress?: (recordsRead: number, total: number) => void;
}

/**
 * Replays the whole topic with `backend.readRanges` (a throwaway reader that commits nothing) and runs
 * the detectors over each series in offset order: the same {@link SeriesScorer} the file source uses.
 * Throws `VIGIL_ERR_BACKTEST_SCORES` when a record does not decode as a metric point.
 */
export async function scoreTopic(options: ScoreTopicOptions): Promise<SeriesScorer> {
  const { backend, decoder, topic } = options;
  const offsets = await backend.admin().offsetRange(topic);
  const ranges = new Map([...offsets].map(([p, r]) => [p, { from: r.start, to: r.end }]));
  const total = [...ranges.values()].reduce((n, r) => n + Math.max(0, r.to - r.from), 0);
  const scorer = new SeriesScorer(options.detectors);
  let read = 0;
  await backend.readRanges({
    topic,
    ranges,
    onRecords: async (records) => {
      for (const record of records) {
        const result = await decoder.decode(record.value);
        if (!result.ok) {
          throw new VigilError(
            'VIGIL_ERR_BACKTEST_SCORES',
            `${topic} partition ${record.partition} offset ${record.offset}: not a metric point (${result.error.message})`,
          );
        }
        scorer.push(result.point.series, result.point.timestampMs, result.point.value);
      }
      read += records.length;
      options.onProgress?.(read, total);
    },
  });
  return scorer;
}
