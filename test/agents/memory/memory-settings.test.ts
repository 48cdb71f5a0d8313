import { describe, expect, it } from 'vitest';
import { memorySettingsSchema, parseMemorySettings } from '../../../src/agents/memory/memory-settings.js';
import { ConfigError } from '../../../src/errors.js';

describe('memory settings', () => {
  it('fills every default', () => {
    const s = parseMemorySettings(undefined, 'defaults');
    expect(s).toMatchObject({
      groupId: 'vigil-memory',
      topK: 5,
      embedTimeoutMs: 2000,
      searchTimeoutMs: 500,
      breaker: { failuresToOpen: 5, resetTimeoutMs: 60_000 },
      correlation: { labelKeys: ['service', 'app'], dependencyGroups: {} },
      excludeFalsePositives: true,
      vectorStore: { backend: 'pglite', table: 'vigil_incidents', collection: 'vigil_incidents' },
    });
    expect(s.modelsDir).toMatch(/\.cache\/vigil\/models$/);
    expect(Object.isFrozen(s)).toBe(true);
    expect(memorySettingsSchema.parse({ topK: 9 }).topK).toBe(9);
  });

  it('names each bad setting under memory. and the source', () => {
    const attempt = () =>
      parseMemorySettings(
        { topK: 0, breaker: { failuresToOpen: 2.5 }, vectorStore: { backend: 'qdrant' }, extra: 1 },
        'vigil.yaml',
      );
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/vigil\.yaml/);
    expect(attempt).toThrow(/memory\.topK: topK must be >= 1/);
    expect(attempt).toThrow(/memory\.breaker\.failuresToOpen: failuresToOpen must be an integer/);
    expect(attempt).toThrow(/memory: Unrecognized key: "extra"|memory.*extra/);
    expect(() => parseMemorySettings({ vectorStore: { backend: 'qdrant' } }, 'f')).toThrow(/needs qdrantUrl/);
    expect(() =>
      parseMemorySettings({ vectorStore: { backend: 'postgres', postgresUrl: 'postgres://x' } }, 'f'),
    ).not.toThrow();
  });
});
