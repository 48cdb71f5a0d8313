import type { ContextEvent, SimilarIncident } from '../model/context-event.js';
import { componentOf, type FactOptions, metricOf, robustDeviation } from './anomaly-facts.js';
import { type DependencyGraph, linkedWithin } from './dependency-graph.js';
import { type Incident, type IncidentAnomaly, type IncidentBook, incidentId } from './incident.js';

/** How anomalies are grouped into incidents. */
export interface GroupingOptions extends FactOptions {
  /** Correlation window (event time, ms): an anomaly joins an incident within this distance of it. */
  readonly windowMs: number;
  /**
   * When true, every anomaly of the correlation key within the window joins the key's open incident (the
   * memory stage already chose the key to mean "may be one incident"). When false, it joins only an
   * incident it is related to: same component, same value of one of `labelKeys`, or linked in the graph.
   */
  readonly groupByCorrelationKey: boolean;
  /** Label keys whose equal values relate two anomalies (e.g. `service`, `host`). */
  readonly labelKeys: readonly string[];
  /** Optional call graph: components within `graphLinkHops` edges (either direction) are related. */
  readonly graph?: DependencyGraph | undefined;
  readonly graphLinkHops: number;
  /** Bound on open incidents per key; the least recently active one is closed when exceeded. */
  readonly maxOpenIncidentsPerKey: number;
  /** Bound on member anomalies kept per incident; later ones only bump the revision. */
  readonly maxAnomaliesPerIncident: number;
  /** How many similar past incidents an incident keeps (most similar first). */
  readonly similarLimit: number;
}

/** Outcome of {@link groupAnomaly}. */
export type GroupingResult =
  | {
      readonly kind: 'joined' | 'opened';
      /** The new state of the key. */
      readonly book: IncidentBook;
      /** The incident the anomaly now belongs to, at its new revision. */
      readonly incident: Incident;
      /** Incidents closed by this call (window passed, or evicted by the bound). */
      readonly closed: readonly Incident[];
    }
  | {
      /** The anomaly id is already a member of an open incident: nothing changes. */
      readonly kind: 'duplicate';
      readonly book: IncidentBook;
      readonly incident: Incident;
      readonly closed: readonly Incident[];
    };

/** Turns a context's anomaly into an incident member. */
export function toIncidentAnomaly(context: ContextEvent, options: FactOptions): IncidentAnomaly {
  const a = context.anomaly;
  const component = componentOf(a, options);
  return {
    id: a.id,
    series: a.series,
    component,
    metric: metricOf(a, component, options),
    timestampMs: a.timestampMs,
    value: a.value,
    direction: a.direction,
    severity: a.severity,
    score: a.score,
    median: a.baseline.median,
    deviation: robustDeviation(a.value, a.baseline),
    labels: a.labels,
  };
}

/**
 * Closes the incidents of `book` whose latest anomaly is more than `windowMs` before `watermarkMs`.
 * Returns the remaining book (undefined when nothing is left, so the caller can drop the key) and the
 * closed incidents.
 */
export function closeExpired(
  book: IncidentBook,
  watermarkMs: number,
  windowMs: number,
): { readonly book: IncidentBook | undefined; readonly closed: readonly Incident[] } {
  const open: Incident[] = [];
  const closed: Incident[] = [];
  for (const incident of book.incidents) {
    (incident.lastAnomalyAtMs + windowMs < watermarkMs ? closed : open).push(incident);
  }
  const watermark = Math.max(book.watermarkMs, watermarkMs);
  return { book: open.length > 0 ? { watermarkMs: watermark, incidents: open } : undefined, closed };
}

/** Merges similar-incident lists: unique by id (best similarity kept), most similar first, then by id. */
export function mergeSimilar(
  a: readonly SimilarIncident[],
  b: readonly SimilarIncident[],
  limit: number,
): SimilarIncident[] {
  const best = new Map<string, SimilarIncident>();
  for (const s of [...a, ...b]) {
    const known = best.get(s.id);
    if (!known || s.similarity > known.similarity) best.set(s.id, s);
  }
  return [...best.values()]
    .sort((x, y) => y.similarity - x.similarity || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
    .slice(0, limit);
}

function related(anomaly: IncidentAnomaly, incident: Incident, options: GroupingOptions): boolean {
  if (options.groupByCorrelationKey) return true;
  return incident.anomalies.some(
    (m) =>
      m.component === anomaly.component ||
      options.labelKeys.some((k) => anomaly.labels[k] !== undefined && anomaly.labels[k] === m.labels[k]) ||
      (options.graph !== undefined &&
        linkedWithin(options.graph, m.component, anomaly.component, options.graphLinkHops)),
  );
}

function inWindow(t: number, incident: Incident, windowMs: number): boolean {
  return t >= incident.openedAtMs - windowMs && t <= incident.lastAnomalyAtMs + windowMs;
}

/**
 * Groups the anomaly of `context` into the open incidents of its correlation key (pure).
 *
 * 1. The key's watermark advances to the anomaly's event time; incidents idle for longer than the window
 *    (event time) close and leave the state.
 * 2. An anomaly already in an open incident is a duplicate (re-delivery): nothing changes.
 * 3. Otherwise it joins the most recently active open incident that is in the window
 *    (`openedAt − window ≤ t ≤ lastAnomalyAt + window`) and related to it (see
 *    {@link GroupingOptions.groupByCorrelationKey}); the revision goes up by one. Ties: earlier opened,
 *    then smaller id.
 * 4. With no such incident a new one opens at revision 1, its id derived from key and anomaly id.
 */
export function groupAnomaly(
  book: IncidentBook | undefined,
  context: ContextEvent,
  options: GroupingOptions,
): GroupingResult {
  const anomaly = toIncidentAnomaly(context, options);
  const t = anomaly.timestampMs;
  const watermark = Math.max(book?.watermarkMs ?? Number.NEGATIVE_INFINITY, t);
  const expiry = book ? closeExpired(book, watermark, options.windowMs) : { book: undefined, closed: [] };
  const closed = [...expiry.closed];
  const open = [...(expiry.book?.incidents ?? [])];

  const holder = open.find((inc) => inc.anomalies.some((m) => m.id === anomaly.id));
  if (holder)
    return { kind: 'duplicate', book: { watermarkMs: watermark, incidents: open }, incident: holder, closed };

  const candidates = open
    .filter((inc) => inWindow(t, inc, options.windowMs) && related(anomaly, inc, options))
    .sort(
      (x, y) =>
        y.lastAnomalyAtMs - x.lastAnomalyAtMs || x.openedAtMs - y.openedAtMs || (x.id < y.id ? -1 : 1),
    );
  const target = candidates[0];
  if (target) {
    const keep = target.anomalies.length < options.maxAnomaliesPerIncident;
    const incident: Incident = {
      ...target,
      openedAtMs: Math.min(target.openedAtMs, t),
      lastAnomalyAtMs: Math.max(target.lastAnomalyAtMs, t),
      revision: target.revision + 1,
      anomalies: keep ? [...target.anomalies, anomaly] : target.anomalies,
      overflowAnomalyCount: target.overflowAnomalyCount + (keep ? 0 : 1),
      similar: mergeSimilar(target.similar, context.similar, options.similarLimit),
    };
    const incidents = open.map((inc) => (inc === target ? incident : inc));
    return { kind: 'joined', book: { watermarkMs: watermark, incidents }, incident, closed };
  }

  const incident: Incident = {
    id: incidentId(context.correlationKey, anomaly.id),
    correlationKey: context.correlationKey,
    openedAtMs: t,
    lastAnomalyAtMs: t,
    revision: 1,
    anomalies: [anomaly],
    overflowAnomalyCount: 0,
    similar: mergeSimilar([], context.similar, options.similarLimit),
  };
  open.push(incident);
  while (open.length > Math.max(1, options.maxOpenIncidentsPerKey)) {
    let victim = 0;
    for (let i = 1; i < open.length - 1; i++) {
      if (open[i]!.lastAnomalyAtMs < open[victim]!.lastAnomalyAtMs) victim = i;
    }
    closed.push(...open.splice(victim, 1));
  }
  return { kind: 'opened', book: { watermarkMs: watermark, incidents: open }, incident, closed };
}
