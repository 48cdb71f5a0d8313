import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogBackend } from '../../src/app/log-backend.js';
import { silentLogger } from '../../src/observability/logger.js';
import { runVigil } from '../support/vigil-process.js';
import { integrationConfig, integrationEnv, requireServers, uniquePrefix } from './support/servers.js';
import { readWholeTopic } from './support/topic-reader.js';

const NAB = fileURLToPath(new URL('../../../shared/datasets/nab', import.meta.url));
/**
 * A subset of the shared dataset (≈22k rows): CRLF endings (exchange-2, rogue_agent), a repeated timestamp
 * (speed_t4013), files without windows, and files where the default detectors detect windows and raise
 * false positives (77c1ca, rogue_agent, perfect_square_wave), so the comparison is not between zeros.
 */
const FILES = [
  'artificialNoAnomaly/art_daily_no_noise.csv',
  'artificialNoAnomaly/art_daily_perfect_square_wave.csv',
  'realAWSCloudwatch/ec2_cpu_utilization_77c1ca.csv',
  'realAdExchange/exchange-2_cpc_results.csv',
  'realKnownCause/rogue_agent_key_updown.csv',
  'realTraffic/speed_t4013.csv',
];

/** Copies the subset into a NAB-layout directory with its own windows file. */
function subsetDataset(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-it-backtest-'));
  const windows = JSON.parse(readFileSync(join(NAB, 'labels', 'combined_windows.json'), 'utf8'));
  for (const file of FILES) {
    mkdirSync(dirname(join(dir, 'data', file)), { recursive: true });
    copyFileSync(join(NAB, 'data', file), join(dir, 'data', file));
  }
  mkdirSync(join(dir, 'labels'));
  writeFileSync(
    join(dir, 'labels', 'combined_windows.json'),
    JSON.stringify(Object.fromEntries(FILES.map((f) => [f, windows[f]]))),
  );
  mkdirSync(join(dir, 'config'));
  copyFileSync(join(NAB, 'config', 'profiles.json'), join(dir, 'config', 'profiles.json'));
  return dir;
}

describe('vigil backtest --via-kafka on real Kafka', () => {
  const prefix = uniquePrefix('backtest');
  const env = integrationEnv(prefix);
  const backend = createLogBackend(integrationConfig(prefix), silentLogger());
  const dataset = subsetDataset();
  const fromFiles = join(dataset, 'out-files');
  const viaKafka = join(dataset, 'out-kafka');
  let kafkaStdout = '';

  beforeAll(async () => {
    await requireServers();
    await runVigil(['backtest', '--dataset', dataset, '--out', fromFiles], { ...env, KAFKA_BROKERS: '' });
    const run = await runVigil(
      ['backtest', '--dataset', dataset, '--out', viaKafka, '--via-kafka', '--keep-topic'],
      env,
    );
    kafkaStdout = run.stdout.join('\n');
  });
  afterAll(() => backend.close());

  const scores = (out: string) => JSON.parse(readFileSync(join(out, 'scores.json'), 'utf8'));

  it('gives exactly the same per-row anomaly scores as the run from the files', () => {
    for (const file of FILES) {
      const a = readFileSync(join(fromFiles, 'results', file), 'utf8');
      const b = readFileSync(join(viaKafka, 'results', file), 'utf8');
      expect(b.split('\n').length).toBe(a.split('\n').length);
      expect(b).toBe(a);
    }
  });

  it('gives exactly the same scores.json profile numbers and per-file counts', () => {
    const a = scores(fromFiles);
    const b = scores(viaKafka);
    expect(a.source).toBe('files');
    expect(b.source).toBe('kafka');
    expect(b.profiles).toEqual(a.profiles);
    expect(b.files).toEqual(a.files);
    expect(b.detectorConfigId).toBe(a.detectorConfigId);
    // Not a vacuous comparison: the subset has windows and the detector finds some of them.
    expect(a.windows).toBeGreaterThan(0);
    type FileJson = { profiles: { standard: { detectedWindows: number; falsePositives: number } } };
    const standard = (a.files as FileJson[]).map((f) => f.profiles.standard);
    expect(standard.some((f) => f.detectedWindows > 0)).toBe(true);
    expect(standard.some((f) => f.falsePositives > 0)).toBe(true);
    expect(a.profiles.standard.score).not.toBe(0);
  });

  it('wrote one topic for the run: key and series = file id, record time = row time', async () => {
    const topic = scores(viaKafka).topic as string;
    expect(kafkaStdout).toContain(`kept topic ${topic}`);
    expect(topic.startsWith(`${prefix}backtest.`)).toBe(true);
    const records = await readWholeTopic(backend, topic);
    const rows = scores(fromFiles).files.reduce((n: number, f: { rows: number }) => n + f.rows, 0);
    expect(records).toHaveLength(rows);
    const record = records.find((r) => r.key?.toString() === 'realAdExchange/exchange-2_cpc_results.csv')!;
    const point = JSON.parse(record.value!.toString());
    expect(point.series).toBe('realAdExchange/exchange-2_cpc_results.csv');
    expect(point.timestampMs).toBe(record.timestampMs);
    const partitions = new Set(records.filter((r) => r.key?.equals(record.key!)).map((r) => r.partition));
    expect(partitions.size).toBe(1);
    await backend.admin().deleteTopics([topic]);
  });
});
