import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/app-config.js';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_DETECTOR_CONFIG } from '../../src/streams/index.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('configuration', () => {
  it('defaults to the embedded log with the default detectors and frozen values', () => {
    const config = loadConfig({ env: {} });
    expect(config.mode).toBe('embedded');
    expect(config.detect.detectors).toEqual(DEFAULT_DETECTOR_CONFIG);
    expect(config.topics.names).toEqual({
      metrics: 'metrics',
      metricsDeadLetter: 'metrics.dlq',
      anomalies: 'anomalies',
      detectChangelog: 'vigil-detect.detectors.changelog',
      anomaliesDeadLetter: 'anomalies.dlq',
      contexts: 'contexts',
      contextsDeadLetter: 'contexts.dlq',
      hypotheses: 'hypotheses',
      hypothesesDeadLetter: 'hypotheses.dlq',
      actions: 'actions',
    });
    expect(Object.isFrozen(config.topics.names)).toBe(true);
    expect(() => {
      (config.detect as { exactlyOnce: boolean }).exactlyOnce = false;
    }).toThrow();
  });

  it('layers file < environment < flags', () => {
    const path = file('vigil.yaml', 'topics:\n  prefix: file.\n  partitions: 3\nlog:\n  level: debug\n');
    const config = loadConfig({
      env: { VIGIL_CONFIG: path, VIGIL_TOPIC_PREFIX: 'env.', KAFKA_BROKERS: 'a:1, b:2' },
      overrides: { log: { level: 'error' } },
    });
    expect(config.mode).toBe('kafka');
    expect(config.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(config.topics.partitions).toBe(3);
    expect(config.topics.names.metrics).toBe('env.metrics');
    expect(config.log.level).toBe('error');
  });

  it.each([
    [{ KAFKA_BROKERS: 'localhost' }, /kafka\.brokers\.0: each broker is host:port/],
    [{ VIGIL_PARTITIONS: 'six' }, /VIGIL_PARTITIONS="six" must be an integer/],
    [{ VIGIL_PARTITIONS: '0' }, /topics\.partitions/],
    [{ SCHEMA_REGISTRY_URL: 'registry' }, /schemaRegistry\.url/],
    [{ LOG_LEVEL: 'loud' }, /log\.level/],
    [{ VIGIL_EXACTLY_ONCE: 'maybe' }, /VIGIL_EXACTLY_ONCE="maybe" must be true or false/],
    [{ VIGIL_DETECTORS: '/no/such/file.yaml' }, /cannot read detector settings file \/no\/such\/file\.yaml/],
    [{ VIGIL_CONFIG: '/no/such/vigil.yaml' }, /cannot read config file \/no\/such\/vigil\.yaml/],
  ])('stops on bad input %o with a message saying what to fix', (env, message) => {
    expect(() => loadConfig({ env })).toThrow(ConfigError);
    expect(() => loadConfig({ env })).toThrow(message);
  });

  it('rejects unknown keys in the config file, naming them', () => {
    const path = file('typo.yaml', 'topics:\n  partitons: 3\n');
    expect(() => loadConfig({ env: { VIGIL_CONFIG: path } })).toThrow(
      /topics: Unrecognized key: "partitons"/,
    );
  });
});
