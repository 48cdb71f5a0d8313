import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFromPath, readMetricFile } from '../../src/io/metric-file-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-files-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

async function rows(path: string, defaults = {}) {
  const out = [];
  for await (const row of readMetricFile(path, formatFromPath(path), defaults)) out.push(row);
  return out;
}

describe('metric file reader', () => {
  it('reads NAB-style CSV (timestamp,value) with a default series, zone-less times as UTC', async () => {
    const path = write('nab.csv', 'timestamp,value\n2014-04-10 00:00:00,12.5\n2014-04-10 00:05:00,13\n');
    const out = await rows(path, { series: 'nyc', labels: { source: 'nab' } });
    expect(out).toEqual([
      {
        line: 1,
        record: { series: 'nyc', value: 12.5, labels: { source: 'nab' }, timestamp: '2014-04-10T00:00:00Z' },
      },
      {
        line: 2,
        record: { series: 'nyc', value: 13, labels: { source: 'nab' }, timestamp: '2014-04-10T00:05:00Z' },
      },
    ]);
  });

  it('turns extra CSV columns into labels and reads epoch-ms timestamps', async () => {
    const path = write('full.csv', 'series,timestamp,value,host\ncpu,1700000000000,0.5,web-1\n');
    const [row] = await rows(path);
    expect(row!.record).toEqual({
      series: 'cpu',
      timestamp: 1700000000000,
      value: 0.5,
      labels: { host: 'web-1' },
    });
  });

  it('reports malformed JSON lines with their line number instead of stopping', async () => {
    const path = write(
      'points.jsonl',
      '{"series":"a","timestampMs":1700000000000,"value":1}\n\nnot json\n[1]\n',
    );
    const out = await rows(path);
    expect(out[0]!.record.series).toBe('a');
    expect(out[1]!.line).toBe(3);
    expect(out[1]!.record.__invalid).toMatch(/JSON/);
    expect(out[2]!.record.__invalid).toBe('not a JSON object');
  });

  it('asks for --format when the extension says nothing', () => {
    expect(() => formatFromPath('points.txt')).toThrow(/--format csv or --format jsonl/);
  });
});
