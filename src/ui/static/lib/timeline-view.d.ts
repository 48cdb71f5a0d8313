/**
 * The series to chart: the incident's series in its order, then any series that only its anomalies name.
 * @param {Timeline} timeline
 * @returns {string[]}
 */
export function chartedSeries(timeline: Timeline): string[];
/**
 * The similar past incidents over all contexts, one entry per id with its best similarity, most similar
 * first (ties by id).
 * @param {Timeline} timeline
 * @returns {RankedSimilar[]}
 */
export function rankSimilar(timeline: Timeline): RankedSimilar[];
/**
 * Why some similar incidents may be missing (distinct degraded reasons of the contexts).
 * @param {Timeline} timeline
 * @returns {string[]}
 */
export function degradedReasons(timeline: Timeline): string[];
/**
 * The newest hypothesis revision, or null when the incident has none.
 * @param {Timeline} timeline
 * @returns {TimelineHypotheses | null}
 */
export function latestHypotheses(timeline: Timeline): TimelineHypotheses | null;
/**
 * The body of `POST /api/v1/incidents/:id/feedback`, or an error message for the form. A correction
 * needs a root cause; a confirmation uses the given cause or, without one, the incident's top cause.
 * @param {string} verdict
 * @param {{ rootCause?: string, note?: string }} input
 * @param {string | null} topCause
 * @returns {{ body: { verdict: string, rootCause?: string, note?: string } } | { error: string }}
 */
export function feedbackRequest(
  verdict: string,
  input: {
    rootCause?: string;
    note?: string;
  },
  topCause: string | null,
):
  | {
      body: {
        verdict: string;
        rootCause?: string;
        note?: string;
      };
    }
  | {
      error: string;
    };
/**
 * The message shown after the API accepted feedback, e.g. `Feedback recorded: false positive (incident
 * memory: marked false positive).` The memory outcome is read from `memoryOutcome` of the response or of
 * its `feedback` object, when present.
 * @param {string} verdict
 * @param {unknown} response the API's JSON answer
 * @returns {string}
 */
export function feedbackResultMessage(verdict: string, response: unknown): string;
/**
 * What the incident page derives from `GET /api/v1/incidents/:id` (an `IncidentTimeline`): the series to
 * chart, the similar incidents, the latest hypotheses, and the feedback request. Pure.
 * @module
 */
/**
 * @typedef {object} SimilarIncident
 * @property {string} id
 * @property {number} similarity cosine similarity in [-1, 1]
 * @property {string} summary
 * @property {string} rootCause
 * @property {string} resolution
 */
/**
 * A similar past incident with how many of this incident's anomalies retrieved it.
 * @typedef {SimilarIncident & { matches: number }} RankedSimilar
 */
/**
 * @typedef {object} TimelineAnomaly
 * @property {string} id
 * @property {string} series
 * @property {number} timestampMs
 * @property {number} value
 * @property {string} direction
 * @property {number} score
 * @property {string} severity
 */
/**
 * @typedef {object} TimelineHypotheses
 * @property {number} revision
 * @property {string} engine
 * @property {string | null} fallbackReason
 * @property {readonly { cause: string, component: string | null, confidence: number, evidence: readonly string[], steps: readonly string[], ruleId: string | null }[]} hypotheses
 * @property {number} atMs
 */
/**
 * The parts of an `IncidentTimeline` the page uses.
 * @typedef {object} Timeline
 * @property {{ id: string, series: readonly string[], topCause: string | null }} incident
 * @property {readonly TimelineAnomaly[]} anomalies
 * @property {readonly { anomalyId: string, similar: readonly SimilarIncident[], degraded: string | null }[]} contexts
 * @property {readonly TimelineHypotheses[]} hypotheses
 */
/** Feedback verdicts the API accepts. */
export const VERDICTS: readonly string[];
/** What each verdict is called on the page. */
export const VERDICT_LABELS: Readonly<{
  confirmed: 'root cause confirmed';
  corrected: 'root cause corrected';
  'false-positive': 'false positive';
}>;
export type SimilarIncident = {
  id: string;
  /**
   * cosine similarity in [-1, 1]
   */
  similarity: number;
  summary: string;
  rootCause: string;
  resolution: string;
};
/**
 * A similar past incident with how many of this incident's anomalies retrieved it.
 */
export type RankedSimilar = SimilarIncident & {
  matches: number;
};
export type TimelineAnomaly = {
  id: string;
  series: string;
  timestampMs: number;
  value: number;
  direction: string;
  score: number;
  severity: string;
};
export type TimelineHypotheses = {
  revision: number;
  engine: string;
  fallbackReason: string | null;
  hypotheses: readonly {
    cause: string;
    component: string | null;
    confidence: number;
    evidence: readonly string[];
    steps: readonly string[];
    ruleId: string | null;
  }[];
  atMs: number;
};
/**
 * The parts of an `IncidentTimeline` the page uses.
 */
export type Timeline = {
  incident: {
    id: string;
    series: readonly string[];
    topCause: string | null;
  };
  anomalies: readonly TimelineAnomaly[];
  contexts: readonly {
    anomalyId: string;
    similar: readonly SimilarIncident[];
    degraded: string | null;
  }[];
  hypotheses: readonly TimelineHypotheses[];
};
