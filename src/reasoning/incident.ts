import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Direction, Severity } from '../model/anomaly-event.js';
import type { SimilarIncident } from '../model/context-event.js';
import type { IncidentSummary } from '../model/hypothesis-event.js';

/** What an incident keeps of each member anomaly (enough for ranking, rules and the LLM prompt). */
export interface IncidentAnomaly {
  readonly id: string;
  readonly series: string;
  readonly component: string;
  readonly metric: string;
  /** Event time (ms since epoch). */
  readonly timestampMs: number;
  readonly value: number;
  readonly direction: Direction;
  readonly severity: Severity;
  /** Combined detector score in [0, 1]. */
  readonly score: number;
  /** Window median the value was compared against. */
  readonly median: number;
  /** Robust deviation `|value − median| / (1.4826·MAD)` (see `robustDeviation`). */
  readonly deviation: number;
  readonly labels: Readonly<Record<string, string>>;
}

/** An open incident: related anomalies of one correlation key within the correlation window. */
export interface Incident {
  /** Deterministic: hash of correlation key and first anomaly id (`inc-` + 16 hex). */
  readonly id: string;
  readonly correlationKey: string;
  /** Event time of the earliest member anomaly. */
  readonly openedAtMs: number;
  /** Event time of the latest member anomaly. */
  readonly lastAnomalyAtMs: number;
  /** 1 for the first anomaly, +1 for each anomaly that joins. */
  readonly revision: number;
  /** Member anomalies, in arrival order (at most `maxAnomaliesPerIncident`). */
  readonly anomalies: readonly IncidentAnomaly[];
  /** Ids of anomalies that joined after the member cap was reached (counted in `revision`, not kept). */
  readonly overflowAnomalyCount: number;
  /** Union of the similar past incidents of its contexts, most similar first (bounded). */
  readonly similar: readonly SimilarIncident[];
}

/** The keyed state of the reasoning stage for one correlation key. */
export interface IncidentBook {
  /** Largest anomaly event time seen for this key (its event-time watermark). */
  readonly watermarkMs: number;
  /** Open incidents, oldest first. */
  readonly incidents: readonly Incident[];
}

/** Incident id: `inc-` + 16 hex chars of SHA-256 over correlation key and first anomaly id. */
export function incidentId(correlationKey: string, firstAnomalyId: string): string {
  return `inc-${createHash('sha256').update(`${correlationKey}\u0000${firstAnomalyId}`).digest('hex').slice(0, 16)}`;
}

const SEVERITY_ORDER: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** Numeric rank of a severity (low = 0 … critical = 3). */
export function severityRank(severity: Severity): number {
  return Math.max(0, SEVERITY_ORDER.indexOf(severity));
}

/** The incident as published in hypothesis events. */
export function summarizeIncident(incident: Incident): IncidentSummary {
  const series: string[] = [];
  const components: string[] = [];
  let severity: Severity = 'low';
  for (const a of incident.anomalies) {
    if (!series.includes(a.series)) series.push(a.series);
    if (!components.includes(a.component)) components.push(a.component);
    if (severityRank(a.severity) > severityRank(severity)) severity = a.severity;
  }
  return {
    id: incident.id,
    correlationKey: incident.correlationKey,
    openedAtMs: incident.openedAtMs,
    lastAnomalyAtMs: incident.lastAnomalyAtMs,
    anomalyIds: incident.anomalies.map((a) => a.id),
    series,
    components,
    severity,
  };
}

// ---- compact changelog form -------------------------------------------------------------------------
// {"v":1,"w":<watermark>,"i":[[id,key,opened,last,revision,overflow,[anomaly…],[similar…]]…]}
// anomaly: [id,series,component,metric,t,value,"u"|"d",severity,score,median,deviation,{labels}]
// similar: [id,similarity,summary,rootCause,resolution]

const STATE_VERSION = 1;
const severity = z.enum(['low', 'medium', 'high', 'critical']);
const anomalyTuple = z.tuple([
  z.string(),
  z.string(),
  z.string(),
  z.string(),
  z.number(),
  z.number(),
  z.enum(['u', 'd']),
  severity,
  z.number(),
  z.number(),
  z.number(),
  z.record(z.string(), z.string()),
]);
const similarTuple = z.tuple([z.string(), z.number(), z.string(), z.string(), z.string()]);
const incidentTuple = z.tuple([
  z.string(),
  z.string(),
  z.number(),
  z.number(),
  z.number().int().min(1),
  z.number().int().min(0),
  z.array(anomalyTuple),
  z.array(similarTuple),
]);
const bookSchema = z.object({ v: z.literal(STATE_VERSION), w: z.number(), i: z.array(incidentTuple) });

/** Serialises a book as compact JSON (tuples instead of objects) for the compacted changelog. */
export function serializeIncidentBook(book: IncidentBook): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: STATE_VERSION,
      w: book.watermarkMs,
      i: book.incidents.map((inc) => [
        inc.id,
        inc.correlationKey,
        inc.openedAtMs,
        inc.lastAnomalyAtMs,
        inc.revision,
        inc.overflowAnomalyCount,
        inc.anomalies.map((a) => [
          a.id,
          a.series,
          a.component,
          a.metric,
          a.timestampMs,
          a.value,
          a.direction === 'up' ? 'u' : 'd',
          a.severity,
          a.score,
          a.median,
          a.deviation,
          a.labels,
        ]),
        inc.similar.map((s) => [s.id, s.similarity, s.summary, s.rootCause, s.resolution]),
      ]),
    }),
  );
}

/** Reads a book written by {@link serializeIncidentBook}; throws on anything else. */
export function deserializeIncidentBook(bytes: Buffer): IncidentBook {
  const data = bookSchema.parse(JSON.parse(bytes.toString('utf8')));
  return {
    watermarkMs: data.w,
    incidents: data.i.map(
      ([id, correlationKey, openedAtMs, lastAnomalyAtMs, revision, overflow, an, sim]) => ({
        id,
        correlationKey,
        openedAtMs,
        lastAnomalyAtMs,
        revision,
        overflowAnomalyCount: overflow,
        anomalies: an.map(
          ([aid, series, component, metric, t, value, dir, sev, score, median, deviation, labels]) => ({
            id: aid,
            series,
            component,
            metric,
            timestampMs: t,
            value,
            direction: dir === 'u' ? ('up' as const) : ('down' as const),
            severity: sev,
            score,
            median,
            deviation,
            labels,
          }),
        ),
        similar: sim.map(([sid, similarity, summary, rootCause, resolution]) => ({
          id: sid,
          similarity,
          summary,
          rootCause,
          resolution,
        })),
      }),
    ),
  };
}
