import { describe, expect, it } from 'vitest';
import {
  checkPolicyReferences,
  loadPoliciesFile,
  parsePolicies,
  selectPolicy,
} from '../../src/actions/policies.js';
import { loadRunbooksFile, parseRunbooks } from '../../src/actions/runbooks/runbook-catalog.js';
import { ConfigError } from '../../src/errors.js';
import { hypothesisEvent } from './support/hypothesis-fixture.js';

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('policies file', () => {
  it('ships a valid default whose references resolve against the shipped runbooks', () => {
    const policies = loadPoliciesFile('config/policies.yaml');
    const runbooks = loadRunbooksFile('config/runbooks.yaml');
    expect(policies.policies.at(-1)!.name).toBe('default');
    expect(() =>
      checkPolicyReferences(policies, new Set(['slack', 'pagerduty']), new Set(runbooks.runbooks.keys())),
    ).not.toThrow();
  });

  it('names the policy and the field of each problem', () => {
    const text = message(() =>
      parsePolicies(
        {
          policies: [
            { name: 'db', match: { causePattern: '(unclosed', minSeverity: 'huge' }, notify: ['email'] },
            { name: 'ok', notify: ['slack'], approvalAboveBlastRadius: 3 },
          ],
        },
        'policies.yaml',
      ),
    );
    expect(text).toContain('policies.yaml');
    expect(text).toContain('policy "db" field match.causePattern: is not a valid regular expression');
    expect(text).toContain('policy "db" field match.minSeverity: must be one of low, medium, high, critical');
    expect(text).toContain('policy "db" field notify.0: each target is slack, pagerduty or webhook:<name>');
    expect(text).toContain('policy "ok" field approvalAboveBlastRadius: must be in [0, 1]');
  });

  it('rejects duplicate names, unknown keys and references to missing destinations or runbooks', () => {
    expect(message(() => parsePolicies({ policies: [{ name: 'a' }, { name: 'a' }] }, 'p'))).toContain(
      'policy "a": duplicate name',
    );
    expect(message(() => parsePolicies({ policies: [{ name: 'a', sevrity: 'high' }] }, 'p'))).toContain(
      'policy "a"',
    );
    const set = parsePolicies({ policies: [{ name: 'x', notify: ['webhook:ops'], runbook: 'nope' }] }, 'p');
    const text = message(() => checkPolicyReferences(set, new Set(['slack']), new Set(['rb'])));
    expect(text).toContain('policy "x" field notify: webhook:ops is not configured');
    expect(text).toContain('policy "x" field runbook: no runbook named nope');
  });

  it('selects the first policy whose conditions all hold', () => {
    const set = parsePolicies(
      {
        policies: [
          {
            name: 'prod-db',
            match: {
              minSeverity: 'high',
              causePattern: 'POOL',
              labels: { env: 'prod' },
              components: ['checkout-db'],
            },
          },
          { name: 'staging', match: { labels: { env: 'staging' } } },
          { name: 'default' },
        ],
      },
      'p',
    );
    expect(selectPolicy(set, hypothesisEvent())?.name).toBe('prod-db');
    expect(selectPolicy(set, hypothesisEvent({ severity: 'medium' }))?.name).toBe('default');
    expect(selectPolicy(set, hypothesisEvent({ cause: 'disk full' }))?.name).toBe('default');
    expect(selectPolicy(set, hypothesisEvent({ components: ['web'] }))?.name).toBe('default');
    expect(selectPolicy(set, hypothesisEvent({ labels: { env: 'staging' } }))?.name).toBe('staging');
    const noDefault = parsePolicies(
      { policies: [{ name: 'only-low', match: { minSeverity: 'critical' } }] },
      'p',
    );
    expect(selectPolicy(noDefault, hypothesisEvent({ severity: 'high' }))).toBeNull();
  });
});

describe('runbooks file', () => {
  it('ships valid runbooks with ordered steps', () => {
    const catalog = loadRunbooksFile('config/runbooks.yaml');
    const rb = catalog.runbooks.get('restart-connection-pool')!;
    expect(rb.steps.map((s) => s.name)).toEqual(['drain-quarter', 'restart-pool', 'undrain']);
    expect(rb.blastRadius).toBeGreaterThanOrEqual(0);
  });

  it('names the runbook and field of each problem', () => {
    const text = message(() =>
      parseRunbooks(
        {
          runbooks: [
            { id: 'rb1', blastRadius: 2, steps: [{ name: 's', action: 'reboot-datacenter' }] },
            { id: 'rb2', blastRadius: 0.1, steps: [] },
          ],
        },
        'runbooks.yaml',
      ),
    );
    expect(text).toContain('runbook "rb1" field blastRadius: must be in [0, 1]');
    expect(text).toContain('runbook "rb1" field steps.0.action: must be one of restart');
    expect(text).toContain('runbook "rb2" field steps: needs at least one step');
  });

  it('refuses a missing file with the path', () => {
    expect(message(() => loadRunbooksFile('/nope/runbooks.yaml'))).toContain('/nope/runbooks.yaml');
  });
});
