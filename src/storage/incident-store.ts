import type { ActionEvent } from '../model/action-event.js';
import type { AnomalyEvent, Severity } from '../model/anomaly-event.js';
import type { SimilarIncident } from '../model/context-event.js';
import type { Hypothesis, HypothesisEvent, RankedComponent } from '../model/hypothesis-event.js';

/** Lifecycle status of an incident as the action stage sees it. */
export type IncidentStatus = 'open' | 'awaiting-approval' | 'remediating' | 'resolved' | 'escalated';

/** All incident statuses. */
export const INCIDENT_STATUSES: readonly IncidentStatus[] = Object.freeze([
  'open',
  'awaiting-approval',
  'remediating',
  'resolved',
  'escalated',
]);

/** An incident as stored (latest revision). Times in ms since epoch. */
export interface IncidentRecord {
  readonly id: string;
  readonly correlationKey: string;
  readonly openedAtMs: number;
  readonly lastAnomalyAtMs: number;
  readonly severity: Severity;
  readonly status: IncidentStatus;
  readonly revision: number;
  readonly series: readonly string[];
  /** Components (services) involved. */
  readonly components: readonly string[];
  readonly anomalyIds: readonly string[];
  /** Cause and confidence of the top hypothesis of the latest revision. */
  readonly topCause: string | null;
  readonly topConfidence: number | null;
}

/**
 * Filters of {@link IncidentStore.listIncidents}; all optional and combined with AND. Results are ordered
 * newest activity first (`lastAnomalyAtMs` desc, then id desc).
 */
export interface IncidentQuery {
  /** Incidents active at or after this time: `lastAnomalyAtMs >= fromMs`. */
  readonly fromMs?: number;
  /** Incidents opened before this time: `openedAtMs < toMs`. */
  readonly toMs?: number;
  /** Incidents that include this series. */
  readonly series?: string;
  /** Incidents that involve this component (service). */
  readonly service?: string;
  readonly severities?: readonly Severity[];
  readonly statuses?: readonly IncidentStatus[];
  /** Page size, 1..500 (default 50). */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string | null;
}

/** One page of incidents. `nextCursor` is null on the last page. */
export interface IncidentPage {
  readonly items: readonly IncidentRecord[];
  readonly nextCursor: string | null;
}

/** A stored anomaly with the incident it was recorded under. */
export interface StoredAnomaly extends AnomalyEvent {
  readonly incidentId: string | null;
}

/** The similar past incidents retrieved for one anomaly of the incident. */
export interface StoredContext {
  readonly id: string;
  readonly anomalyId: string;
  readonly atMs: number;
  readonly similar: readonly SimilarIncident[];
  readonly degraded: string | null;
}

/** One hypothesis revision of the incident. */
export interface StoredHypotheses {
  readonly id: string;
  readonly revision: number;
  readonly engine: 'rules' | 'llm';
  readonly fallbackReason: string | null;
  readonly hypotheses: readonly Hypothesis[];
  readonly rankedComponents: readonly RankedComponent[];
  readonly atMs: number;
}

/** What happened to an incident, in order: anomalies → similar incidents → hypotheses → actions. */
export interface IncidentTimeline {
  readonly incident: IncidentRecord;
  /** By event time. */
  readonly anomalies: readonly StoredAnomaly[];
  /** By event time of their anomaly. */
  readonly contexts: readonly StoredContext[];
  /** By revision. */
  readonly hypotheses: readonly StoredHypotheses[];
  /** In the order they were taken. */
  readonly actions: readonly ActionEvent[];
}

/**
 * The incident store port. Every write is idempotent by event id: re-delivering an event never
 * duplicates a row, and an older incident revision never overwrites a newer one.
 */
export interface IncidentStore {
  /** Records the incident (latest revision wins), the trigger's anomaly and context, and the hypotheses. */
  recordHypothesisEvent(event: HypothesisEvent): Promise<void>;
  /** Records action events (an id already stored is ignored). */
  recordActions(actions: readonly ActionEvent[]): Promise<void>;
  setIncidentStatus(incidentId: string, status: IncidentStatus): Promise<void>;
  listIncidents(query?: IncidentQuery): Promise<IncidentPage>;
  /** Null when the incident is unknown. */
  incidentTimeline(incidentId: string): Promise<IncidentTimeline | null>;
  /** Closes the connection (idempotent). */
  close(): Promise<void>;
}

/**
 * Filters of {@link IncidentQueries.listAnomalies}; all optional and combined with AND. Results are
 * ordered newest first (`timestampMs` desc, then id desc).
 */
export interface AnomalyQuery {
  /** Anomalies at or after this event time (ms). */
  readonly fromMs?: number;
  /** Anomalies before this event time (ms). */
  readonly toMs?: number;
  readonly series?: string;
  /** The `service` label, or the series prefix before the first `.` when the anomaly has no such label. */
  readonly service?: string;
  readonly severities?: readonly Severity[];
  /** Status of the incident the anomaly was recorded under. */
  readonly statuses?: readonly IncidentStatus[];
  readonly incidentId?: string;
  /** Page size, 1..500 (default 50). */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string | null;
}

/** One page of anomalies. `nextCursor` is null on the last page. */
export interface AnomalyPage {
  readonly items: readonly StoredAnomaly[];
  readonly nextCursor: string | null;
}

/** An operator's verdict on an incident. */
export type FeedbackVerdict = 'confirmed' | 'corrected' | 'false-positive';

/** All feedback verdicts. */
export const FEEDBACK_VERDICTS: readonly FeedbackVerdict[] = Object.freeze([
  'confirmed',
  'corrected',
  'false-positive',
]);

/** Feedback to record on an incident. */
export interface IncidentFeedbackInput {
  readonly incidentId: string;
  readonly verdict: FeedbackVerdict;
  /** The root cause the operator confirmed or corrected to (null for a false positive without one). */
  readonly rootCause: string | null;
  readonly note: string | null;
  /** Who gave the feedback. */
  readonly by: string;
  /** When it was given (ms since the epoch). */
  readonly atMs: number;
  /** What the incident memory did with it, e.g. `remembered` or `marked false positive`. */
  readonly memoryOutcome: string;
}

/** Recorded feedback; `id` is assigned by the store and increases with insertion order. */
export interface StoredIncidentFeedback extends IncidentFeedbackInput {
  readonly id: string;
}

/** Queries and feedback beyond what the stages need (used by the API). */
export interface IncidentQueries {
  listAnomalies(query?: AnomalyQuery): Promise<AnomalyPage>;
  /** Appends one feedback entry (every call adds a row) and returns it with its id. */
  recordFeedback(feedback: IncidentFeedbackInput): Promise<StoredIncidentFeedback>;
  /** The feedback given on an incident, oldest first (empty when none or when the incident is unknown). */
  listFeedback(incidentId: string): Promise<StoredIncidentFeedback[]>;
}

/** The stages' port plus the API's queries: what the SQL store implements. */
export interface QueryableIncidentStore extends IncidentStore, IncidentQueries {}
