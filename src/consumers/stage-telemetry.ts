/**
 * What the stage runner reports about itself beyond its counters: trace spans per record, correlation ids
 * on output records, and latencies per checkpoint. These are ports: the runner never imports OpenTelemetry
 * or prom-client; `src/observability/` implements them and the composition root passes them in. When one
 * is absent the runner does none of its work (no header parsing, no clock reads, no allocation per record).
 */
import type { LogRecord } from './log-port.js';
import type { StageOutput } from './stage.js';

/** Header carrying the correlation id: the id of the anomaly a record descends from. */
export const CORRELATION_ID_HEADER = 'vigil.correlation-id';
/** Header carrying the incident id, once the reason stage has grouped the anomaly into an incident. */
export const INCIDENT_ID_HEADER = 'vigil.incident-id';

/** Ids that follow an anomaly through the stages (logged and carried in headers). */
export interface Correlation {
  /** The anomaly id. */
  readonly correlationId?: string | undefined;
  /** The incident id, once known. */
  readonly incidentId?: string | undefined;
}

/** The correlation ids in `headers` (as read from the log, or as about to be written), if any. */
export function correlationOfHeaders(
  headers: Readonly<Record<string, Buffer | string>>,
): Correlation | undefined {
  const id = headers[CORRELATION_ID_HEADER];
  const incident = headers[INCIDENT_ID_HEADER];
  if (!id && !incident) return undefined;
  return {
    ...(id ? { correlationId: id.toString() } : {}),
    ...(incident ? { incidentId: incident.toString() } : {}),
  };
}

/** The correlation a record carries in its headers, or undefined when it carries none. */
export function correlationOfRecord(record: LogRecord): Correlation | undefined {
  return correlationOfHeaders(record.headers);
}

/** `own` completed with what `inherited` knows (own fields win). */
export function mergeCorrelation(
  inherited: Correlation | undefined,
  own: Correlation | undefined,
): Correlation | undefined {
  if (!own) return inherited;
  if (!inherited) return own;
  return {
    correlationId: own.correlationId ?? inherited.correlationId,
    incidentId: own.incidentId ?? inherited.incidentId,
  };
}

/** The correlation headers of `correlation` (only the ids it has). */
export function correlationHeaders(correlation: Correlation): Record<string, string> {
  const headers: Record<string, string> = {};
  if (correlation.correlationId) headers[CORRELATION_ID_HEADER] = correlation.correlationId;
  if (correlation.incidentId) headers[INCIDENT_ID_HEADER] = correlation.incidentId;
  return headers;
}

/** Reads the correlation an output establishes from its value (e.g. a new anomaly's id). */
export type OutputCorrelator = (output: StageOutput) => Correlation | undefined;

/** The span of one input record while the stage handles it. */
export interface RecordSpan {
  /** Trace context headers (`traceparent`, `tracestate`) for every record written for this input. */
  readonly headers: Readonly<Record<string, string>>;
  /** Adds what is known once the record is decoded: its state key and correlation ids. */
  annotate(key: string, correlation: Correlation | undefined): void;
  /** Records how the record ended when it produced no regular output (dead-lettered, skipped, duplicate). */
  outcome(outcome: 'dead-lettered' | 'skipped' | 'duplicate', detail?: string): void;
  /** Records the number of outputs written for the record. */
  outputs(count: number): void;
}

/** Traces the records of one stage. */
export interface StageTracer {
  /**
   * Runs `work` inside the span of `record`, a child of the trace context in the record's headers, and
   * ends the span (as failed when `work` throws). A record without a trace context gets no span:
   * `work` receives undefined.
   */
  trace<T>(record: LogRecord, work: (span: RecordSpan | undefined) => Promise<T>): Promise<T>;
}

/** Latencies of one stage, reported once per checkpoint or restore (never per record). */
export interface StageObserver {
  /**
   * A checkpoint committed: `records` input records, `processingMs` from the start of processing the first
   * of them to the commit (the longest record → output time within the checkpoint), and for each input
   * record that produced outputs, its record timestamp (ms since epoch), so that end-to-end latencies
   * (record written upstream → output committed here) can be observed with `committedAtMs`.
   */
  checkpointed(
    records: number,
    processingMs: number,
    outputInputTimestampsMs: readonly number[],
    committedAtMs: number,
  ): void;
  /** A partition's state was restored: `records` changelog records read in `ms`. */
  restored(records: number, ms: number): void;
}
