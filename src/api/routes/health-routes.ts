import { z } from 'zod';
import type { ApiDeps } from '../api-deps.js';
import { runReadinessChecks } from '../readiness.js';
import type { ApiInstance } from '../zod-schemas.js';

const readinessSchema = z.object({
  status: z.enum(['ready', 'not-ready']),
  checks: z.array(
    z.object({
      name: z.string().meta({ example: 'kafka' }),
      status: z.enum(['ok', 'failed']),
      latencyMs: z.number(),
      error: z.string().optional(),
    }),
  ),
});

/** `GET /api/v1/health/live` and `GET /api/v1/health/ready` (public: probes carry no credentials). */
export function registerHealthRoutes(app: ApiInstance, deps: Pick<ApiDeps, 'readiness' | 'settings'>): void {
  app.get('/api/v1/health/live', {
    config: { role: 'public' },
    schema: {
      tags: ['health'],
      summary: 'Liveness: 200 while the process runs',
      response: { 200: z.object({ status: z.literal('ok') }) },
    },
    handler: async () => ({ status: 'ok' as const }),
  });
  app.get('/api/v1/health/ready', {
    config: { role: 'public' },
    schema: {
      tags: ['health'],
      summary:
        'Readiness: every dependency (Kafka, registry, PostgreSQL, vector store) with status and latency',
      description: `Runs every check in parallel, each with api.readinessTimeoutMs (${deps.settings.readinessTimeoutMs} ms); 503 when any fails.`,
      response: { 200: readinessSchema, 503: readinessSchema },
    },
    handler: async (_request, reply) => {
      const report = await runReadinessChecks(deps.readiness, deps.settings.readinessTimeoutMs);
      return reply.code(report.status === 'ready' ? 200 : 503).send(report);
    },
  });
}
