import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatNabTimestamp, parseNabCsv, parseNabTimestamp } from '../../src/backtest/nab-csv.js';
import { loadNabDataset } from '../../src/backtest/nab-dataset.js';
import { NAB_PROFILES } from '../../src/backtest/nab-profiles.js';
import { layoutFile, NO_DETECTION_THRESHOLD, scoreCorpus } from '../../src/backtest/nab-scorer.js';
import { parseNabWindows } from '../../src/backtest/nab-windows.js';
import { NAB_DATASET } from './support.js';

describe('NAB files', () => {
  it('parses LF and CRLF files to the same rows', () => {
    const lf = 'timestamp,value\n2014-04-01 00:00:00,1.5\n2014-04-01 00:05:00,-2\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const a = parseNabCsv(lf, 'lf.csv');
    expect(parseNabCsv(crlf, 'crlf.csv')).toEqual(a);
    expect([...a.timestampsMs]).toEqual([Date.UTC(2014, 3, 1), Date.UTC(2014, 3, 1, 0, 5)]);
    expect([...a.values]).toEqual([1.5, -2]);
  });

  it('parses the real CRLF files of the dataset', () => {
    for (const file of [
      'realAdExchange/exchange-2_cpc_results.csv',
      'realKnownCause/rogue_agent_key_updown.csv',
    ]) {
      const text = readFileSync(join(NAB_DATASET, 'data', file), 'utf8');
      expect(text).toContain('\r\n');
      const rows = parseNabCsv(text, file);
      expect(rows.timestampsMs.length).toBe(text.trim().split('\n').length - 1);
      expect(rows.values.every(Number.isFinite)).toBe(true);
    }
  });

  it('reads window times with the .000000 suffix as the same instant as the CSV time', () => {
    expect(parseNabTimestamp('2014-04-10 07:15:00.000000')).toBe(parseNabTimestamp('2014-04-10 07:15:00'));
    expect(formatNabTimestamp(parseNabTimestamp('2014-04-10 07:15:00'))).toBe('2014-04-10 07:15:00');
    expect(parseNabTimestamp('10/04/2014')).toBeNaN();
  });

  it('names the line of a bad row', () => {
    expect(() => parseNabCsv('timestamp,value\n2014-04-01 00:00:00,x\n', 'f.csv')).toThrow(/f.csv line 2/);
    expect(() => parseNabCsv('time,value\n', 'f.csv')).toThrow(/header/);
    expect(() => parseNabWindows({ 'a.csv': [['2014-04-01', 'x']] }, 'w.json')).toThrow(/a.csv window 0/);
  });
});

describe('the shared NAB dataset', () => {
  const dataset = loadNabDataset(NAB_DATASET);
  const layouts = dataset.files.map((f) =>
    layoutFile({ file: f.file, timestampsMs: f.timestampsMs, windows: f.windows }),
  );

  it('has 41 series and 79 windows, every window edge on a row and after the probationary period', () => {
    expect(dataset.files).toHaveLength(41);
    expect(dataset.windowCount).toBe(79);
    expect(dataset.profiles.map((p) => p.name)).toEqual(NAB_PROFILES.map((p) => p.name));
    expect(dataset.profiles).toEqual(NAB_PROFILES);
    const windows = layouts.flatMap((l) => l.windows.map((w) => ({ ...w, probation: l.probation })));
    expect(windows).toHaveLength(79);
    for (const w of windows) expect(w.left).toBeGreaterThanOrEqual(w.probation);
  });

  it('a detector firing on the first row of every window and nowhere else scores 100 on every profile', () => {
    const files = layouts.map((layout) => {
      const scores = new Float64Array(layout.rows);
      for (const w of layout.windows) scores[w.left] = 1;
      return { layout, scores };
    });
    for (const profile of dataset.profiles) {
      const result = scoreCorpus(files, profile);
      expect(result.score).toBeCloseTo(100, 10);
      expect(result.threshold).toBe(1);
      expect(result.windows).toBe(79);
      expect(result.files.reduce((n, f) => n + f.falsePositives, 0)).toBe(0);
    }
  });

  it('a detector that never fires scores 0 on every profile', () => {
    const files = layouts.map((layout) => ({ layout, scores: new Float64Array(layout.rows) }));
    for (const profile of dataset.profiles) {
      const result = scoreCorpus(files, profile);
      expect(result.score).toBe(0);
      expect(result.threshold).toBe(NO_DETECTION_THRESHOLD);
      expect(result.rawScore).toBe(-profile.fnWeight * 79);
    }
  });

  it('a detector firing on every row loses to the null detector at any fixed threshold', () => {
    const files = layouts.map((layout) => ({ layout, scores: new Float64Array(layout.rows).fill(1) }));
    const result = scoreCorpus(files, dataset.profiles[0]!, 0.5);
    expect(result.score).toBeLessThan(0);
    expect(result.files.every((f) => f.detectedWindows === f.windows)).toBe(true);
  });
});
