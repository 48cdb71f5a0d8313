import { describe, expect, it } from 'vitest';
import { createNotifiers } from '../../../src/actions/notifiers/create-notifiers.js';
import { parseActSettings } from '../../../src/agents/act/act-settings.js';
import { ConfigError } from '../../../src/errors.js';

describe('act settings', () => {
  it('fills every default', () => {
    const s = parseActSettings(undefined, 'test');
    expect(s).toMatchObject({
      groupId: 'vigil-act',
      policiesFile: 'config/policies.yaml',
      runbooksFile: 'config/runbooks.yaml',
      dryRun: true,
      cooldownMs: 900_000,
      approvalAboveBlastRadius: 0.25,
      verifyWithinMs: 600_000,
      failurePolicy: { decode: 'dead-letter', handler: 'dead-letter', produce: 'retry' },
    });
    expect(s.notifiers).toMatchObject({
      allowPlainHttp: false,
      timeoutMs: 5_000,
      deliveryBudgetMs: 15_000,
      retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 5_000 },
      breaker: {
        errorThresholdPercentage: 50,
        volumeThreshold: 5,
        resetTimeoutMs: 30_000,
        rollingWindowMs: 60_000,
      },
      webhooks: {},
    });
    expect(s.notifiers.allowedHosts).toContain('hooks.slack.com');
    expect(s.store.timeoutMs).toBe(3_000);
    expect(Object.isFrozen(s.notifiers.retry)).toBe(true);
  });

  it('names each bad setting under act.', () => {
    let text = '';
    try {
      parseActSettings(
        {
          cooldownMs: -1,
          approvalAboveBlastRadius: 2,
          notifiers: { retry: { maxAttempts: 0 }, webhooks: { 'bad name': { url: 'x' } } },
          bogus: 1,
        },
        'vigil.yaml',
      );
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      text = (error as Error).message;
    }
    expect(text).toContain('vigil.yaml');
    expect(text).toContain('act.cooldownMs: cooldownMs must be >= 0');
    expect(text).toContain('act.approvalAboveBlastRadius: approvalAboveBlastRadius must be in [0, 1]');
    expect(text).toContain('act.notifiers.retry.maxAttempts: maxAttempts must be >= 1');
    expect(text).toContain('webhook names use letters');
    expect(text).toMatch(/bogus/);
  });

  it('parsed notifier settings build notifiers, and the default allow-list refuses other hosts', () => {
    const ok = parseActSettings(
      {
        notifiers: {
          slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/x' },
          pagerduty: { routingKey: 'k' },
        },
      },
      'test',
    );
    const notifiers = createNotifiers(ok.notifiers);
    expect([...notifiers.keys()].sort()).toEqual(['pagerduty', 'slack']);
    for (const n of notifiers.values()) n.shutdown();
    const bad = parseActSettings(
      { notifiers: { webhooks: { ops: { url: 'https://10.0.0.1/hook' } } } },
      'test',
    );
    expect(() => createNotifiers(bad.notifiers)).toThrow(
      /host 10\.0\.0\.1 of webhook:ops is not on the allow-list/,
    );
  });
});
