import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseThresholdFlag } from '../../src/cli/commands/backtest-command.js';
import { runVigil, startVigil } from '../support/vigil-process.js';
import { syntheticCsv, syntheticTime, writeDataset } from './support.js';

const noServers = { KAFKA_BROKERS: '', SCHEMA_REGISTRY_URL: '', VIGIL_CONFIG: '', LOG_LEVEL: '' };
const dir = writeDataset(
  { 'alpha/spiky.csv': syntheticCsv(400, 300), 'beta/crlf.csv': syntheticCsv(300, 250, '\r\n') },
  {
    'alpha/spiky.csv': [[syntheticTime(295), syntheticTime(310)]],
    'beta/crlf.csv': [[syntheticTime(245), syntheticTime(260)]],
  },
);

describe('vigil backtest', () => {
  it('--help explains the outputs and gives examples', async () => {
    const { stdout } = await runVigil(['backtest', '--help'], noServers);
    const text = stdout.join('\n');
    for (const word of [
      'Usage: vigil backtest',
      '--dataset',
      '--via-kafka',
      'scores.json',
      'report.html',
      'Examples:',
    ])
      expect(text).toContain(word);
  });

  it('writes scores.json, results and the report, and prints the three profile scores', async () => {
    const out = join(dir, 'out');
    const { stdout } = await runVigil(['backtest', '--dataset', dir, '--out', out], noServers);
    const scores = JSON.parse(readFileSync(join(out, 'scores.json'), 'utf8'));
    for (const profile of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) {
      expect(stdout.join('\n')).toContain(profile);
      expect(scores.profiles[profile].score).toBeGreaterThan(50);
    }
    expect(scores.detectorConfigId).toMatch(/^[0-9a-f]{12}$/);
    expect(existsSync(join(out, 'results', 'alpha', 'spiky.csv'))).toBe(true);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });

  it('scores at a fixed --threshold', async () => {
    const out = join(dir, 'fixed');
    await runVigil(['backtest', '--dataset', dir, '--out', out, '--threshold', '1.1'], noServers);
    const scores = JSON.parse(readFileSync(join(out, 'scores.json'), 'utf8'));
    expect(scores.profiles.standard).toMatchObject({ score: 0, threshold: 1.1 });
  });

  it('says that --via-kafka needs KAFKA_BROKERS', async () => {
    const process = startVigil(
      ['backtest', '--dataset', dir, '--out', join(dir, 'k'), '--via-kafka'],
      noServers,
    );
    expect(await process.exited).toBe(1);
    expect(process.stderr.join('\n')).toContain('needs a Kafka cluster: set KAFKA_BROKERS');
  });

  it('says what a dataset directory must hold', async () => {
    const process = startVigil(
      ['backtest', '--dataset', join(dir, 'nope'), '--out', join(dir, 'x')],
      noServers,
    );
    expect(await process.exited).toBe(1);
    expect(process.stderr.join('\n')).toMatch(/NAB's layout/);
  });

  it('validates --threshold', () => {
    expect(parseThresholdFlag('0.5')).toBe(0.5);
    expect(parseThresholdFlag(undefined)).toBeUndefined();
    expect(() => parseThresholdFlag('high')).toThrow(/\[0, 1.1\]/);
    expect(() => parseThresholdFlag('2')).toThrow(/\[0, 1.1\]/);
  });
});
