import { VigilError } from '../errors.js';
import { INCIDENT_NOT_FOUND } from '../memory/incident-memory.js';
import type { FeedbackVerdict, IncidentTimeline, StoredIncidentFeedback } from '../storage/incident-store.js';
import type { ApiIncidentMemory, ApiIncidentStore } from './api-deps.js';
import { conflict, invalidRequest, notFound, unavailable } from './api-errors.js';

/** Feedback as posted. */
export interface FeedbackRequest {
  readonly verdict: FeedbackVerdict;
  readonly rootCause?: string | undefined;
  readonly note?: string | undefined;
  readonly by?: string | undefined;
}

/** Who gave feedback when the request does not say. */
export const UNKNOWN_ACTOR = 'unknown';

/** The anomaly an incident is remembered by: its highest-scoring one (the first on a tie). */
function representativeAnomaly(timeline: IncidentTimeline) {
  let best = timeline.anomalies[0];
  for (const anomaly of timeline.anomalies) if (best && anomaly.score > best.score) best = anomaly;
  return best;
}

function summaryOf(timeline: IncidentTimeline): string {
  const { incident } = timeline;
  const where = incident.components.length > 0 ? incident.components.join(', ') : incident.correlationKey;
  return `${incident.severity} incident on ${where}: ${incident.series.join(', ')}`;
}

async function guardedMemory<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof VigilError && error.code === INCIDENT_NOT_FOUND) throw error;
    throw unavailable(
      `the incident memory could not ${what}: ${(error as Error).message}; nothing was recorded`,
      error,
    );
  }
}

/**
 * Applies an operator's verdict on an incident, memory first, then the store (so a 409 or 503 records
 * nothing):
 *
 * - `confirmed` / `corrected`: the incident is remembered (embedded and stored, or replaced by id) with the
 *   confirmed root cause (`rootCause`, else the top hypothesis') so that future similar anomalies find it;
 * - `false-positive`: the remembered incident is marked false positive; an incident the memory does not
 *   know yet is remembered first, then marked (searches leave false positives out).
 *
 * Throws 404 for an unknown incident, 400 when a confirmation has no root cause to confirm, 409 when the
 * memory would need to remember the incident but it has no recorded anomaly to remember it by, and 503
 * when the memory fails.
 */
export async function applyIncidentFeedback(
  deps: {
    readonly store: ApiIncidentStore;
    readonly memory: ApiIncidentMemory;
    readonly clock: () => number;
  },
  incidentId: string,
  request: FeedbackRequest,
): Promise<StoredIncidentFeedback> {
  const timeline = await deps.store.incidentTimeline(incidentId);
  if (!timeline) throw notFound(`no incident ${JSON.stringify(incidentId)}`);
  const rootCause =
    request.rootCause ?? (request.verdict === 'false-positive' ? null : timeline.incident.topCause);
  if (request.verdict !== 'false-positive' && !rootCause) {
    throw invalidRequest(
      'rootCause',
      'rootCause: the incident has no hypothesis to confirm; give the root cause',
    );
  }
  const anomaly = representativeAnomaly(timeline);
  const remember = async (cause: string) => {
    if (!anomaly) {
      throw conflict(
        `incident ${incidentId} is not in the incident memory and has no recorded anomaly to remember it by; nothing was recorded`,
      );
    }
    await guardedMemory('remember the incident', () =>
      deps.memory.rememberIncident({
        id: incidentId,
        anomaly,
        summary: summaryOf(timeline),
        rootCause: cause,
        resolution: request.note ?? '',
        occurredAt: new Date(timeline.incident.openedAtMs).toISOString(),
      }),
    );
  };
  let memoryOutcome: string;
  if (request.verdict === 'false-positive') {
    try {
      await guardedMemory('mark the incident false positive', () =>
        deps.memory.recordFeedback(incidentId, { falsePositive: true }),
      );
      memoryOutcome = 'marked false positive';
    } catch (error) {
      if (!(error instanceof VigilError && error.code === INCIDENT_NOT_FOUND)) throw error;
      await remember(rootCause ?? timeline.incident.topCause ?? 'false positive');
      await guardedMemory('mark the incident false positive', () =>
        deps.memory.recordFeedback(incidentId, { falsePositive: true }),
      );
      memoryOutcome = 'remembered and marked false positive';
    }
  } else {
    await remember(rootCause!);
    memoryOutcome = 'remembered';
  }
  return deps.store.recordFeedback({
    incidentId,
    verdict: request.verdict,
    rootCause,
    note: request.note ?? null,
    by: request.by ?? UNKNOWN_ACTOR,
    atMs: deps.clock(),
    memoryOutcome,
  });
}
