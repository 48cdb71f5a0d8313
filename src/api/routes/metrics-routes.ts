import { startIngestTrace } from '../../observability/tracing.js';
import type { ApiDeps } from '../api-deps.js';
import { errorBodySchema } from '../schemas/common-schemas.js';
import { ingestBodySchema, ingestResponseSchema } from '../schemas/metric-schemas.js';
import type { ApiInstance } from '../zod-schemas.js';

/** `POST /api/v1/metrics` (operator): validates a batch and writes it to the metrics topic. */
export function registerMetricsRoutes(app: ApiInstance, deps: Pick<ApiDeps, 'metrics' | 'settings'>): void {
  app.post('/api/v1/metrics', {
    config: { role: 'operator' },
    schema: {
      tags: ['ingest'],
      summary: 'Ingest a batch of metric points',
      description:
        'Every point is validated like the detect stage validates records (the first bad field is named, e.g. points[3].value); then all are written to the metrics topic, keyed by series, record time = event time. 202 once written.',
      body: ingestBodySchema(deps.settings.maxPointsPerRequest),
      response: { 202: ingestResponseSchema, 400: errorBodySchema, 413: errorBodySchema },
    },
    handler: async (request, reply) => {
      const { points } = request.body;
      // Starts (or continues, from the caller's traceparent) the trace the stages carry on; with tracing
      // off its headers are empty and nothing is allocated per point.
      const ingest = startIngestTrace({
        incoming: request.headers,
        attributes: { 'vigil.points': points.length },
      });
      const headers = Object.keys(ingest.headers).length > 0 ? ingest.headers : undefined;
      try {
        await deps.metrics.send(points.map((point) => (headers ? { point, headers } : { point })));
        ingest.end();
      } catch (error) {
        ingest.end(error);
        throw error;
      }
      return reply.code(202).send({ accepted: points.length });
    },
  });
}
