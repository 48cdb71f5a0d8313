import type { Severity } from './anomaly-event.js';
import type { ContextEvent, SimilarIncident } from './context-event.js';

/** One root-cause hypothesis. */
export interface Hypothesis {
  /** Short cause, e.g. `database connection pool exhausted`. */
  readonly cause: string;
  /** The component (service) blamed, or null. */
  readonly component: string | null;
  /** Confidence in [0, 1]. */
  readonly confidence: number;
  /** Facts supporting it (which anomalies, which memory matches, which rule conditions held). */
  readonly evidence: readonly string[];
  /** Investigation steps an operator should take. */
  readonly steps: readonly string[];
  /** Id of the rule that produced it (rules engine), or null (LLM). */
  readonly ruleId: string | null;
}

/** A candidate root-cause component of an incident with the signals it was ranked by. */
export interface RankedComponent {
  readonly component: string;
  /** Ranking score, higher = more likely the root cause. */
  readonly score: number;
  /** Event time of the component's first anomaly in the incident. */
  readonly onsetMs: number;
  /** Largest robust deviation (|x − median| / (1.4826·MAD)) among its anomalies. */
  readonly deviation: number;
  /** Distance from the most upstream affected component in the dependency graph, or null without a graph. */
  readonly upstreamDepth: number | null;
}

/** The incident an anomaly was grouped into. */
export interface IncidentSummary {
  readonly id: string;
  readonly correlationKey: string;
  readonly openedAtMs: number;
  readonly lastAnomalyAtMs: number;
  readonly anomalyIds: readonly string[];
  readonly series: readonly string[];
  readonly components: readonly string[];
  readonly severity: Severity;
}

/** Output of the reasoning stage (`hypotheses` topic), one per incident revision. */
export interface HypothesisEvent {
  /** Deterministic: incident id and revision. */
  readonly id: string;
  readonly incident: IncidentSummary;
  /** Increments each time an anomaly joins the incident. */
  readonly revision: number;
  /** Ranked, most likely first. */
  readonly hypotheses: readonly Hypothesis[];
  readonly rankedComponents: readonly RankedComponent[];
  /** Which engine produced the hypotheses. */
  readonly engine: 'rules' | 'llm';
  /** Why the LLM engine was not used (breaker open, timeout, invalid output…), or null. */
  readonly fallbackReason: string | null;
  /** Similar past incidents carried over from the contexts. */
  readonly similar: readonly SimilarIncident[];
  /** The context (anomaly + its similar incidents) whose arrival produced this revision. */
  readonly trigger: ContextEvent;
}
