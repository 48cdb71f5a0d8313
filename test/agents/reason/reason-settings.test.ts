import { describe, expect, it } from 'vitest';
import { parseReasonSettings } from '../../../src/agents/reason/reason-settings.js';
import { ConfigError } from '../../../src/errors.js';

describe('reason settings', () => {
  it('has documented defaults, frozen', () => {
    const s = parseReasonSettings(undefined, 'test');
    expect(s).toMatchObject({
      groupId: 'vigil-reason',
      correlationWindowMs: 600_000,
      rulesFile: 'config/rules.yaml',
      grouping: { byCorrelationKey: true, labelKeys: ['service', 'host'] },
      ranking: { weights: { onset: 0.35, deviation: 0.4, upstream: 0.25 }, onsetHorizonMs: 300_000 },
      llm: {
        enabled: false,
        provider: 'openai',
        baseUrl: 'https://api.openai.com/v1',
        apiKeyEnv: 'OPENAI_API_KEY',
        timeoutMs: 10_000,
        breaker: { failureThreshold: 5, resetTimeoutMs: 60_000 },
        retry: { tries: 3, baseDelayMs: 1000, maxDelayMs: 60_000 },
      },
    });
    expect(s.dependencyGraphFile).toBeUndefined();
    expect(Object.isFrozen(s.llm.retry)).toBe(true);
  });

  it('resolves provider defaults for anthropic', () => {
    const s = parseReasonSettings(
      { llm: { enabled: true, provider: 'anthropic', model: 'claude-x' } },
      'test',
    );
    expect(s.llm).toMatchObject({ baseUrl: 'https://api.anthropic.com', apiKeyEnv: 'ANTHROPIC_API_KEY' });
  });

  it.each([
    [{ llm: { enabled: true } }, /reason\.llm\.model: model is required when llm\.enabled is true/],
    [{ llm: { provider: 'gemini' } }, /reason\.llm\.provider: provider must be "openai" or "anthropic"/],
    [
      { llm: { apiKeyEnv: 'not a name' } },
      /reason\.llm\.apiKeyEnv: apiKeyEnv must be an environment variable name/,
    ],
    [{ llm: { timeoutMs: 5000, budgetMs: 1000 } }, /reason\.llm\.timeoutMs: timeoutMs must be <= budgetMs/],
    [{ correlationWindowMs: 0 }, /reason\.correlationWindowMs: correlationWindowMs must be >= 1/],
    [
      { ranking: { weights: { onset: 0, deviation: 0, upstream: 0 } } },
      /reason\.ranking\.weights: at least one ranking weight must be > 0/,
    ],
    [{ ranking: { weights: { onset: -1 } } }, /reason\.ranking\.weights\.onset: onset must be >= 0/],
    [{ colour: 'red' }, /reason/],
  ])('names the bad setting: %#', (raw, message) => {
    expect(() => parseReasonSettings(raw, 'vigil.yaml')).toThrow(ConfigError);
    expect(() => parseReasonSettings(raw, 'vigil.yaml')).toThrow(message);
  });
});
