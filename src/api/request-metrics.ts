import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Buckets of the request duration histogram, in seconds (covers the 500 ms p95 alert). */
export const REQUEST_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

const LABELS = ['method', 'route', 'status_code'] as const;

/** The label of requests that matched no route (keeps the label set bounded). */
export const UNMATCHED_ROUTE = 'unmatched';

function existing<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * Registers `vigil_api_request_duration_seconds` (histogram) and `vigil_api_requests_total` (counter),
 * labelled by method, route pattern (`/api/v1/incidents/:id`, or `unmatched`) and status code, on
 * `registry` (reused when already there), and an `onResponse` hook that records every response.
 */
export function addRequestMetrics(app: FastifyInstance, registry: Registry): void {
  const duration = existing(
    registry,
    'vigil_api_request_duration_seconds',
    () =>
      new Histogram({
        name: 'vigil_api_request_duration_seconds',
        help: 'Duration of API requests, from arrival to the response being sent',
        labelNames: LABELS,
        buckets: [...REQUEST_DURATION_BUCKETS],
        registers: [registry],
      }),
  );
  const requests = existing(
    registry,
    'vigil_api_requests_total',
    () =>
      new Counter({
        name: 'vigil_api_requests_total',
        help: 'API requests answered',
        labelNames: LABELS,
        registers: [registry],
      }),
  );
  app.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status_code: String(reply.statusCode),
    };
    duration.observe(labels, reply.elapsedTime / 1000);
    requests.inc(labels);
    done();
  });
}
