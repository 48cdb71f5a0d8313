import { z } from 'zod';
import type { ApiDeps } from '../api-deps.js';
import { notFound } from '../api-errors.js';
import { applyIncidentFeedback } from '../incident-feedback.js';
import {
  checkTimeOrder,
  cursorParam,
  enumListParam,
  errorBodySchema,
  limitParam,
  timeParam,
} from '../schemas/common-schemas.js';
import {
  feedbackSchema,
  incidentSchema,
  SEVERITY_VALUES,
  STATUS_VALUES,
  storedAnomalySchema,
  timelineSchema,
} from '../schemas/event-schemas.js';
import { describePrincipal } from '../security/principal.js';
import type { ApiInstance } from '../zod-schemas.js';

const listFilters = {
  series: z.string().min(1).optional().meta({ description: 'Only this series' }),
  service: z.string().min(1).optional().meta({ description: 'Only this service' }),
  severity: enumListParam(SEVERITY_VALUES, 'Severities').optional(),
  status: enumListParam(STATUS_VALUES, 'Incident statuses').optional(),
  limit: limitParam,
  cursor: cursorParam.optional(),
};

const incidentsQuery = z
  .strictObject({
    from: timeParam.optional().meta({ description: 'Incidents active at or after this time' }),
    to: timeParam.optional().meta({ description: 'Incidents opened before this time' }),
    ...listFilters,
  })
  .superRefine(checkTimeOrder);

const anomaliesQuery = z
  .strictObject({
    from: timeParam.optional().meta({ description: 'Anomalies at or after this event time' }),
    to: timeParam.optional().meta({ description: 'Anomalies before this event time' }),
    incidentId: z.string().min(1).optional().meta({ description: 'Only the anomalies of this incident' }),
    ...listFilters,
  })
  .superRefine(checkTimeOrder);

const idParams = z.strictObject({ id: z.string().min(1).max(512) });

const feedbackBody = z
  .strictObject({
    verdict: z.enum(['confirmed', 'corrected', 'false-positive']).meta({
      description:
        'confirmed: the top hypothesis (or rootCause) was right; corrected: rootCause was; false-positive: no incident',
    }),
    rootCause: z.string().trim().min(1).max(2000).optional(),
    note: z
      .string()
      .max(4000)
      .optional()
      .meta({ description: 'Free text; kept as the resolution in the memory' }),
    by: z.string().trim().min(1).max(200).optional().meta({ description: 'Who gives the feedback' }),
  })
  .superRefine((body, ctx) => {
    if (body.verdict === 'corrected' && body.rootCause === undefined) {
      ctx.addIssue({ code: 'custom', path: ['rootCause'], message: 'a correction needs the root cause' });
    }
  });

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as cursor for the next page; null on the last' }),
  });

/**
 * `GET /api/v1/anomalies`, `GET /api/v1/incidents`, `GET /api/v1/incidents/:id` (viewer) and
 * `POST /api/v1/incidents/:id/feedback` (operator).
 */
export function registerIncidentRoutes(
  app: ApiInstance,
  deps: Pick<ApiDeps, 'store' | 'memory' | 'clock'>,
): void {
  app.get('/api/v1/anomalies', {
    config: { role: 'viewer' },
    schema: {
      tags: ['incidents'],
      summary: 'Recorded anomalies, newest first, filtered, one page at a time',
      querystring: anomaliesQuery,
      response: { 200: page(storedAnomalySchema), 400: errorBodySchema },
    },
    handler: async (request) => {
      const q = request.query;
      return deps.store.listAnomalies({
        fromMs: q.from,
        toMs: q.to,
        series: q.series,
        service: q.service,
        incidentId: q.incidentId,
        severities: q.severity,
        statuses: q.status,
        limit: q.limit,
        cursor: q.cursor ?? null,
      });
    },
  });
  app.get('/api/v1/incidents', {
    config: { role: 'viewer' },
    schema: {
      tags: ['incidents'],
      summary: 'Incidents, newest activity first, filtered, one page at a time',
      querystring: incidentsQuery,
      response: { 200: page(incidentSchema), 400: errorBodySchema },
    },
    handler: async (request) => {
      const q = request.query;
      return deps.store.listIncidents({
        fromMs: q.from,
        toMs: q.to,
        series: q.series,
        service: q.service,
        severities: q.severity,
        statuses: q.status,
        limit: q.limit,
        cursor: q.cursor ?? null,
      });
    },
  });
  app.get('/api/v1/incidents/:id', {
    config: { role: 'viewer' },
    schema: {
      tags: ['incidents'],
      summary: 'One incident: anomalies → similar incidents → hypotheses → actions, and its feedback',
      params: idParams,
      response: { 200: timelineSchema, 404: errorBodySchema },
    },
    handler: async (request) => {
      const { id } = request.params;
      const [timeline, feedback] = await Promise.all([
        deps.store.incidentTimeline(id),
        deps.store.listFeedback(id),
      ]);
      if (!timeline) throw notFound(`no incident ${JSON.stringify(id)}`);
      return { ...timeline, feedback };
    },
  });
  app.post('/api/v1/incidents/:id/feedback', {
    config: { role: 'operator' },
    schema: {
      tags: ['incidents'],
      summary: 'Confirm or correct the root cause, or mark a false positive',
      description:
        'Fed to the incident memory first (confirmed/corrected: the incident is remembered with its root cause so similar anomalies find it; false-positive: it is marked so), then recorded. 404 unknown incident; 409 the memory would have to remember an incident that has no recorded anomaly; 503 the memory is unavailable (nothing recorded).',
      params: idParams,
      body: feedbackBody,
      response: { 201: feedbackSchema, 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema },
    },
    handler: async (request, reply) => {
      // With authentication on, the feedback is recorded as given by the caller's key or token subject.
      const principal = request.principal;
      const by = principal ? describePrincipal(principal) : request.body.by;
      const feedback = await applyIncidentFeedback(deps, request.params.id, { ...request.body, by });
      return reply.code(201).send(feedback);
    },
  });
}
