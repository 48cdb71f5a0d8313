import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { IncidentMemory } from '../memory/incident-memory.js';
import type { MetricPoint } from '../model/metric-point.js';
import type { QueryableIncidentStore } from '../storage/incident-store.js';
import type { DetectorConfig } from '../streams/index.js';
import type { ApiSettings } from './api-settings.js';

/** One point to ingest, with optional record headers (e.g. a W3C `traceparent`). */
export interface IngestRecord {
  readonly point: MetricPoint;
  readonly headers?: Readonly<Record<string, string | Buffer>>;
}

/** Where ingested points go: the metrics topic, keyed by series, record time = event time. */
export interface MetricsSink {
  /** Resolves once every record is durably written (acked), rejects when any is not. */
  send(records: readonly IngestRecord[]): Promise<void>;
}

/** A readiness check of one dependency. */
export interface ReadinessCheck {
  /** Shown in the report, e.g. `kafka`, `schema-registry`, `postgresql`, `vector-store`. */
  readonly name: string;
  /** Resolves when the dependency answers; rejects with the reason otherwise. `signal` aborts on timeout. */
  check(signal: AbortSignal): Promise<void>;
}

/** A series' points over a time range, as read back from the metrics topic. */
export interface SeriesPointsRead {
  /** By event time. */
  readonly points: ReadonlyArray<{ readonly timestampMs: number; readonly value: number }>;
  /** Records of the series' partition that were read. */
  readonly recordsScanned: number;
  /** Why the points may be incomplete (scan or point cap reached), or null. */
  readonly truncated: string | null;
}

/** Reads one series' points in `[fromMs, toMs)` back from the metrics topic. */
export interface SeriesPointsReader {
  read(query: {
    readonly series: string;
    readonly fromMs: number;
    readonly toMs: number;
  }): Promise<SeriesPointsRead>;
}

/** The store queries the API uses. */
export type ApiIncidentStore = Pick<
  QueryableIncidentStore,
  'listIncidents' | 'incidentTimeline' | 'listAnomalies' | 'recordFeedback' | 'listFeedback'
>;

/** The incident memory operations feedback uses. */
export type ApiIncidentMemory = Pick<IncidentMemory, 'rememberIncident' | 'recordFeedback'>;

/** Everything the API is built from: ports, so tests pass in-memory fakes. */
export interface ApiDeps {
  readonly settings: ApiSettings;
  /** The detector settings the detect stage runs with (analyze defaults, baseline window). */
  readonly detectors: DetectorConfig;
  readonly metrics: MetricsSink;
  readonly store: ApiIncidentStore;
  readonly memory: ApiIncidentMemory;
  /** Run by `GET /api/v1/health/ready`, in parallel, each with `settings.readinessTimeoutMs`. */
  readonly readiness: readonly ReadinessCheck[];
  /** Served at `/metrics`; the API's request metrics are registered on it. */
  readonly registry: Registry;
  readonly seriesPoints: SeriesPointsReader;
  /** Wall clock, ms since the epoch (feedback time, default time ranges). */
  readonly clock: () => number;
  /** Errors of 5xx responses are logged here (request logging is off: it costs more than the requests). */
  readonly logger?: Logger;
}
