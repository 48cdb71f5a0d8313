import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { readYamlFile } from '../yaml-file.js';
import { compilePattern } from './pattern.js';

/** Placeholders a rule's texts may use (plus `{label.<key>}` for any label of the primary anomaly). */
export const TEMPLATE_PLACEHOLDERS: readonly string[] = Object.freeze([
  'component',
  'metric',
  'series',
  'value',
  'median',
  'deviation',
  'direction',
  'severity',
  'topComponent',
  'otherComponent',
  'otherMetric',
  'similarId',
  'similarRootCause',
  'similarity',
  'incident',
  'anomalyCount',
]);

const PLACEHOLDER = /\{([^{}]*)\}/g;

const template = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .superRefine((text, ctx) => {
    for (const [, name] of text.matchAll(PLACEHOLDER)) {
      if (name && (TEMPLATE_PLACEHOLDERS.includes(name) || /^label\.[^\s]+$/.test(name))) continue;
      ctx.addIssue({
        code: 'custom',
        message: `unknown placeholder {${name}}; use one of ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')} or {label.<key>}`,
      });
    }
  });

const pattern = z
  .string({ error: 'must be a glob or /regex/ string' })
  .min(1, 'must not be empty')
  .superRefine((source, ctx) => {
    try {
      compilePattern(source);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

const severity = z.enum(['low', 'medium', 'high', 'critical'], {
  error: 'must be one of low, medium, high, critical',
});

const matcherShape = {
  /** Metric name pattern. */
  metric: pattern.optional(),
  /** Series id pattern. */
  series: pattern.optional(),
  /** Component name pattern. */
  component: pattern.optional(),
  /** Every listed label must be present and match its pattern. */
  labels: z.record(z.string().min(1, 'label keys must not be empty'), pattern).optional(),
  direction: z.enum(['up', 'down'], { error: 'must be "up" or "down"' }).optional(),
  minDeviation: z.number({ error: 'must be a number' }).min(0, 'must be >= 0').optional(),
  minSeverity: severity.optional(),
  /** At least this many anomalies match. */
  minCount: z.number().int('must be an integer').min(1, 'must be >= 1').optional(),
  /** Some series has ≥ 2 matching anomalies (≥ minCount) whose values rise (or fall) over time. */
  trend: z.enum(['rising', 'falling'], { error: 'must be "rising" or "falling"' }).optional(),
  /** The anomaly is on the top-ranked root-cause component. */
  topRanked: z.boolean({ error: 'must be true or false' }).optional(),
};

const anomalyMatcher = z.object(matcherShape).strict();
const cooccurringMatcher = z
  .object({
    ...matcherShape,
    /** Relation to the primary anomaly's component. Default `any`. */
    relation: z
      .enum(['same-component', 'other-component', 'any'], {
        error: 'must be "same-component", "other-component" or "any"',
      })
      .optional(),
  })
  .strict();
const memoryMatcher = z
  .object({
    minSimilarity: z
      .number({ error: 'must be a number' })
      .min(-1, 'must be in [-1, 1]')
      .max(1, 'must be in [-1, 1]'),
    rootCause: pattern.optional(),
    summary: pattern.optional(),
  })
  .strict();

const condition = z
  .object({
    anomaly: anomalyMatcher.optional(),
    cooccurring: cooccurringMatcher.optional(),
    memory: memoryMatcher.optional(),
  })
  .strict()
  .refine((c) => [c.anomaly, c.cooccurring, c.memory].filter((x) => x !== undefined).length === 1, {
    message: 'a condition has exactly one of anomaly, cooccurring, memory',
  });

const ruleSchema = z
  .object({
    id: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-"'),
    description: z.string().optional(),
    when: z
      .array(condition, { error: 'must be a list of conditions' })
      .min(1, 'needs at least one condition'),
    boosts: z
      .array(
        z
          .object({
            when: condition,
            add: z
              .number({ error: 'must be a number' })
              .min(-1, 'must be in [-1, 1]')
              .max(1, 'must be in [-1, 1]'),
          })
          .strict(),
      )
      .optional(),
    cause: template,
    component: template.optional(),
    confidence: z
      .number({ error: 'must be a number' })
      .min(0, 'must be in [0, 1]')
      .max(1, 'must be in [0, 1]'),
    evidence: z.array(template).optional(),
    steps: z.array(template, { error: 'must be a list of strings' }).min(1, 'needs at least one step'),
  })
  .strict();

const fallbackSchema = z
  .object({
    cause: template,
    confidence: z
      .number({ error: 'must be a number' })
      .min(0, 'must be in [0, 1]')
      .max(1, 'must be in [0, 1]'),
    steps: z.array(template).min(1, 'needs at least one step'),
  })
  .strict();

const rulesFileSchema = z
  .object({
    version: z.literal(1, { error: 'must be 1' }),
    rules: z.array(z.unknown(), { error: 'must be a list of rules' }),
    fallback: fallbackSchema.optional(),
  })
  .strict();

/** A condition on the incident, as written in the rules file. */
export type RuleCondition = z.output<typeof condition>;
/** Which anomalies a condition selects. */
export type AnomalyMatcherSpec = z.output<typeof cooccurringMatcher>;
/** A similar-incident condition. */
export type MemoryMatcherSpec = z.output<typeof memoryMatcher>;
/** One validated rule. */
export type Rule = z.output<typeof ruleSchema>;
/** The hypothesis used when no rule matches. */
export type FallbackRule = z.output<typeof fallbackSchema>;

/** A validated rules file. */
export interface RuleSet {
  readonly rules: readonly Rule[];
  readonly fallback: FallbackRule;
}

/** Fallback used when the rules file has none. */
export const DEFAULT_FALLBACK: FallbackRule = Object.freeze({
  cause: 'unknown cause: anomalies on {topComponent} match no known pattern',
  confidence: 0.1,
  steps: Object.freeze([
    'Review the anomalous series of {topComponent} around the incident start',
    'Check recent deploys, configuration and infrastructure changes',
    'Compare with the similar past incidents listed in this event',
  ]) as string[],
});

function path(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : `${out ? '.' : ''}${String(s)}`;
  return out;
}

/**
 * Validates a rules document. Throws one ConfigError listing every problem; each line names the rule
 * (`rule "<id>" (rules[i])`) and the field, e.g.
 * `rule "db-pool" (rules[3]) when[0].anomaly.metric: invalid regex /(/: …`.
 */
export function parseRules(raw: unknown, source: string): RuleSet {
  const problems: string[] = [];
  const top = rulesFileSchema.safeParse(raw ?? {});
  if (!top.success) {
    for (const issue of top.error.issues) problems.push(`${path(issue.path) || '(root)'}: ${issue.message}`);
    throw new ConfigError(`invalid rules file ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const rules: Rule[] = [];
  const seen = new Map<string, number>();
  top.data.rules.forEach((rawRule, index) => {
    const id =
      rawRule && typeof rawRule === 'object' && typeof (rawRule as { id?: unknown }).id === 'string'
        ? (rawRule as { id: string }).id
        : '?';
    const name = `rule "${id}" (rules[${index}])`;
    const parsed = ruleSchema.safeParse(rawRule);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${name} ${path(issue.path) || '(rule)'}: ${issue.message}`);
      return;
    }
    const earlier = seen.get(parsed.data.id);
    if (earlier !== undefined) problems.push(`${name} id: duplicates the id of rules[${earlier}]`);
    seen.set(parsed.data.id, index);
    rules.push(parsed.data);
  });
  if (problems.length > 0) {
    throw new ConfigError(`invalid rules file ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return Object.freeze({ rules: Object.freeze(rules), fallback: top.data.fallback ?? DEFAULT_FALLBACK });
}

/** Reads and validates a rules file (YAML or JSON). */
export function loadRulesFile(path: string): RuleSet {
  return parseRules(readYamlFile(path, 'rules file', 'reason.rulesFile'), path);
}
