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
      reasonChangelog: 'vigil-reason.incidents.changelog',
      actChangelog: 'vigil-act.act.changelog',
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
    [{ VIGIL_TOPIC_RETENTION_MS: '7d' }, /VIGIL_TOPIC_RETENTION_MS="7d" must be an integer/],
    [{ VIGIL_TOPIC_RETENTION_MS: '-2' }, /topics\.retentionMs/],
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

  it('mounts the memory, reason and act sections with their defaults', () => {
    const config = loadConfig({ env: {} });
    expect(config.memory.groupId).toBe('vigil-memory');
    expect(config.memory.vectorStore.backend).toBe('pglite');
    expect(config.reason.groupId).toBe('vigil-reason');
    expect(config.reason.llm.enabled).toBe(false);
    expect(config.reason.llm.apiKeyEnv).toBe('OPENAI_API_KEY');
    expect(config.act.groupId).toBe('vigil-act');
    expect(config.act.notifiers.webhooks).toEqual({});
    expect(config.storage).toEqual({ dataDir: '.vigil/incidents' });
    expect(config.secrets.llmApiKey).toBeUndefined();
    expect(Object.isFrozen(config.act.notifiers)).toBe(true);
  });

  it('maps the agent-chain environment variables through the config', () => {
    const config = loadConfig({
      env: {
        DATABASE_URL: 'postgres://u:p@db:5432/vigil',
        VIGIL_DATA_DIR: '/var/lib/vigil',
        QDRANT_URL: 'http://qdrant:6333',
        VIGIL_MODELS_DIR: '/models',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x',
        PAGERDUTY_ROUTING_KEY: 'R0UT1NG',
        VIGIL_WEBHOOK_URL: 'https://ops.example.com/hook',
        VIGIL_ALLOWED_HOSTS: 'ops.example.com, *.internal.example.com',
        VIGIL_MEMORY_GROUP: 'm',
        VIGIL_REASON_GROUP: 'r',
        VIGIL_ACT_GROUP: 'a',
        VIGIL_TOPIC_PREFIX: 'p.',
        OPENAI_API_KEY: 'sk-test',
      },
    });
    expect(config.storage.databaseUrl).toBe('postgres://u:p@db:5432/vigil');
    expect(config.storage.dataDir).toBe('/var/lib/vigil');
    expect(config.memory.vectorStore).toMatchObject({ backend: 'qdrant', qdrantUrl: 'http://qdrant:6333' });
    expect(config.memory.modelsDir).toBe('/models');
    expect(config.act.notifiers.slack).toEqual({ webhookUrl: 'https://hooks.slack.com/services/T/B/x' });
    expect(config.act.notifiers.pagerduty).toEqual({ routingKey: 'R0UT1NG' });
    expect(config.act.notifiers.webhooks).toEqual({ default: { url: 'https://ops.example.com/hook' } });
    expect(config.act.notifiers.allowedHosts).toEqual([
      'hooks.slack.com',
      'events.pagerduty.com',
      'events.eu.pagerduty.com',
      'ops.example.com',
      '*.internal.example.com',
    ]);
    expect([config.memory.groupId, config.reason.groupId, config.act.groupId]).toEqual(['m', 'r', 'a']);
    expect(config.topics.names.reasonChangelog).toBe('p.r.incidents.changelog');
    expect(config.topics.names.actChangelog).toBe('p.a.act.changelog');
    expect(config.secrets.llmApiKey).toBe('sk-test');
  });

  it('reads the LLM key from the variable reason.llm.apiKeyEnv names', () => {
    const path = file(
      'llm.yaml',
      'reason:\n  llm:\n    enabled: true\n    provider: anthropic\n    model: claude-x\n    apiKeyEnv: MY_LLM_KEY\n',
    );
    const config = loadConfig({ env: { VIGIL_CONFIG: path, MY_LLM_KEY: 'k-1', ANTHROPIC_API_KEY: 'other' } });
    expect(config.reason.llm.baseUrl).toBe('https://api.anthropic.com');
    expect(config.secrets.llmApiKey).toBe('k-1');
  });

  it('adds VIGIL_ALLOWED_HOSTS to the allow-list of the config file', () => {
    const path = file('hosts.yaml', 'act:\n  notifiers:\n    allowedHosts: [a.example.com]\n');
    const config = loadConfig({ env: { VIGIL_CONFIG: path, VIGIL_ALLOWED_HOSTS: 'b.example.com' } });
    expect(config.act.notifiers.allowedHosts).toEqual(['a.example.com', 'b.example.com']);
  });

  it.each([
    ['memory:\n  topK: 0\n', /memory\.topK: topK must be >= 1/],
    ['reason:\n  llm:\n    enabled: true\n', /reason\.llm\.model: model is required/],
    ['act:\n  cooldownMs: -1\n', /act\.cooldownMs: cooldownMs must be >= 0/],
    ['storage:\n  databaseUrl: mysql://x\n', /storage\.databaseUrl/],
  ])('names bad agent settings with their section: %s', (text, message) => {
    const path = file('bad-agent.yaml', text);
    expect(() => loadConfig({ env: { VIGIL_CONFIG: path } })).toThrow(message);
  });
});
