import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeBacktestOutputs } from '../../backtest/backtest-output.js';
import { datasetRows, evaluateBacktest, scoreDatasetFiles } from '../../backtest/backtest-runner.js';
import { produceDataset, scoreTopic } from '../../backtest/log-source.js';
import { loadNabDataset } from '../../backtest/nab-dataset.js';
import type { SeriesScorer } from '../../backtest/series-scorer.js';
import { detectorConfigId } from '../../config/detector-settings.js';
import { createCliContext, type GlobalFlags, requireKafka } from '../cli-context.js';
import { createProgress } from '../progress.js';

interface BacktestFlags extends GlobalFlags {
  readonly dataset: string;
  readonly out: string;
  readonly threshold?: string;
  readonly viaKafka?: boolean;
  readonly keepTopic?: boolean;
}

/** Parses `--threshold`: a number in [0, 1.1]. */
export function parseThresholdFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const theta = Number(text);
  if (text.trim() === '' || !Number.isFinite(theta) || theta < 0 || theta > 1.1) {
    throw new Error(`--threshold ${JSON.stringify(text)} must be a number in [0, 1.1] (1.1 detects nothing)`);
  }
  return theta;
}

/** `vigil backtest`: runs the detectors over a NAB-layout dataset and scores them the NAB way. */
export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description('score the detector settings on a labelled dataset in NAB layout (NAB score per profile)')
    .requiredOption('--dataset <dir>', 'dataset in NAB layout: data/<category>/*.csv, labels/, config/')
    .requiredOption('--out <dir>', 'output directory for scores.json, results/ and report.html')
    .option('--threshold <θ>', 'score every profile at this fixed threshold instead of optimising it')
    .option('--via-kafka', 'produce the dataset to a fresh topic and replay it from Kafka (KAFKA_BROKERS)')
    .option('--keep-topic', 'with --via-kafka: keep the run topic afterwards (default: delete it)')
    .addHelpText(
      'after',
      `
One fresh detector per file, rows in time order, one pass, no look-ahead: the same detector code as the
live stage, with the settings from --detectors (or VIGIL_DETECTORS / the config file; default: built-in).
Each row's anomaly_score is the combined detector score once the detector is warm, 0 before. The first
min(floor(0.15·rows), 750) rows of a file are NAB's probationary period: fed to the detector, not scored.

The threshold is optimised per profile over the whole corpus (the value that maximises the NAB score),
unless --threshold fixes it. Scores are normalised: null detector = 0, perfect = 100.

Writes:
  <out>/scores.json                     profile scores and thresholds, per-file windows, detected windows,
                                        false positives, precision, recall, time to detect, config id
  <out>/results/<category>/<file>.csv   timestamp,value,anomaly_score for every row
  <out>/report.html                     self-contained report: scores vs published detectors, one plot
                                        per series, sortable by how badly each file did

With --via-kafka every row is produced to a topic of its own (<prefix>backtest.<run id>, key and series =
<category>/<file>.csv, record time = row time, JSON metric points), then read back with a throwaway
reader and scored per series: the numbers must equal the file run's.

Examples:
  vigil backtest --dataset ../shared/datasets/nab --out backtest-out
  vigil backtest --dataset nab --out tuned --detectors tuned.yaml
  vigil backtest --dataset nab --out fixed --threshold 0.9
  KAFKA_BROKERS=127.0.0.1:9092 vigil backtest --dataset nab --out via-kafka --via-kafka`,
    )
    .action(async (_options, command: Command) => {
      const flags = command.optsWithGlobals<BacktestFlags>();
      const threshold = parseThresholdFlag(flags.threshold);
      const context = createCliContext(flags, 'error');
      const { config, backend, codecs } = context;
      if (flags.viaKafka) requireKafka(context, 'backtest --via-kafka');
      const detectors = config.detect.detectors;
      const configId = detectorConfigId(detectors);
      const datasetDir = resolve(flags.dataset);
      const dataset = loadNabDataset(datasetDir);
      const totalRows = datasetRows(dataset);
      process.stderr.write(
        `backtest: ${dataset.files.length} files, ${totalRows} rows, ${dataset.windowCount} windows, detector config ${configId}` +
          `${dataset.unlabelled.length ? ` (${dataset.unlabelled.length} unlabelled files skipped)` : ''}\n`,
      );
      let scored: SeriesScorer;
      let topic: string | undefined;
      try {
        if (flags.viaKafka) {
          topic = `${config.topics.prefix}backtest.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
          const produced = createProgress(`produce → ${topic}`, totalRows, 'rows');
          await produceDataset(dataset, {
            backend,
            topic,
            partitions: config.topics.partitions,
            onProgress: (rows, file) => produced.update(rows, { file }),
          });
          produced.stop();
          const replayed = createProgress(`replay ${topic}`, totalRows, 'rows');
          scored = await scoreTopic({
            backend,
            decoder: codecs.metricDecoder,
            topic,
            detectors,
            onProgress: (read, total) => {
              replayed.setTotal(total);
              replayed.update(read);
            },
          });
          replayed.stop();
        } else {
          const progress = createProgress('backtest', totalRows, 'rows', 2_000);
          let files = 0;
          let current = '';
          scored = scoreDatasetFiles(dataset, detectors, (rows, file) => {
            if (file !== current) [current, files] = [file, files + 1];
            progress.update(rows, { file: `${files}/${dataset.files.length} ${file}` });
          });
          progress.stop();
        }
      } finally {
        if (topic && !flags.keepTopic)
          await backend
            .admin()
            .deleteTopics([topic])
            .catch(() => {});
        await backend.close();
      }
      const result = evaluateBacktest(dataset, scored, flags.viaKafka ? 'kafka' : 'files', threshold);
      const outputs = writeBacktestOutputs(resolve(flags.out), result, {
        dataset: datasetDir,
        configId,
        settings: detectors,
        generatedAt: new Date().toISOString(),
        ...(topic ? { topic } : {}),
      });
      const lines = result.profiles.map(
        (p) =>
          `  ${p.profile.name.padEnd(20)} ${p.score.toFixed(1).padStart(6)}   θ = ${p.threshold}${p.optimized ? '' : ' (fixed)'}`,
      );
      process.stdout.write(
        `NAB score (0 = null detector, 100 = perfect), detector config ${configId}:\n${lines.join('\n')}\n` +
          `wrote ${outputs.scores}, ${outputs.results}/, ${outputs.report}\n` +
          (topic && flags.keepTopic ? `kept topic ${topic}\n` : ''),
      );
    });
}
