import type { RouteOptions } from 'fastify';
import { Registry } from 'prom-client';
import type { z } from 'zod';
import type { ApiDeps, ReadinessCheck } from '../../../src/api/api-deps.js';
import { type ApiSettings, DEFAULT_API_SETTINGS } from '../../../src/api/api-settings.js';
import { type ApiPlugin, buildApp } from '../../../src/api/build-app.js';
import { type LogMetricsSink, openLogMetricsSink } from '../../../src/api/log-metrics-sink.js';
import { createLogSeriesReader } from '../../../src/api/log-series-reader.js';
import type { ApiInstance } from '../../../src/api/zod-schemas.js';
import { encodeSingleObject, loadSchemaCatalog } from '../../../src/codec/index.js';
import { createMetricDecoder } from '../../../src/codec/metric-decoder.js';
import { MemoryLogBackend } from '../../../src/consumers/memory-log/memory-backend.js';
import { DEFAULT_DETECTOR_CONFIG } from '../../../src/streams/index.js';
import { fakeIncidentMemory } from './fake-memory.js';

/** The metrics topic of the fixtures. */
export const METRICS_TOPIC = 'metrics';

/** A fixed wall clock: 2026-03-01T12:00:00Z. */
export const NOW_MS = Date.UTC(2026, 2, 1, 12, 0, 0);

/** Something a test replaces in the API's deps. */
export type DepsOverrides = Partial<Omit<ApiDeps, 'settings'>> & { readonly settings?: Partial<ApiSettings> };

/** A built app on in-memory fakes, plus the fakes, and the route schemas as declared (by `METHOD url`). */
export interface ApiFixture {
  readonly app: ApiInstance;
  readonly backend: MemoryLogBackend;
  readonly sink: LogMetricsSink;
  readonly memory: ReturnType<typeof fakeIncidentMemory>;
  readonly registry: Registry;
  /** The zod schema a route documents for `part` (`body`, `querystring`, a response status). */
  schemaOf(route: string, part: string | number): z.ZodType;
  /** `config.role` of every route, by `METHOD url` (HEAD routes left out). */
  readonly roles: ReadonlyMap<string, string | undefined>;
  close(): Promise<void>;
}

/** A readiness check that answers after `delayMs` (or fails with `error`). */
export function fakeCheck(name: string, outcome: { delayMs?: number; error?: string } = {}): ReadinessCheck {
  return {
    name,
    check: (signal) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => (outcome.error ? reject(new Error(outcome.error)) : resolve()),
          outcome.delayMs ?? 0,
        );
        signal.addEventListener('abort', () => clearTimeout(timer));
      }),
  };
}

const unusedStore: ApiDeps['store'] = {
  listIncidents: async () => ({ items: [], nextCursor: null }),
  listAnomalies: async () => ({ items: [], nextCursor: null }),
  incidentTimeline: async () => null,
  recordFeedback: async () => {
    throw new Error('no store in this fixture');
  },
  listFeedback: async () => [],
};

/**
 * Builds the API on fakes: the in-process log (ingest writes single-object Avro to `metrics`, the series
 * reader reads it back), the real incident memory on a hash embedder and a map vector store, an empty
 * store unless one is given, two passing readiness checks, a fresh registry and {@link NOW_MS}.
 */
export async function apiFixture(
  overrides: DepsOverrides = {},
  extraPlugins: readonly ApiPlugin[] = [],
): Promise<ApiFixture> {
  const backend = new MemoryLogBackend();
  await backend.admin().ensureTopics([{ name: METRICS_TOPIC, partitions: 3 }]);
  const catalog = loadSchemaCatalog();
  const entry = catalog.get('MetricPoint');
  const sink = await openLogMetricsSink({
    backend,
    topic: METRICS_TOPIC,
    encode: (record) => encodeSingleObject(entry, record.point),
  });
  const memory = fakeIncidentMemory();
  const registry = new Registry();
  const settings = { ...DEFAULT_API_SETTINGS, ...overrides.settings };
  const schemas = new Map<string, Record<string, unknown>>();
  const roles = new Map<string, string | undefined>();
  const app = await buildApp(
    {
      detectors: DEFAULT_DETECTOR_CONFIG,
      metrics: sink,
      store: unusedStore,
      memory: memory.memory,
      readiness: [fakeCheck('kafka'), fakeCheck('postgresql')],
      registry,
      seriesPoints: createLogSeriesReader({
        backend,
        topic: METRICS_TOPIC,
        decoder: createMetricDecoder({ catalog }),
        limits: settings.seriesRead,
      }),
      clock: () => NOW_MS,
      ...overrides,
      settings,
    },
    {
      plugins: [
        ...extraPlugins,
        (instance) =>
          instance.addHook('onRoute', (route: RouteOptions) => {
            const methods = Array.isArray(route.method) ? route.method : [route.method];
            for (const method of methods) {
              if (method === 'HEAD') continue;
              schemas.set(`${method} ${route.url}`, (route.schema ?? {}) as never);
              roles.set(`${method} ${route.url}`, route.config?.role);
            }
          }),
      ],
    },
  );
  await app.ready();
  return {
    app,
    backend,
    sink,
    memory,
    registry,
    roles,
    schemaOf(route, part) {
      const schema = schemas.get(route);
      const found =
        typeof part === 'number'
          ? (schema?.response as Record<number, z.ZodType> | undefined)?.[part]
          : (schema?.[part] as z.ZodType | undefined);
      if (!found) throw new Error(`route ${route} declares no schema for ${part}`);
      return found;
    },
    async close() {
      await app.close();
      await sink.close();
    },
  };
}
