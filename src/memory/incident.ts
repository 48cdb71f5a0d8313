import { z } from 'zod';
import type { Direction } from '../model/anomaly-event.js';
import type { PayloadObject } from '../vector-store/vector-store.js';
import type { AnomalySignature } from './anomaly-summary.js';

/** A past (resolved) incident kept in memory. */
export interface Incident {
  /** Stable id, e.g. `INC-2025-014`; upserts are idempotent by it. */
  readonly id: string;
  /** One-line human description. */
  readonly summary: string;
  readonly signature: AnomalySignature;
  readonly rootCause: string;
  readonly resolution: string;
  /** ISO-8601 time the incident started. */
  readonly occurredAt: string;
  /** True when the anomaly turned out not to be an incident (feedback). */
  readonly falsePositive: boolean;
}

const text = (what: string) =>
  z.string({ error: `${what} must be a string` }).min(1, `${what} must not be empty`);
const finite = (what: string) =>
  z.number({ error: `${what} must be a number` }).finite(`${what} must be finite`);

/** Schema of one incident as written in `config/incidents/*.yaml`. */
export const incidentFileEntrySchema = z
  .object({
    id: text('id').regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'id may hold letters, digits and . _ : - only'),
    summary: text('summary'),
    service: text('service'),
    metric: text('metric'),
    series: text('series').optional(),
    labels: z.record(z.string(), z.string(), { error: 'labels must map strings to strings' }).default({}),
    direction: z.enum(['up', 'down'], { error: 'direction must be "up" or "down"' }),
    value: finite('value'),
    baseline: z
      .object({ median: finite('baseline.median'), mad: finite('baseline.mad').min(0, 'mad must be >= 0') })
      .strict(),
    detectors: z.array(text('detector')).min(1, 'name at least one detector that fired'),
    rootCause: text('rootCause'),
    resolution: text('resolution'),
    occurredAt: z.iso.datetime({
      error: 'occurredAt must be an ISO-8601 date-time, e.g. 2025-03-02T14:05:00Z',
    }),
    falsePositive: z.boolean().default(false),
  })
  .strict();

/** An incident as written in an incidents file. */
export type IncidentFileEntry = z.input<typeof incidentFileEntrySchema>;

/** The incident of a validated file entry. */
export function incidentFromEntry(entry: z.output<typeof incidentFileEntrySchema>): Incident {
  return {
    id: entry.id,
    summary: entry.summary,
    signature: {
      series: entry.series ?? `${entry.service}.${entry.metric}`,
      labels: { ...entry.labels, service: entry.service, metric: entry.metric },
      direction: entry.direction as Direction,
      value: entry.value,
      baselineMedian: entry.baseline.median,
      baselineMad: entry.baseline.mad,
      detectorsFired: entry.detectors,
    },
    rootCause: entry.rootCause,
    resolution: entry.resolution,
    occurredAt: entry.occurredAt,
    falsePositive: entry.falsePositive,
  };
}

/** Payload stored with an incident's vector (flat fields are filterable). */
export function incidentPayload(incident: Incident, embeddedText: string): PayloadObject {
  return {
    incidentId: incident.id,
    summary: incident.summary,
    service: incident.signature.labels.service ?? incident.signature.series.split('.')[0]!,
    series: incident.signature.series,
    direction: incident.signature.direction,
    rootCause: incident.rootCause,
    resolution: incident.resolution,
    occurredAt: incident.occurredAt,
    falsePositive: incident.falsePositive,
    embeddedText,
    signature: {
      series: incident.signature.series,
      labels: { ...incident.signature.labels },
      direction: incident.signature.direction,
      value: incident.signature.value,
      baselineMedian: incident.signature.baselineMedian,
      baselineMad: incident.signature.baselineMad,
      detectorsFired: [...incident.signature.detectorsFired],
    },
  };
}
