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
export const VERDICTS = Object.freeze(['confirmed', 'corrected', 'false-positive']);

/** What each verdict is called on the page. */
export const VERDICT_LABELS = Object.freeze({
  confirmed: 'root cause confirmed',
  corrected: 'root cause corrected',
  'false-positive': 'false positive',
});

/**
 * The series to chart: the incident's series in its order, then any series that only its anomalies name.
 * @param {Timeline} timeline
 * @returns {string[]}
 */
export function chartedSeries(timeline) {
  const names = new Set(timeline.incident.series);
  for (const anomaly of timeline.anomalies) names.add(anomaly.series);
  return [...names];
}

/**
 * The similar past incidents over all contexts, one entry per id with its best similarity, most similar
 * first (ties by id).
 * @param {Timeline} timeline
 * @returns {RankedSimilar[]}
 */
export function rankSimilar(timeline) {
  /** @type {Map<string, RankedSimilar>} */
  const byId = new Map();
  for (const context of timeline.contexts) {
    for (const similar of context.similar) {
      const seen = byId.get(similar.id);
      if (seen === undefined) byId.set(similar.id, { ...similar, matches: 1 });
      else {
        const best = similar.similarity > seen.similarity ? similar : seen;
        byId.set(similar.id, { ...best, matches: seen.matches + 1 });
      }
    }
  }
  return [...byId.values()].sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : 1));
}

/**
 * Why some similar incidents may be missing (distinct degraded reasons of the contexts).
 * @param {Timeline} timeline
 * @returns {string[]}
 */
export function degradedReasons(timeline) {
  /** @type {Set<string>} */
  const reasons = new Set();
  for (const context of timeline.contexts) {
    if (typeof context.degraded === 'string' && context.degraded !== '') reasons.add(context.degraded);
  }
  return [...reasons];
}

/**
 * The newest hypothesis revision, or null when the incident has none.
 * @param {Timeline} timeline
 * @returns {TimelineHypotheses | null}
 */
export function latestHypotheses(timeline) {
  let latest = null;
  for (const revision of timeline.hypotheses) {
    if (latest === null || revision.revision > latest.revision) latest = revision;
  }
  return latest;
}

/**
 * The body of `POST /api/v1/incidents/:id/feedback`, or an error message for the form. A correction
 * needs a root cause; a confirmation uses the given cause or, without one, the incident's top cause.
 * @param {string} verdict
 * @param {{ rootCause?: string, note?: string }} input
 * @param {string | null} topCause
 * @returns {{ body: { verdict: string, rootCause?: string, note?: string } } | { error: string }}
 */
export function feedbackRequest(verdict, input, topCause) {
  if (!VERDICTS.includes(verdict)) return { error: `unknown verdict "${verdict}"` };
  const rootCause = (input.rootCause ?? '').trim();
  const note = (input.note ?? '').trim();
  /** @type {{ verdict: string, rootCause?: string, note?: string }} */
  const body = { verdict };
  if (verdict === 'corrected') {
    if (rootCause === '') return { error: 'Enter the actual root cause to correct it.' };
    body.rootCause = rootCause;
  } else if (verdict === 'confirmed') {
    const cause = rootCause || topCause || '';
    if (cause !== '') body.rootCause = cause;
  } else if (rootCause !== '') {
    body.rootCause = rootCause;
  }
  if (note !== '') body.note = note;
  return { body };
}

/**
 * The message shown after the API accepted feedback, e.g. `Feedback recorded: false positive (incident
 * memory: marked false positive).` The memory outcome is read from `memoryOutcome` of the response or of
 * its `feedback` object, when present.
 * @param {string} verdict
 * @param {unknown} response the API's JSON answer
 * @returns {string}
 */
export function feedbackResultMessage(verdict, response) {
  const label = VERDICT_LABELS[/** @type {keyof typeof VERDICT_LABELS} */ (verdict)] ?? verdict;
  const outcome = memoryOutcomeOf(response);
  return `Feedback recorded: ${label}${outcome ? ` (incident memory: ${outcome})` : ''}.`;
}

/**
 * @param {unknown} response
 * @returns {string | null}
 */
function memoryOutcomeOf(response) {
  if (typeof response !== 'object' || response === null) return null;
  const record = /** @type {Record<string, unknown>} */ (response);
  if (typeof record.memoryOutcome === 'string') return record.memoryOutcome;
  return record.feedback === undefined ? null : memoryOutcomeOf(record.feedback);
}
