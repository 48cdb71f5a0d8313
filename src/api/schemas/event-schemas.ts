import { z } from 'zod';
import type { Severity } from '../../model/anomaly-event.js';
import type { IncidentStatus } from '../../storage/incident-store.js';

/** Severities, lowest first. */
export const SEVERITY_VALUES = ['low', 'medium', 'high', 'critical'] as const satisfies readonly Severity[];

/** Incident statuses (the same as `INCIDENT_STATUSES`, as a tuple for zod). */
export const STATUS_VALUES = [
  'open',
  'awaiting-approval',
  'remediating',
  'resolved',
  'escalated',
] as const satisfies readonly IncidentStatus[];

const detectorReadingSchema = z.object({
  detector: z.string(),
  statistic: z.number(),
  threshold: z.number(),
  score: z.number(),
  fired: z.boolean(),
});

const windowBaselineSchema = z.object({
  count: z.number(),
  mean: z.number(),
  std: z.number(),
  median: z.number(),
  mad: z.number(),
  q1: z.number(),
  q3: z.number(),
  ewma: z.number(),
});

/** An anomaly event (as on the `anomalies` topic). */
export const anomalySchema = z.object({
  id: z.string(),
  series: z.string(),
  timestampMs: z.number(),
  value: z.number(),
  direction: z.enum(['up', 'down']),
  score: z.number().meta({ description: 'Combined score in [0, 1]' }),
  severity: z.enum(SEVERITY_VALUES),
  detectors: z.array(detectorReadingSchema),
  baseline: windowBaselineSchema,
  labels: z.record(z.string(), z.string()),
  configId: z.string(),
});

/** A stored anomaly: the event plus the incident it was recorded under. */
export const storedAnomalySchema = anomalySchema.extend({ incidentId: z.string().nullable() });

/** An incident (latest revision). */
export const incidentSchema = z.object({
  id: z.string(),
  correlationKey: z.string(),
  openedAtMs: z.number(),
  lastAnomalyAtMs: z.number(),
  severity: z.enum(SEVERITY_VALUES),
  status: z.enum(STATUS_VALUES),
  revision: z.number(),
  series: z.array(z.string()),
  components: z.array(z.string()),
  anomalyIds: z.array(z.string()),
  topCause: z.string().nullable(),
  topConfidence: z.number().nullable(),
});

const similarIncidentSchema = z.object({
  id: z.string(),
  similarity: z.number(),
  summary: z.string(),
  rootCause: z.string(),
  resolution: z.string(),
});

const hypothesisSchema = z.object({
  cause: z.string(),
  component: z.string().nullable(),
  confidence: z.number(),
  evidence: z.array(z.string()),
  steps: z.array(z.string()),
  ruleId: z.string().nullable(),
});

const rankedComponentSchema = z.object({
  component: z.string(),
  score: z.number(),
  onsetMs: z.number(),
  deviation: z.number(),
  upstreamDepth: z.number().nullable(),
});

const actionSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  kind: z.string(),
  target: z.string(),
  status: z.enum(['ok', 'failed', 'skipped', 'pending']),
  detail: z.string(),
  attempts: z.number(),
  atMs: z.number(),
  runbook: z.string().nullable(),
  step: z.string().nullable(),
});

/** Feedback recorded on an incident. */
export const feedbackSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  verdict: z.enum(['confirmed', 'corrected', 'false-positive']),
  rootCause: z.string().nullable(),
  note: z.string().nullable(),
  by: z.string(),
  atMs: z.number(),
  memoryOutcome: z.string().meta({ description: 'What the incident memory did with the feedback' }),
});

/** An incident with everything that happened to it, in order. */
export const timelineSchema = z.object({
  incident: incidentSchema,
  anomalies: z.array(storedAnomalySchema).meta({ description: 'By event time' }),
  contexts: z
    .array(
      z.object({
        id: z.string(),
        anomalyId: z.string(),
        atMs: z.number(),
        similar: z.array(similarIncidentSchema),
        degraded: z.string().nullable(),
      }),
    )
    .meta({ description: 'The similar past incidents found for each anomaly' }),
  hypotheses: z
    .array(
      z.object({
        id: z.string(),
        revision: z.number(),
        engine: z.enum(['rules', 'llm']),
        fallbackReason: z.string().nullable(),
        hypotheses: z.array(hypothesisSchema),
        rankedComponents: z.array(rankedComponentSchema),
        atMs: z.number(),
      }),
    )
    .meta({ description: 'Hypothesis revisions, by revision' }),
  actions: z.array(actionSchema).meta({ description: 'In the order they were taken' }),
  feedback: z.array(feedbackSchema).meta({ description: 'Operator feedback, oldest first' }),
});
