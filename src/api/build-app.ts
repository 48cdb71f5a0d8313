import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { registerUi } from '../ui/register-ui.js';
import type { ApiDeps } from './api-deps.js';
import { installErrorHandlers } from './error-handler.js';
import { addRequestMetrics } from './request-metrics.js';
import { requireRouteRoles } from './route-roles.js';
import { registerAnalyzeRoute } from './routes/analyze-route.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerIncidentRoutes } from './routes/incident-routes.js';
import { registerMetricsRoutes } from './routes/metrics-routes.js';
import { registerPrometheusRoute } from './routes/prometheus-route.js';
import { registerSeriesRoute } from './routes/series-route.js';
import {
  type ApiInstance,
  jsonSerializerCompiler,
  zodToOpenApi,
  zodValidatorCompiler,
} from './zod-schemas.js';

/** Where the docs page is served. */
export const DOCS_PREFIX = '/docs';
/** Where the OpenAPI document is served. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

/**
 * Something to install on the root instance before any route is added, e.g. authentication:
 * `(app) => app.register(fastifyPlugin(securityPlugin), options)`. Hooks it adds at the root (through
 * fastify-plugin, or by calling `app.addHook` directly) apply to every route, and an `onRoute` hook sees
 * each route's `config.role`.
 */
export type ApiPlugin = (app: FastifyInstance) => unknown;

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Installed in order, after the docs and before the routes. */
  readonly plugins?: readonly ApiPlugin[];
}

/**
 * Registers every API route on `app` (each states its `config.role`). Exported for layouts that build
 * their own instance; {@link buildApp} calls it after the plugins.
 */
export function registerApiRoutes(app: ApiInstance, deps: ApiDeps): void {
  registerHealthRoutes(app, deps);
  registerPrometheusRoute(app, deps);
  registerMetricsRoutes(app, deps);
  registerAnalyzeRoute(app, deps);
  registerIncidentRoutes(app, deps);
  registerSeriesRoute(app, deps);
  app.get(OPENAPI_PATH, {
    config: { role: 'public' },
    schema: { hide: true },
    handler: async () => app.swagger(),
  });
}

/**
 * Builds the REST API on `deps` without listening (`app.listen()` is the caller's; tests use
 * `app.inject()`): zod validation, the OpenAPI document and docs page from the same schemas, one error
 * handler, request metrics on `deps.registry`, then `options.plugins`, then the routes. A route that
 * does not state its role is refused at startup.
 */
export async function buildApp(deps: ApiDeps, options: BuildAppOptions = {}): Promise<ApiInstance> {
  const app = Fastify({
    bodyLimit: deps.settings.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // One log line per request would cost more than ingesting it; 5xx are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    ...(deps.logger ? { loggerInstance: deps.logger.child({ component: 'api' }) } : { logger: false }),
  }).withTypeProvider() as unknown as ApiInstance;
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(jsonSerializerCompiler);
  app.addHook('onRoute', requireRouteRoles([DOCS_PREFIX]));
  installErrorHandlers(app as unknown as FastifyInstance, deps.settings.bodyLimitBytes, deps.logger);
  addRequestMetrics(app as unknown as FastifyInstance, deps.registry);
  // Callback-style hooks: no promise per request on the ingest hot path.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil API',
        version: '1',
        description:
          'Ingest metric points, analyze a series, browse anomalies and incidents (with their similar past incidents, hypotheses and actions), give feedback, check health. See docs/api.md.',
      },
      tags: [
        { name: 'ingest', description: 'Metric points into the metrics topic' },
        { name: 'detect', description: 'Synchronous detection' },
        { name: 'incidents', description: 'Anomalies, incidents, timelines, feedback' },
        { name: 'series', description: 'Raw points and baseline band for charts' },
        { name: 'health', description: 'Probes and Prometheus metrics' },
      ],
    },
    transform: zodToOpenApi,
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  for (const plugin of options.plugins ?? []) await plugin(app as unknown as FastifyInstance);
  registerApiRoutes(app, deps);
  // The web UI's pages are public; the data routes they call keep their roles.
  await app.register(registerUi);
  return app;
}
