import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCodecs } from '../../src/app/codecs.js';
import { buildScoresJson, resultsCsv, writeBacktestOutputs } from '../../src/backtest/backtest-output.js';
import { renderBacktestReport } from '../../src/backtest/backtest-report.js';
import { evaluateBacktest, scoreDatasetFiles } from '../../src/backtest/backtest-runner.js';
import { produceDataset, scoreTopic } from '../../src/backtest/log-source.js';
import { loadNabDataset } from '../../src/backtest/nab-dataset.js';
import { anomalyScore } from '../../src/backtest/series-scorer.js';
import { MemoryLogBackend } from '../../src/consumers/memory-log/memory-backend.js';
import { createSeriesDetector, DEFAULT_DETECTOR_CONFIG } from '../../src/streams/index.js';
import { syntheticCsv, syntheticTime, writeDataset } from './support.js';

const dir = writeDataset(
  {
    'alpha/spiky.csv': syntheticCsv(400, 300),
    'beta/crlf.csv': syntheticCsv(300, 250, '\r\n'),
    'beta/quiet.csv': syntheticCsv(200, -1),
  },
  {
    'alpha/spiky.csv': [[syntheticTime(295), syntheticTime(310)]],
    'beta/crlf.csv': [[syntheticTime(245), syntheticTime(260)]],
    'beta/quiet.csv': [],
  },
);
const dataset = loadNabDataset(dir);

describe('backtest runner', () => {
  it('runs one fresh detector per file; a row scores the combined score once warm, 0 before', () => {
    const scored = scoreDatasetFiles(dataset, DEFAULT_DETECTOR_CONFIG);
    for (const file of dataset.files) {
      const detector = createSeriesDetector(DEFAULT_DETECTOR_CONFIG);
      const expected = [...file.timestampsMs].map((t, i) => {
        const evaluation = detector.update(t, file.values[i]!);
        return evaluation.warm ? evaluation.score : 0;
      });
      expect(scored.get(file.file)!.scores).toEqual(expected);
      expect(expected.slice(0, DEFAULT_DETECTOR_CONFIG.warmupPoints).every((s) => s === 0)).toBe(true);
    }
    expect(anomalyScore({ warm: false, score: 0.9 } as never)).toBe(0);
  });

  it('finds the injected spikes: both windows detected at the optimised threshold', () => {
    const result = evaluateBacktest(dataset, scoreDatasetFiles(dataset, DEFAULT_DETECTOR_CONFIG), 'files');
    const standard = result.profiles[0]!;
    expect(standard.windows).toBe(2);
    expect(standard.files.map((f) => f.detectedWindows)).toEqual([1, 1, 0]);
    expect(standard.score).toBeGreaterThan(80);
  });

  it('gives the same per-row scores and profile numbers through a log (in-process) as from the files', async () => {
    const backend = new MemoryLogBackend();
    const topic = 'backtest.test';
    const written = await produceDataset(dataset, { backend, topic, partitions: 3, chunk: 64 });
    expect(written).toBe(900);
    const decoder = createCodecs({ schemaRegistry: {} }).metricDecoder;
    const viaLog = await scoreTopic({ backend, decoder, topic, detectors: DEFAULT_DETECTOR_CONFIG });
    const fromFiles = scoreDatasetFiles(dataset, DEFAULT_DETECTOR_CONFIG);
    for (const file of dataset.files) expect(viaLog.get(file.file)).toEqual(fromFiles.get(file.file));
    const a = evaluateBacktest(dataset, viaLog, 'kafka');
    const b = evaluateBacktest(dataset, fromFiles, 'files');
    expect(a.profiles.map((p) => [p.score, p.threshold])).toEqual(
      b.profiles.map((p) => [p.score, p.threshold]),
    );
    await backend.close();
  });

  it('refuses a replay that lost rows', () => {
    const scored = scoreDatasetFiles(
      { ...dataset, files: dataset.files.filter((f) => f.file !== 'beta/quiet.csv') },
      DEFAULT_DETECTOR_CONFIG,
    );
    expect(() => evaluateBacktest(dataset, scored, 'kafka')).toThrow(
      /beta\/quiet.csv: the detector saw 0 rows/,
    );
  });

  it('scores at a fixed threshold when one is given', () => {
    const result = evaluateBacktest(
      dataset,
      scoreDatasetFiles(dataset, DEFAULT_DETECTOR_CONFIG),
      'files',
      1.1,
    );
    expect(result.profiles.map((p) => p.score)).toEqual([0, 0, 0]);
    expect(result.profiles.every((p) => !p.optimized && p.threshold === 1.1)).toBe(true);
  });
});

describe('backtest outputs', () => {
  const result = evaluateBacktest(dataset, scoreDatasetFiles(dataset, DEFAULT_DETECTOR_CONFIG), 'files');
  const meta = { dataset: dir, configId: 'abc123', settings: DEFAULT_DETECTOR_CONFIG };

  it('scores.json has the profile scores, thresholds and per-file counts', () => {
    const json = buildScoresJson(result, meta);
    expect(Object.keys(json.profiles)).toEqual(['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']);
    expect(json.profiles.standard).toMatchObject({
      score: result.profiles[0]!.score,
      threshold: result.profiles[0]!.threshold,
    });
    expect(json.detectorConfigId).toBe('abc123');
    expect(json.files.map((f) => f.file)).toEqual(['alpha/spiky.csv', 'beta/crlf.csv', 'beta/quiet.csv']);
    const spiky = json.files[0]!.profiles.standard!;
    expect(spiky).toMatchObject({ windows: 1, detectedWindows: 1, recall: 1 });
    expect(spiky.windowDetails[0]!.timeToDetectMs).toBeGreaterThanOrEqual(0);
  });

  it('results CSVs hold timestamp,value,anomaly_score for every row', () => {
    const csv = resultsCsv(result.series[1]!).trim().split('\n');
    expect(csv[0]).toBe('timestamp,value,anomaly_score');
    expect(csv).toHaveLength(301);
    expect(csv[1]).toMatch(/^2014-04-01 00:00:00,[\d.]+,0$/);
  });

  it('writes scores.json, results/<category>/<file>.csv and a self-contained report.html', () => {
    const out = join(dir, 'out');
    const paths = writeBacktestOutputs(out, result, { ...meta, generatedAt: '2026-01-01T00:00:00Z' });
    expect(JSON.parse(readFileSync(paths.scores, 'utf8')).profiles.standard.score).toBe(
      result.profiles[0]!.score,
    );
    expect(existsSync(join(out, 'results', 'beta', 'crlf.csv'))).toBe(true);
    const html = readFileSync(paths.report, 'utf8');
    expect(html).not.toMatch(/(src|href)=["']https?:/);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html.match(/<section class="card series"/g)).toHaveLength(3);
    expect(html).toContain('Windowed Gaussian');
    expect(html).toContain('id="sort"');
  });

  it('escapes file names in the report', () => {
    const renamed = { ...result, series: result.series.map((s) => ({ ...s, series: `<b>${s.series}` })) };
    const html = renderBacktestReport(renamed, { ...meta, generatedAt: 'now' });
    expect(html).not.toContain('<b>alpha');
    expect(html).toContain('&lt;b&gt;alpha');
  });
});
