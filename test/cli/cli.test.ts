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
    // The whole chain: the correlated orders incident, its similar past incidents, hypotheses, actions.
    expect(text).toContain('stages detect → memory → reason → act');
    expect(text).toMatch(/incident inc-[0-9a-f]{16} on orders: 3 anomalies on 3 series/);
    expect(text).toMatch(/similar past incidents:\n {6}0\.\d\d INC-/);
    expect(text).toContain('database connection pool exhausted on orders');
    expect(text).toContain('alert → slack: not sent: no slack destination configured');
    expect(text).toMatch(/dry-run restart-connection-pool\/restart-pool: would restart orders/);
    expect(text).toMatch(/chain summary: (\d+) anomalies → \1 contexts \(0 degraded\)/);
    expect(text).toMatch(/alerts: 0 sent, 0 failed, [1-9]\d* not sent/);
    expect(text).toMatch(/incident store \(pglite \(in memory\)\): [1-9]\d* incidents recorded/);
  }, 90_000);

  it('runs only the detect stage when asked', async () => {
    const { stdout } = await runVigil(
      ['run', 'detect', '--series', '8', '--points', '80', '--rate', '50000'],
      noServers,
    );
    const text = stdout.join('\n');
    expect(text).toMatch(/stages detect$/m);
    expect(text).not.toContain('chain summary');
  }, 60_000);

  it('stops at startup, saying to run npm run models:fetch, when the embedding model is missing', async () => {
    const process = startVigil(['run'], { ...noServers, VIGIL_MODELS_DIR: '/nonexistent/vigil-models' });
    expect(await process.exited).toBe(1);
    const stderr = process.stderr.join('\n');
    expect(stderr).toContain('Run `npm run models:fetch`');
    expect(stderr).toContain('VIGIL_ERR_EMBEDDINGS_MODEL_MISSING');
  }, 60_000);

  it('refuses a single agent stage on the embedded log, where it would have no input', async () => {
    const process = startVigil(['run', 'memory'], noServers);
    expect(await process.exited).toBe(1);
    expect(process.stderr.join('\n')).toContain('stage memory has no input');
  });

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
