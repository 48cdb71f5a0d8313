import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DetectorConfig } from '../streams/index.js';
import { type ReportMeta, renderBacktestReport } from './backtest-report.js';
import type { BacktestResult, BacktestSeries } from './backtest-runner.js';
import { formatNabTimestamp } from './nab-csv.js';
import type { FileScore } from './nab-scorer.js';

/** What `scores.json` records about the run besides the scores. */
export interface ScoresMeta {
  readonly dataset: string;
  readonly configId: string;
  readonly settings: DetectorConfig;
  /** Kafka topic the rows went through, for `--via-kafka`. */
  readonly topic?: string;
}

function fileProfileJson(f: FileScore) {
  return {
    threshold: f.threshold,
    score: f.normalizedScore,
    rawScore: f.score,
    pointsLost: f.perfectScore - f.score,
    windows: f.windows,
    detectedWindows: f.detectedWindows,
    detections: f.detections,
    falsePositives: f.falsePositives,
    precision: f.precision,
    recall: f.recall,
    medianTimeToDetectMs: f.medianMsToDetect,
    medianRowsToDetect: f.medianRowsToDetect,
    windowDetails: f.windowOutcomes.map((o) => ({
      start: formatNabTimestamp(o.startMs),
      end: formatNabTimestamp(o.endMs),
      detectedAt: o.detectedRow === null ? null : formatNabTimestamp(o.startMs + o.msToDetect!),
      timeToDetectMs: o.msToDetect,
      rowsToDetect: o.rowsToDetect,
      value: o.value,
    })),
  };
}

/**
 * The content of `scores.json`: `profiles.<name>.{score, threshold}` (score normalised to 0–100), then
 * per file and profile the windows, detected windows, false positives, precision, recall and time to first
 * detection at that profile's threshold, plus the detector config id and settings.
 */
export function buildScoresJson(result: BacktestResult, meta: ScoresMeta) {
  return {
    dataset: meta.dataset,
    source: result.source,
    ...(meta.topic ? { topic: meta.topic } : {}),
    detectorConfigId: meta.configId,
    detectorSettings: meta.settings,
    scoring: {
      anomalyScore: 'combined detector score when the detector is warm, else 0',
      probationRows: 'min(floor(0.15 * rows), 750), not scored',
      threshold: result.profiles[0]?.optimized === false ? 'fixed (--threshold)' : 'optimised per profile',
    },
    windows: result.profiles[0]?.windows ?? 0,
    profiles: Object.fromEntries(
      result.profiles.map((p) => [
        p.profile.name,
        {
          score: p.score,
          threshold: p.threshold,
          rawScore: p.rawScore,
          nullScore: p.nullScore,
          perfectScore: p.perfectScore,
          weights: { tp: p.profile.tpWeight, fp: p.profile.fpWeight, fn: p.profile.fnWeight },
        },
      ]),
    ),
    files: result.series.map((s, i) => ({
      file: s.series,
      rows: s.values.length,
      probationRows: s.layout.probation,
      windows: s.layout.windows.length,
      profiles: Object.fromEntries(
        result.profiles.map((p) => [p.profile.name, fileProfileJson(p.files[i]!)]),
      ),
    })),
  };
}

/** NAB's results format for one file: `timestamp,value,anomaly_score`, one line per row. */
export function resultsCsv(series: BacktestSeries): string {
  const lines = ['timestamp,value,anomaly_score'];
  for (let i = 0; i < series.values.length; i++) {
    lines.push(`${formatNabTimestamp(series.timestampsMs[i]!)},${series.values[i]},${series.scores[i]}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Paths written by {@link writeBacktestOutputs}. */
export interface BacktestOutputs {
  readonly scores: string;
  readonly results: string;
  readonly report: string;
}

/**
 * Writes `<out>/scores.json`, `<out>/results/<category>/<file>.csv` for every file and the self-contained
 * `<out>/report.html`. Creates directories as needed; overwrites earlier outputs.
 */
export function writeBacktestOutputs(
  out: string,
  result: BacktestResult,
  meta: ScoresMeta & Pick<ReportMeta, 'generatedAt'>,
): BacktestOutputs {
  mkdirSync(out, { recursive: true });
  const scores = join(out, 'scores.json');
  writeFileSync(scores, `${JSON.stringify(buildScoresJson(result, meta), null, 2)}\n`);
  const results = join(out, 'results');
  for (const series of result.series) {
    const path = join(results, series.series);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, resultsCsv(series));
  }
  const report = join(out, 'report.html');
  writeFileSync(report, renderBacktestReport(result, { ...meta }));
  return { scores, results, report };
}
