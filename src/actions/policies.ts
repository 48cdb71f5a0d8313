import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { Severity } from '../model/anomaly-event.js';
import type { HypothesisEvent } from '../model/hypothesis-event.js';
import { deepFreeze, readYamlFile } from './yaml-file.js';

/** Severities from lowest to highest. */
export const SEVERITY_ORDER: readonly Severity[] = Object.freeze(['low', 'medium', 'high', 'critical']);

/** Rank of a severity: low 0 … critical 3. */
export function severityRank(severity: Severity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

/** `slack`, `pagerduty` or `webhook:<name>`. */
export const NOTIFIER_TARGET = /^(slack|pagerduty|webhook:[A-Za-z0-9_-]{1,64})$/;

const severity = z.enum(['low', 'medium', 'high', 'critical'], {
  error: 'must be one of low, medium, high, critical',
});

const matchSchema = z
  .object({
    minSeverity: severity.optional(),
    causePattern: z
      .string({ error: 'must be a regular expression (string)' })
      .min(1, 'must not be empty')
      .refine((p) => {
        try {
          new RegExp(p, 'i');
          return true;
        } catch {
          return false;
        }
      }, 'is not a valid regular expression')
      .optional(),
    labels: z.record(z.string(), z.string({ error: 'label values must be strings' })).optional(),
    components: z.array(z.string().min(1), { error: 'must be a list of component names' }).min(1).optional(),
  })
  .strict();

const policySchema = z
  .object({
    name: z
      .string({ error: 'every policy needs a name' })
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'name uses letters, digits, ".", "_" and "-" (at most 64)'),
    match: matchSchema.default({}),
    notify: z
      .array(z.string().regex(NOTIFIER_TARGET, 'each target is slack, pagerduty or webhook:<name>'), {
        error: 'must be a list of notifier targets',
      })
      .default([]),
    runbook: z.string().min(1).nullable().default(null),
    approvalAboveBlastRadius: z
      .number({ error: 'must be a number in [0, 1]' })
      .min(0, 'must be in [0, 1]')
      .max(1, 'must be in [0, 1]')
      .optional(),
    mode: z.enum(['dry-run', 'execute'], { error: 'must be dry-run or execute' }).optional(),
  })
  .strict();

const policiesFileSchema = z
  .object({
    policies: z.array(policySchema, { error: 'policies must be a list' }).min(1, 'needs at least one policy'),
  })
  .strict();

/** One policy: conditions (all must hold) and what to do when they do. */
export type Policy = z.output<typeof policySchema>;

/** The ordered policies; the first matching one wins. */
export interface PolicySet {
  readonly policies: readonly Policy[];
}

function issuePath(raw: unknown, path: readonly PropertyKey[]): string {
  if (path[0] === 'policies' && typeof path[1] === 'number') {
    const entry = (raw as { policies?: unknown[] } | null)?.policies?.[path[1]] as
      | { name?: unknown }
      | undefined;
    const label = typeof entry?.name === 'string' ? `policy "${entry.name}"` : `policy #${path[1] + 1}`;
    const rest = path.slice(2).map(String).join('.');
    return rest ? `${label} field ${rest}` : label;
  }
  return path.map(String).join('.') || '(root)';
}

/**
 * Validates a policies document. Throws a ConfigError listing each problem by policy name and field,
 * e.g. `policy "db-critical" field match.causePattern: is not a valid regular expression`.
 */
export function parsePolicies(raw: unknown, source: string): PolicySet {
  const parsed = policiesFileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${issuePath(raw, i.path)}: ${i.message}`);
    throw new ConfigError(`invalid policies in ${source}:\n${lines.join('\n')}`, { cause: parsed.error });
  }
  const seen = new Set<string>();
  for (const p of parsed.data.policies) {
    if (seen.has(p.name))
      throw new ConfigError(`invalid policies in ${source}:\n  - policy "${p.name}": duplicate name`);
    seen.add(p.name);
  }
  return deepFreeze({ policies: parsed.data.policies });
}

/** Reads and validates a policies file (YAML or JSON). */
export function loadPoliciesFile(path: string): PolicySet {
  return parsePolicies(readYamlFile(path, 'policies'), path);
}

/**
 * Checks that every policy names a configured notifier and a known runbook; throws a ConfigError naming
 * the policy and field otherwise. Run at startup, after the notifiers and runbooks are loaded.
 */
export function checkPolicyReferences(
  set: PolicySet,
  notifierTargets: ReadonlySet<string>,
  runbookIds: ReadonlySet<string>,
): void {
  const problems: string[] = [];
  for (const p of set.policies) {
    for (const target of p.notify) {
      if (!notifierTargets.has(target)) {
        problems.push(
          `policy "${p.name}" field notify: ${target} is not configured under act.notifiers (configured: ${[...notifierTargets].join(', ') || 'none'})`,
        );
      }
    }
    if (p.runbook !== null && !runbookIds.has(p.runbook)) {
      problems.push(`policy "${p.name}" field runbook: no runbook named ${p.runbook} in the runbooks file`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(
      `policies refer to missing destinations or runbooks:\n  - ${problems.join('\n  - ')}`,
    );
  }
}

/** True when `policy`'s conditions all hold for `event`. Pure. */
export function policyMatches(policy: Policy, event: HypothesisEvent): boolean {
  const m = policy.match;
  if (m.minSeverity && severityRank(event.incident.severity) < severityRank(m.minSeverity)) return false;
  if (m.causePattern) {
    const top = event.hypotheses[0];
    if (!top || !new RegExp(m.causePattern, 'i').test(top.cause)) return false;
  }
  if (m.labels) {
    const labels = event.trigger.anomaly.labels;
    for (const [k, v] of Object.entries(m.labels)) if (labels[k] !== v) return false;
  }
  if (m.components) {
    const blamed = new Set(event.incident.components);
    const top = event.hypotheses[0]?.component;
    if (top) blamed.add(top);
    if (!m.components.some((c) => blamed.has(c))) return false;
  }
  return true;
}

/** The first policy matching `event`, or null. Pure. */
export function selectPolicy(set: PolicySet, event: HypothesisEvent): Policy | null {
  return set.policies.find((p) => policyMatches(p, event)) ?? null;
}
