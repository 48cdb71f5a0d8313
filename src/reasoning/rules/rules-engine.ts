import type { SimilarIncident } from '../../model/context-event.js';
import type { Hypothesis } from '../../model/hypothesis-event.js';
import { type IncidentAnomaly, severityRank } from '../incident.js';
import type { ReasoningInput } from '../reasoning-input.js';
import { compilePattern, type Pattern } from './pattern.js';
import type {
  AnomalyMatcherSpec,
  FallbackRule,
  MemoryMatcherSpec,
  Rule,
  RuleCondition,
  RuleSet,
} from './rules-file.js';

/** Rule id of the fallback hypothesis. */
export const FALLBACK_RULE_ID = 'fallback-unknown';

/** The declarative rules engine. */
export interface RulesEngine {
  readonly ruleSet: RuleSet;
  /**
   * Hypotheses of every rule whose conditions all hold, ranked by confidence (ties: order in the file),
   * de-duplicated by cause and component, at most `limit`; the fallback hypothesis alone when no rule
   * holds. Pure and deterministic.
   */
  evaluate(input: ReasoningInput, limit?: number): Hypothesis[];
}

interface Outcome {
  readonly held: boolean;
  readonly evidence: string;
  readonly match?: IncidentAnomaly;
  readonly similar?: SimilarIncident;
}

/** Formats a number for evidence: integers as is, others with 4 significant digits. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

const patternCache = new Map<string, Pattern>();
function pattern(source: string): Pattern {
  let compiled = patternCache.get(source);
  if (!compiled) {
    compiled = compilePattern(source);
    patternCache.set(source, compiled);
  }
  return compiled;
}

function describe(a: IncidentAnomaly): string {
  return `${a.metric} on ${a.component} ${a.direction} to ${formatNumber(a.value)} (median ${formatNumber(a.median)}, robust deviation ${formatNumber(a.deviation)}) [${a.series}]`;
}

function matches(a: IncidentAnomaly, m: AnomalyMatcherSpec, topComponent: string | undefined): boolean {
  if (m.metric && !pattern(m.metric)(a.metric)) return false;
  if (m.series && !pattern(m.series)(a.series)) return false;
  if (m.component && !pattern(m.component)(a.component)) return false;
  if (m.direction && a.direction !== m.direction) return false;
  if (m.minDeviation !== undefined && a.deviation < m.minDeviation) return false;
  if (m.minSeverity && severityRank(a.severity) < severityRank(m.minSeverity)) return false;
  if (m.topRanked !== undefined && (a.component === topComponent) !== m.topRanked) return false;
  for (const [key, p] of Object.entries(m.labels ?? {})) {
    const value = a.labels[key];
    if (value === undefined || !pattern(p)(value)) return false;
  }
  return true;
}

/** The matching anomalies that satisfy count and trend, in candidate order, or null. */
function qualifying(found: readonly IncidentAnomaly[], m: AnomalyMatcherSpec): IncidentAnomaly[] | null {
  const need = m.minCount ?? 1;
  if (!m.trend) return found.length >= need ? [...found] : null;
  const bySeries = new Map<string, IncidentAnomaly[]>();
  for (const a of found) bySeries.set(a.series, [...(bySeries.get(a.series) ?? []), a]);
  for (const list of bySeries.values()) {
    if (list.length < Math.max(2, need)) continue;
    const byTime = [...list].sort((x, y) => x.timestampMs - y.timestampMs);
    const sign = m.trend === 'rising' ? 1 : -1;
    let monotone = true;
    for (let i = 1; i < byTime.length; i++) {
      if (sign * (byTime[i]!.value - byTime[i - 1]!.value) < 0) monotone = false;
    }
    if (monotone && sign * (byTime.at(-1)!.value - byTime[0]!.value) > 0) return byTime;
  }
  return null;
}

function anomalyOutcome(
  label: string,
  m: AnomalyMatcherSpec,
  candidates: readonly IncidentAnomaly[],
  topComponent: string | undefined,
): Outcome {
  const found = qualifying(
    candidates.filter((a) => matches(a, m, topComponent)),
    m,
  );
  if (!found || found.length === 0) return { held: false, evidence: '' };
  const first = found[0]!;
  let evidence = `${label}${describe(first)}`;
  if (m.trend) {
    evidence = `${label}${first.metric} on ${first.component} ${m.trend} over ${found.length} anomalies: ${found.map((a) => formatNumber(a.value)).join(' → ')} [${first.series}]`;
  } else if (found.length > 1) {
    evidence += ` and ${found.length - 1} more matching anomal${found.length === 2 ? 'y' : 'ies'}`;
  }
  return { held: true, evidence, match: m.trend ? found.at(-1)! : first };
}

function memoryOutcome(m: MemoryMatcherSpec, similar: readonly SimilarIncident[]): Outcome {
  const hit = similar.find(
    (s) =>
      s.similarity >= m.minSimilarity &&
      (!m.rootCause || pattern(m.rootCause)(s.rootCause)) &&
      (!m.summary || pattern(m.summary)(s.summary)),
  );
  if (!hit) return { held: false, evidence: '' };
  return {
    held: true,
    evidence: `similar past incident ${hit.id} (similarity ${formatNumber(hit.similarity)}) had root cause "${hit.rootCause}"; resolved by "${hit.resolution}"`,
    similar: hit,
  };
}

interface Evaluation {
  primary: IncidentAnomaly | undefined;
  other: IncidentAnomaly | undefined;
  similar: SimilarIncident | undefined;
}

function evaluateCondition(
  c: RuleCondition,
  ordered: readonly IncidentAnomaly[],
  state: Evaluation,
  input: ReasoningInput,
  topComponent: string | undefined,
): Outcome {
  if (c.anomaly) return anomalyOutcome('', c.anomaly, ordered, topComponent);
  if (c.memory) return memoryOutcome(c.memory, input.similar);
  const m = c.cooccurring!;
  const primary = state.primary ?? ordered[0];
  const relation = m.relation ?? 'any';
  const candidates = ordered.filter(
    (a) =>
      a.id !== primary?.id &&
      (relation === 'any' ||
        (relation === 'same-component'
          ? a.component === primary?.component
          : a.component !== primary?.component)),
  );
  return anomalyOutcome('co-occurring: ', m, candidates, topComponent);
}

function render(
  text: string,
  vars: ReadonlyMap<string, string>,
  labels: Readonly<Record<string, string>>,
): string {
  return text.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    if (name.startsWith('label.')) return labels[name.slice(6)] ?? 'unknown';
    return vars.get(name) ?? whole;
  });
}

function variables(input: ReasoningInput, state: Evaluation): Map<string, string> {
  const p = state.primary;
  const best = state.similar ?? input.similar[0];
  return new Map<string, string>([
    ['component', p?.component ?? 'unknown'],
    ['metric', p?.metric ?? 'unknown'],
    ['series', p?.series ?? 'unknown'],
    ['value', p ? formatNumber(p.value) : 'n/a'],
    ['median', p ? formatNumber(p.median) : 'n/a'],
    ['deviation', p ? formatNumber(p.deviation) : 'n/a'],
    ['direction', p?.direction ?? 'n/a'],
    ['severity', p?.severity ?? 'n/a'],
    ['topComponent', input.rankedComponents[0]?.component ?? p?.component ?? 'unknown'],
    ['otherComponent', state.other?.component ?? 'unknown'],
    ['otherMetric', state.other?.metric ?? 'unknown'],
    ['similarId', best?.id ?? 'n/a'],
    ['similarRootCause', best?.rootCause ?? 'n/a'],
    ['similarity', best ? formatNumber(best.similarity) : 'n/a'],
    ['incident', input.incident.id],
    ['anomalyCount', String(input.incident.revision)],
  ]);
}

/** Incident anomalies, most likely root-cause component first, then earliest, then by id. */
function orderedAnomalies(input: ReasoningInput): IncidentAnomaly[] {
  const rank = new Map(input.rankedComponents.map((c, i) => [c.component, i]));
  return [...input.incident.anomalies].sort(
    (a, b) =>
      (rank.get(a.component) ?? Number.MAX_SAFE_INTEGER) -
        (rank.get(b.component) ?? Number.MAX_SAFE_INTEGER) ||
      a.timestampMs - b.timestampMs ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

function applyRule(
  rule: Rule,
  input: ReasoningInput,
  ordered: readonly IncidentAnomaly[],
): Hypothesis | null {
  const topComponent = input.rankedComponents[0]?.component;
  const state: Evaluation = { primary: undefined, other: undefined, similar: undefined };
  const evidence: string[] = [];
  for (const c of rule.when) {
    const outcome = evaluateCondition(c, ordered, state, input, topComponent);
    if (!outcome.held) return null;
    if (c.anomaly && !state.primary) state.primary = outcome.match;
    if (c.cooccurring && !state.other) state.other = outcome.match;
    if (outcome.similar && !state.similar) state.similar = outcome.similar;
    evidence.push(outcome.evidence);
  }
  state.primary ??= ordered[0];
  let confidence = rule.confidence;
  for (const boost of rule.boosts ?? []) {
    const outcome = evaluateCondition(boost.when, ordered, state, input, topComponent);
    if (!outcome.held) continue;
    confidence += boost.add;
    if (boost.when.cooccurring && !state.other) state.other = outcome.match;
    if (outcome.similar && !state.similar) state.similar = outcome.similar;
    evidence.push(`${outcome.evidence} (confidence ${boost.add >= 0 ? '+' : ''}${formatNumber(boost.add)})`);
  }
  const vars = variables(input, state);
  const labels = state.primary?.labels ?? {};
  const component = render(rule.component ?? '{component}', vars, labels);
  return {
    cause: render(rule.cause, vars, labels),
    component: component && component !== 'unknown' ? component : null,
    confidence: Math.round(Math.min(0.99, Math.max(0, confidence)) * 1000) / 1000,
    evidence: [...evidence, ...(rule.evidence ?? []).map((e) => render(e, vars, labels))],
    steps: rule.steps.map((s) => render(s, vars, labels)),
    ruleId: rule.id,
  };
}

function fallbackHypothesis(
  fallback: FallbackRule,
  input: ReasoningInput,
  ordered: readonly IncidentAnomaly[],
): Hypothesis {
  const state: Evaluation = { primary: ordered[0], other: undefined, similar: undefined };
  const vars = variables(input, state);
  const labels = state.primary?.labels ?? {};
  const components = input.rankedComponents.map((c) => c.component);
  return {
    cause: render(fallback.cause, vars, labels),
    component: components[0] ?? null,
    confidence: fallback.confidence,
    evidence: [
      `no rule matched the incident's ${input.incident.anomalies.length} anomal${input.incident.anomalies.length === 1 ? 'y' : 'ies'} on ${components.join(', ') || 'no component'}`,
      ...ordered.slice(0, 3).map(describe),
    ],
    steps: fallback.steps.map((s) => render(s, vars, labels)),
    ruleId: FALLBACK_RULE_ID,
  };
}

/**
 * Creates the rules engine over a validated rule set (see `parseRules`).
 *
 * A rule holds when every `when` condition holds. Its first `anomaly` condition picks the *primary*
 * anomaly (on the best-ranked component, then earliest), which fills `{component}`, `{metric}`… and
 * is the reference of `cooccurring` conditions. Each `boosts` entry whose condition holds adds `add` to
 * the confidence (result clamped to [0, 0.99]). Evidence lists every condition that held, with values.
 */
export function createRulesEngine(ruleSet: RuleSet): RulesEngine {
  return {
    ruleSet,
    evaluate(input, limit = 5) {
      const ordered = orderedAnomalies(input);
      const found: { hypothesis: Hypothesis; index: number }[] = [];
      ruleSet.rules.forEach((rule, index) => {
        const hypothesis = applyRule(rule, input, ordered);
        if (hypothesis) found.push({ hypothesis, index });
      });
      if (found.length === 0) return [fallbackHypothesis(ruleSet.fallback, input, ordered)];
      found.sort((a, b) => b.hypothesis.confidence - a.hypothesis.confidence || a.index - b.index);
      const seen = new Set<string>();
      const out: Hypothesis[] = [];
      for (const { hypothesis } of found) {
        const key = `${hypothesis.cause}\u0000${hypothesis.component ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(hypothesis);
        if (out.length >= Math.max(1, limit)) break;
      }
      return out;
    },
  };
}
