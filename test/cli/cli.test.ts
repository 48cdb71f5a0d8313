import { describe, expect, it } from 'vitest';
import { runVigil, startVigil } from '../support/vigil-process.js';

const noServers = { KAFKA_BROKERS: '', SCHEMA_REGISTRY_URL: '', VIGIL_CONFIG: '', LOG_LEVEL: '' };

describe('vigil CLI', () => {
  it('--help lists the commands, the environment and where to start', async () => {
    const { stdout } = await runVigil(['--help'], noServers);
    const text = stdout.join('\n');
    for (const word of [
      'run',
      'produce',
      'replay',
      'topics',
      'KAFKA_BROKERS',
      'SCHEMA_REGISTRY_URL',
      'VIGIL_DETECTORS',
      'Start here',
    ]) {
      expect(text).toContain(word);
    }
  });

  it.each(['run', 'produce', 'replay', 'topics'])(
    '%s --help explains the command with examples',
    async (command) => {
      const { stdout } = await runVigil([command, '--help'], noServers);
      expect(stdout.join('\n')).toMatch(/Usage: vigil /);
      if (command !== 'topics') expect(stdout.join('\n')).toContain('Examples:');
    },
  );

  it('runs the embedded demo end to end without servers and reports what it found', async () => {
    const { stdout } = await runVigil(
      ['run', '--series', '16', '--points', '120', '--rate', '50000', '--seed', '3'],
      noServers,
    );
    const text = stdout.join('\n');
    expect(text).toContain('embedded in-process log (no servers)');
    expect(text).toMatch(/injected incidents detected: (\d+)\/\1/);
    expect(text).toContain('anomalies on series without an injected incident: 0');
    expect(stdout.filter((l) => /^ {2}(low|MEDIUM|HIGH|CRITICAL)/.test(l)).length).toBeGreaterThan(0);
  }, 60_000);

  it('stops with exit code 2 and says what to fix on a bad setting', async () => {
    const process = startVigil(['run', '--no-demo'], { ...noServers, VIGIL_PARTITIONS: 'lots' });
    expect(await process.exited).toBe(2);
    expect(process.stderr.join('\n')).toContain('VIGIL_PARTITIONS="lots" must be an integer');
  });

  it('says that produce needs Kafka when none is configured', async () => {
    const process = startVigil(['produce', 'points.jsonl'], noServers);
    expect(await process.exited).toBe(1);
    expect(process.stderr.join('\n')).toContain('needs a Kafka cluster: set KAFKA_BROKERS');
  });

  it('rejects an unknown stage', async () => {
    const process = startVigil(['run', 'reasoning'], noServers);
    expect(await process.exited).toBe(1);
    expect(process.stderr.join('\n')).toContain('unknown stage "reasoning"');
  });
});
