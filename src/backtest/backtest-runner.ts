import { VigilError } from '../errors.js';
import type { DetectorConfig } from '../streams/index.js';
import type { NabDataset } from './nab-dataset.js';
import { type FileLayout, layoutFile, type ProfileResult, scoreCorpus } from './nab-scorer.js';
import { type ScoredSeries, SeriesScorer } from './series-scorer.js';

/** Where the rows the detector saw came from. */
export type BacktestSource = 'files' | 'kafka';

/** One file of a backtest: its rows as the detector saw them, their scores and the label layout. */
export interface BacktestSeries extends ScoredSeries {
  readonly layout: FileLayout;
}

/** A scored backtest: the NAB result per profile and every series with its per-row scores. */
export interface BacktestResult {
  readonly source: BacktestSource;
  readonly profiles: readonly ProfileResult[];
  readonly series: readonly BacktestSeries[];
}

/** Reports progress: rows done so far over all files and the file being worked on. */
export type RowProgress = (rowsDone: number, file: string) => void;

/** Total rows of a dataset (for progress). */
export function datasetRows(dataset: NabDataset): number {
  return dataset.files.reduce((n, f) => n + f.timestampsMs.length, 0);
}

/**
 * Runs the detectors over every file of the dataset straight from the files: one fresh detector per file,
 * rows in file order, one pass.
 */
export function scoreDatasetFiles(
  dataset: NabDataset,
  config: DetectorConfig,
  onProgress?: RowProgress,
): SeriesScorer {
  const scorer = new SeriesScorer(config);
  let done = 0;
  for (const file of dataset.files) {
    for (let i = 0; i < file.timestampsMs.length; i++) {
      scorer.push(file.file, file.timestampsMs[i]!, file.values[i]!);
      if (++done % 5000 === 0) onProgress?.(done, file.file);
    }
    onProgress?.(done, file.file);
  }
  return scorer;
}

/**
 * Scores the detector's output against the dataset's labels under every profile of the dataset, at
 * `threshold` when given, else at the threshold each profile's sweep chooses. Throws
 * `VIGIL_ERR_BACKTEST_SCORES` when a file's rows are missing from `scored` or differ from the file's rows
 * (a replay through Kafka must give back exactly what was produced).
 */
export function evaluateBacktest(
  dataset: NabDataset,
  scored: SeriesScorer,
  source: BacktestSource,
  threshold?: number,
): BacktestResult {
  const series = dataset.files.map((file): BacktestSeries => {
    const rows = scored.get(file.file);
    const mismatch =
      !rows ||
      rows.timestampsMs.length !== file.timestampsMs.length ||
      rows.timestampsMs.some((t, i) => t !== file.timestampsMs[i] || rows.values[i] !== file.values[i]);
    if (!rows || mismatch) {
      throw new VigilError(
        'VIGIL_ERR_BACKTEST_SCORES',
        `${file.file}: the detector saw ${rows?.timestampsMs.length ?? 0} rows, the file has ${file.timestampsMs.length}` +
          (rows && rows.timestampsMs.length === file.timestampsMs.length
            ? ' (same count, different rows)'
            : ''),
      );
    }
    return {
      ...rows,
      layout: layoutFile({ file: file.file, timestampsMs: rows.timestampsMs, windows: file.windows }),
    };
  });
  const files = series.map((s) => ({ layout: s.layout, scores: s.scores }));
  const profiles = dataset.profiles.map((profile) => scoreCorpus(files, profile, threshold));
  return { source, profiles, series };
}
