import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { DEFAULT_API_SETTINGS } from '../../../src/api/api-settings.js';
import { type ApiPlugin, buildApp } from '../../../src/api/build-app.js';
import { type LogMetricsSink, openLogMetricsSink } from '../../../src/api/log-metrics-sink.js';
import { createLogSeriesReader } from '../../../src/api/log-series-reader.js';
import { parseAuthSettings } from '../../../src/api/security/auth-settings.js';
import { issueApiKey } from '../../../src/api/security/issue-api-key.js';
import { registerSecurity } from '../../../src/api/security/register-security.js';
import { encodeSingleObject, loadSchemaCatalog } from '../../../src/codec/index.js';
import { createMetricDecoder } from '../../../src/codec/metric-decoder.js';
import { MemoryLogBackend } from '../../../src/consumers/memory-log/memory-backend.js';
import type { MetricPoint } from '../../../src/model/metric-point.js';
import { createSqlApiKeyStore } from '../../../src/storage/api-key-store.js';
import { createSqlAuditLogStore } from '../../../src/storage/audit-log-store.js';
import type { QueryableIncidentStore } from '../../../src/storage/incident-store.js';
import { openIncidentStore } from '../../../src/storage/open-incident-store.js';
import type { SqlClient } from '../../../src/storage/sql-client.js';
import { DEFAULT_DETECTOR_CONFIG } from '../../../src/streams/index.js';
import { registerUi } from '../../../src/ui/register-ui.js';
import { fakeIncidentMemory } from '../../api/support/fake-memory.js';

/** The metrics topic the API reads series from. */
export const METRICS_TOPIC = 'metrics';

/** The real API and UI, listening on 127.0.0.1, on the embedded log and an in-memory PGlite store. */
export interface UiApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly store: QueryableIncidentStore;
  readonly storeClient: SqlClient;
  /** API keys issued for the test, by role (authentication is on). */
  readonly keys: { readonly viewer: string; readonly operator: string };
  /** Writes points to the metrics topic, as `POST /api/v1/metrics` does. */
  producePoints(points: readonly MetricPoint[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the API with `buildApp` on real dependencies: the incident store on PGlite (in memory), the
 * security layer on the same database (authentication on, a viewer and an operator key issued), the
 * in-process log (the series route reads the points back from its metrics topic), the incident memory
 * on a hash embedder, the default detector settings. The web UI is registered as a plugin (a no-op when
 * `buildApp` registers it itself).
 */
export async function startUiApiServer(): Promise<UiApiServer> {
  const { store, client } = await openIncidentStore({ kind: 'pglite' });
  const apiKeys = createSqlApiKeyStore(client);
  const now = () => Date.now();
  const viewer = await issueApiKey(apiKeys, { name: 'ui-e2e-viewer', role: 'viewer' }, { now });
  const operator = await issueApiKey(apiKeys, { name: 'ui-e2e-operator', role: 'operator' }, { now });
  const security: ApiPlugin = (instance) =>
    registerSecurity(instance, {
      settings: parseAuthSettings({ enabled: true }, 'ui e2e'),
      secrets: { jwtKey: undefined },
      apiKeys,
      auditLog: createSqlAuditLogStore(client),
    });
  const backend = new MemoryLogBackend();
  await backend.admin().ensureTopics([{ name: METRICS_TOPIC, partitions: 3 }]);
  const catalog = loadSchemaCatalog();
  const entry = catalog.get('MetricPoint');
  let sink: LogMetricsSink | undefined;
  let app: FastifyInstance | undefined;
  try {
    sink = await openLogMetricsSink({
      backend,
      topic: METRICS_TOPIC,
      encode: (record) => encodeSingleObject(entry, record.point),
    });
    const built = await buildApp(
      {
        settings: DEFAULT_API_SETTINGS,
        detectors: DEFAULT_DETECTOR_CONFIG,
        metrics: sink,
        store,
        memory: fakeIncidentMemory().memory,
        readiness: [],
        registry: new Registry(),
        seriesPoints: createLogSeriesReader({
          backend,
          topic: METRICS_TOPIC,
          decoder: createMetricDecoder({ catalog }),
          limits: DEFAULT_API_SETTINGS.seriesRead,
        }),
        clock: Date.now,
      },
      { plugins: [security, (instance) => instance.register(registerUi)] },
    );
    app = built as unknown as FastifyInstance;
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await app?.close();
    await sink?.close();
    await store.close();
    await backend.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const listening = app;
  const openSink = sink;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    storeClient: client,
    keys: { viewer: viewer.key, operator: operator.key },
    producePoints: (points) => openSink.send(points.map((point) => ({ point }))),
    async close() {
      await listening.close();
      await openSink.close();
      await store.close();
      await backend.close();
    },
  };
}
