import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_RANKING_WEIGHTS, rankComponents } from '../../src/reasoning/component-ranking.js';
import { createDependencyGraph } from '../../src/reasoning/dependency-graph.js';
import type { IncidentBook } from '../../src/reasoning/incident.js';
import { groupAnomaly } from '../../src/reasoning/incident-grouping.js';
import type { ReasoningInput } from '../../src/reasoning/reasoning-input.js';
import { compilePattern } from '../../src/reasoning/rules/pattern.js';
import { createRulesEngine, FALLBACK_RULE_ID } from '../../src/reasoning/rules/rules-engine.js';
import { loadRulesFile, parseRules } from '../../src/reasoning/rules/rules-file.js';
import {
  type AnomalySpec,
  CHECKOUT_INCIDENT,
  context,
  groupingOptions,
  MINUTE,
  POOL_MEMORY,
  T0,
} from './fixtures.js';

const shipped = loadRulesFile('config/rules.yaml');
const engine = createRulesEngine(shipped);
const graph = createDependencyGraph({ checkout: ['db'] });

function inputOf(
  specs: readonly AnomalySpec[],
  similar = [] as (typeof POOL_MEMORY)[],
  withGraph = true,
): ReasoningInput {
  const options = groupingOptions();
  let book: IncidentBook | undefined;
  let incident = undefined as unknown as ReasoningInput['incident'];
  for (const spec of specs) {
    const result = groupAnomaly(book, context(spec, 'shop', similar), options);
    book = result.book;
    incident = result.incident;
  }
  const rankedComponents = rankComponents(incident.anomalies, {
    weights: DEFAULT_RANKING_WEIGHTS,
    onsetHorizonMs: 300_000,
    graph: withGraph ? graph : undefined,
  });
  return { incident, rankedComponents, similar: incident.similar };
}

const validRule = {
  id: 'r1',
  when: [{ anomaly: { metric: '*cpu*' } }],
  cause: '{component} busy',
  confidence: 0.5,
  steps: ['look at {component}'],
};

function problemsOf(raw: unknown): string {
  try {
    parseRules(raw, 'rules.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('rules file', () => {
  it('ships at least 12 rules and a fallback', () => {
    expect(shipped.rules.length).toBeGreaterThanOrEqual(12);
    expect(shipped.fallback.cause).toContain('unknown');
  });

  it.each([
    [
      { ...validRule, when: [{ anomaly: { metric: '/(unclosed/' } }] },
      /rule "r1" \(rules\[0\]\) when\[0\]\.anomaly\.metric: invalid regex/,
    ],
    [
      { ...validRule, cause: '{compnent} busy' },
      /rule "r1" \(rules\[0\]\) cause: unknown placeholder \{compnent\}/,
    ],
    [{ ...validRule, steps: [] }, /rule "r1" \(rules\[0\]\) steps: needs at least one step/],
    [{ ...validRule, confidence: 1.5 }, /rule "r1" \(rules\[0\]\) confidence: must be in \[0, 1\]/],
    [
      { ...validRule, when: [{ anomaly: {}, memory: { minSimilarity: 0.8 } }] },
      /rule "r1" \(rules\[0\]\) when\[0\]: a condition has exactly one of/,
    ],
    [
      { ...validRule, when: [{ anomaly: { direction: 'sideways' } }] },
      /when\[0\]\.anomaly\.direction: must be "up" or "down"/,
    ],
    [{ ...validRule, when: [{ anomaly: { metrc: 'cpu' } }] }, /rule "r1" \(rules\[0\]\) when\[0\]\.anomaly/],
    [{ ...validRule, id: undefined }, /rule "\?" \(rules\[0\]\) id/],
  ])('names the rule and field: %#', (rule, message) => {
    expect(problemsOf({ version: 1, rules: [rule] })).toMatch(message);
  });

  it('reports every problem at once, duplicate ids included', () => {
    const message = problemsOf({
      version: 1,
      rules: [validRule, { ...validRule, confidence: -1 }, { ...validRule, id: 'r2', steps: 'x' }],
    });
    expect(message).toMatch(/rule "r1" \(rules\[1\]\) confidence/);
    expect(message).toMatch(/rule "r2" \(rules\[2\]\) steps/);
    expect(problemsOf({ version: 1, rules: [validRule, validRule] })).toMatch(
      /rules\[1\]\) id: duplicates the id of rules\[0\]/,
    );
  });

  it('rejects a wrong version and a missing file with the path', () => {
    expect(problemsOf({ version: 2, rules: [] })).toMatch(/version: must be 1/);
    expect(() => loadRulesFile('config/nope.yaml')).toThrow(/config\/nope\.yaml.*reason\.rulesFile/);
  });

  it('patterns: anchored case-insensitive globs and /regex/flags', () => {
    expect(compilePattern('*latency*')('checkout.Latency_p99')).toBe(true);
    expect(compilePattern('latency')('latency_p99')).toBe(false);
    expect(compilePattern('p9?')('p99')).toBe(true);
    expect(compilePattern('/^err/')('error_rate')).toBe(true);
    expect(compilePattern('/^ERR/')('error_rate')).toBe(false);
    expect(compilePattern('/^ERR/i')('error_rate')).toBe(true);
    expect(() => compilePattern('/x/g')).toThrow(/flags/);
  });
});

describe('rules engine with the shipped rules', () => {
  it('blames the database connection pool for the checkout incident, with evidence and steps', () => {
    const hypotheses = engine.evaluate(inputOf(CHECKOUT_INCIDENT));
    const top = hypotheses[0]!;
    expect(top).toMatchObject({
      ruleId: 'db-connection-pool',
      component: 'db',
      cause: 'database connection pool exhausted on db',
    });
    expect(top.confidence).toBeCloseTo(0.8, 9); // 0.75 + 0.05 (db is the top-ranked component)
    expect(top.evidence[0]).toMatch(
      /^connections_active on db up to 198 \(median 60, robust deviation 10\.3/,
    );
    expect(top.evidence[1]).toMatch(/^co-occurring: latency_p99_ms on checkout up to 2400/);
    expect(top.steps[0]).toBe('Check active vs. maximum connections of db and the pool wait time');
    expect(hypotheses.map((h) => h.ruleId)).toContain('dependency-failure');
    for (let i = 1; i < hypotheses.length; i++)
      expect(hypotheses[i - 1]!.confidence).toBeGreaterThanOrEqual(hypotheses[i]!.confidence);
  });

  it('adds the memory boost when a similar incident had a pool root cause', () => {
    const top = engine.evaluate(inputOf(CHECKOUT_INCIDENT, [POOL_MEMORY]))[0]!;
    expect(top.confidence).toBeCloseTo(0.9, 9);
    expect(top.evidence.join('\n')).toContain('similar past incident inc-2025-311 (similarity 0.87)');
  });

  it('falls back to "unknown" when no rule holds', () => {
    const hypotheses = engine.evaluate(inputOf([CHECKOUT_INCIDENT[0]!]));
    expect(hypotheses).toHaveLength(1);
    expect(hypotheses[0]).toMatchObject({ ruleId: FALLBACK_RULE_ID, component: 'db', confidence: 0.1 });
    expect(hypotheses[0]!.cause).toBe('unknown cause: anomalies on db match no known pattern');
  });

  it('detects a rising memory trend only when the values rise', () => {
    const mem = (id: string, minute: number, value: number): AnomalySpec => ({
      id,
      service: 'cart',
      metric: 'heap_used_bytes',
      at: T0 + minute * MINUTE,
      value,
      median: 100,
      mad: 5,
    });
    const rising = engine.evaluate(inputOf([mem('m1', 0, 150), mem('m2', 3, 170), mem('m3', 6, 190)]));
    expect(rising[0]).toMatchObject({ ruleId: 'memory-leak', component: 'cart' });
    expect(rising[0]!.evidence[0]).toContain('rising over 3 anomalies: 150 → 170 → 190');
    const notRising = engine.evaluate(inputOf([mem('m1', 0, 190), mem('m2', 3, 150)]));
    expect(notRising.map((h) => h.ruleId)).not.toContain('memory-leak');
  });

  it('fills label placeholders (deploy regression)', () => {
    const spec: AnomalySpec = { ...CHECKOUT_INCIDENT[2]!, labels: { deploy: 'checkout-v142' } };
    const top = engine.evaluate(inputOf([spec]))[0]!;
    expect(top.ruleId).toBe('deploy-regression');
    expect(top.cause).toBe('regression introduced by deploy checkout-v142 of checkout');
  });

  it('is deterministic and bounded by the limit', () => {
    const input = inputOf(CHECKOUT_INCIDENT, [POOL_MEMORY]);
    expect(engine.evaluate(input, 2)).toHaveLength(2);
    expect(engine.evaluate(input)).toEqual(engine.evaluate(input));
  });

  it('other-component co-occurrence needs another component', () => {
    const rules = parseRules(
      {
        version: 1,
        rules: [
          {
            id: 'pair',
            when: [{ anomaly: { metric: '*latency*' } }, { cooccurring: { relation: 'other-component' } }],
            cause: '{component} with {otherComponent}',
            confidence: 0.5,
            steps: ['x'],
          },
        ],
      },
      'inline',
    );
    const e = createRulesEngine(rules);
    expect(e.evaluate(inputOf(CHECKOUT_INCIDENT.slice(1)))[0]!.ruleId).toBe(FALLBACK_RULE_ID);
    expect(e.evaluate(inputOf(CHECKOUT_INCIDENT))[0]!.cause).toBe('checkout with db');
  });
});
