import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { IngestRecord } from '../api/api-deps.js';
import { type ApiPlugin, buildApp } from '../api/build-app.js';
import { openLogMetricsSink } from '../api/log-metrics-sink.js';
import { createLogSeriesReader } from '../api/log-series-reader.js';
import { singleObjectEncoder } from '../api/single-object-encoder.js';
import type { ApiInstance } from '../api/zod-schemas.js';
import type { AppConfig } from '../config/app-config.js';
import type { LogBackend } from '../consumers/log-port.js';
import { apiReadinessChecks } from './api-readiness.js';
import type { ApiResources } from './api-resources.js';
import { apiSecurity } from './api-security.js';
import type { Codecs } from './codecs.js';
import { closeOnce } from './pipeline-stage.js';

/** What the API server is built from. */
export interface ApiServerDeps {
  readonly config: AppConfig;
  readonly backend: LogBackend;
  readonly codecs: Codecs;
  readonly logger: Logger;
  /** The incident store and memory, shared with the stages of this process. */
  readonly resources: ApiResources;
  /** Served at `/metrics` (stage metrics); the API's request metrics are added to it. */
  readonly registry: Registry;
  /** Installed before the routes, after the security layer (which is always installed). */
  readonly plugins?: readonly ApiPlugin[];
  readonly clock?: () => number;
}

/** A listening API. */
export interface ApiServer {
  readonly app: ApiInstance;
  /** `http://<host>:<port>` as configured (the bound port when `api.port` is 0). */
  readonly url: string;
  /**
   * The admin API key created at startup on the embedded default, where the key table lives in memory
   * (show it once); null when keys already existed or live in a database `vigil keys` can reach.
   */
  readonly createdKey: string | null;
  /** Stops accepting requests, lets the ones in flight finish, then flushes the ingest producer. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the API on the process' resources and listens on `api.host:api.port`. Ingest writes to the
 * metrics topic in the registry's framing when a registry is configured, Avro single-object otherwise (as
 * the stages write their outputs); `/api/v1/series/points` reads it back with the same decoder the detect
 * stage uses.
 */
export async function startApiServer(deps: ApiServerDeps): Promise<ApiServer> {
  const { config, backend, codecs, logger, resources } = deps;
  const topic = config.topics.names.metrics;
  const singleObject = singleObjectEncoder(codecs.catalog.get('MetricPoint'));
  const encode = codecs.registry
    ? (record: IngestRecord) => codecs.eventEncoder.encode(topic, 'MetricPoint', record.point)
    : (record: IngestRecord) => singleObject(record.point);
  const sink = await openLogMetricsSink({ backend, topic, encode });
  const security = apiSecurity(config, resources.storeClient);
  let app: ApiInstance | undefined;
  try {
    app = await buildApp(
      {
        settings: config.api,
        detectors: config.detect.detectors,
        metrics: sink,
        store: resources.store,
        memory: resources.memory,
        readiness: apiReadinessChecks({
          config,
          backend,
          storeClient: resources.storeClient,
          vectorStore: resources.vectorStore,
        }),
        registry: deps.registry,
        seriesPoints: createLogSeriesReader({
          backend,
          topic,
          decoder: codecs.metricDecoder,
          limits: config.api.seriesRead,
        }),
        clock: deps.clock ?? Date.now,
        logger,
      },
      { plugins: [security.plugin, ...(deps.plugins ?? [])] },
    );
    await app.listen({ port: config.api.port, host: config.api.host });
  } catch (error) {
    await app?.close();
    await sink.close();
    throw error;
  }
  const listening = app;
  const address = listening.server.address();
  const port = typeof address === 'object' && address ? address.port : config.api.port;
  return {
    app: listening,
    url: `http://${config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host}:${port}`,
    createdKey: security.setup()?.createdKey?.key ?? null,
    close: closeOnce([() => listening.close(), () => sink.close()]),
  };
}
