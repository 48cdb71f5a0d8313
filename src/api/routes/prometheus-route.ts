import type { ApiDeps } from '../api-deps.js';
import type { ApiInstance } from '../zod-schemas.js';

/** `GET /metrics` (public): the Prometheus registry, stage metrics and API request metrics. */
export function registerPrometheusRoute(app: ApiInstance, deps: Pick<ApiDeps, 'registry'>): void {
  app.get('/metrics', {
    config: { role: 'public' },
    schema: { tags: ['health'], summary: 'Prometheus metrics (text exposition format)' },
    handler: async (_request, reply) => {
      const text = await deps.registry.metrics();
      return reply.type(deps.registry.contentType).send(text);
    },
  });
}
