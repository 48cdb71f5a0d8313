import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { LogRecord } from '../consumers/log-port.js';
import type { Correlation, RecordSpan, StageTracer } from '../consumers/stage-telemetry.js';
import {
  contextOfHeaders,
  hasTraceContext,
  headersOfSpan,
  TRACEPARENT_HEADER,
  TRACESTATE_HEADER,
} from './trace-context.js';

/** Span attribute names (OpenTelemetry messaging conventions, plus Vigil's own under `vigil.`). */
export const SPAN_ATTRIBUTES = Object.freeze({
  system: 'messaging.system',
  operation: 'messaging.operation.type',
  topic: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  offset: 'messaging.kafka.offset',
  group: 'messaging.consumer.group.name',
  stage: 'vigil.stage',
  /** The record's state key: the series (detect, memory), the correlation key (reason), the incident id (act). */
  key: 'vigil.state_key',
  correlationId: 'vigil.correlation_id',
  incidentId: 'vigil.incident_id',
  outputs: 'vigil.outputs',
  outcome: 'vigil.outcome',
});

/** The span of one record, with its propagation headers built only when an output needs them. */
class TracedRecord implements RecordSpan {
  private cachedHeaders: Readonly<Record<string, string>> | undefined;

  constructor(readonly span: Span) {}

  get headers(): Readonly<Record<string, string>> {
    this.cachedHeaders ??= headersOfSpan(this.span);
    return this.cachedHeaders;
  }

  annotate(key: string, correlation: Correlation | undefined): void {
    this.span.setAttribute(SPAN_ATTRIBUTES.key, key);
    if (correlation?.correlationId)
      this.span.setAttribute(SPAN_ATTRIBUTES.correlationId, correlation.correlationId);
    if (correlation?.incidentId) this.span.setAttribute(SPAN_ATTRIBUTES.incidentId, correlation.incidentId);
  }

  outcome(outcome: 'dead-lettered' | 'skipped' | 'duplicate', detail?: string): void {
    this.span.setAttribute(SPAN_ATTRIBUTES.outcome, outcome);
    if (outcome !== 'duplicate') {
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: detail ?? outcome });
    }
  }

  outputs(count: number): void {
    this.span.setAttribute(SPAN_ATTRIBUTES.outputs, count);
  }
}

/**
 * A record whose trace is not sampled: no span is recorded, and its outputs carry its trace context as it
 * came (same trace, same parent, sampled flag off), exactly what a non-recording child would write apart
 * from a span id nobody can look up.
 */
class UnsampledRecord implements RecordSpan {
  readonly headers: Readonly<Record<string, string>>;

  constructor(traceparent: string, tracestate: Buffer | undefined) {
    this.headers = tracestate
      ? { [TRACEPARENT_HEADER]: traceparent, [TRACESTATE_HEADER]: tracestate.toString('latin1') }
      : { [TRACEPARENT_HEADER]: traceparent };
  }

  annotate(): void {}
  outcome(): void {}
  outputs(): void {}
}

/** `traceparent` = `00-<32 hex>-<16 hex>-<2 hex flags>`: well-formed with the sampled bit off. */
const UNSAMPLED = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f][02468ace]$/;

/**
 * Traces a stage's records with `tracer`: a record whose headers carry a valid `traceparent` is handled
 * inside a `<stage> process` span (kind consumer) that continues that trace, with the span active so
 * that calls made by the handler become its children. A record without a trace context is handled with no
 * span at all: stages continue traces, they never start them (at hundreds of thousands of points per
 * second that would be one trace per point).
 */
export function createStageTracer(
  tracer: Tracer,
  stage: { readonly name: string; readonly groupId: string },
): StageTracer {
  const spanName = `${stage.name} process`;
  return {
    async trace<T>(record: LogRecord, work: (span: RecordSpan | undefined) => Promise<T>): Promise<T> {
      if (!hasTraceContext(record.headers)) return work(undefined);
      // Parent-based sampling: a record whose trace was not sampled upstream is never recorded here either,
      // so skip the span machinery and forward its context (the cost of a low sampling ratio stays low).
      const traceparent = record.headers[TRACEPARENT_HEADER]!.toString('latin1');
      if (UNSAMPLED.test(traceparent)) {
        return work(new UnsampledRecord(traceparent, record.headers[TRACESTATE_HEADER]));
      }
      const parent = contextOfHeaders(record.headers);
      if (!trace.getSpanContext(parent)) return work(undefined);
      const attributes: Attributes = {
        [SPAN_ATTRIBUTES.system]: 'kafka',
        [SPAN_ATTRIBUTES.operation]: 'process',
        [SPAN_ATTRIBUTES.topic]: record.topic,
        [SPAN_ATTRIBUTES.partition]: String(record.partition),
        [SPAN_ATTRIBUTES.offset]: record.offset,
        [SPAN_ATTRIBUTES.group]: stage.groupId,
        [SPAN_ATTRIBUTES.stage]: stage.name,
      };
      const span = tracer.startSpan(spanName, { kind: SpanKind.CONSUMER, attributes }, parent);
      try {
        return await context.with(trace.setSpan(parent, span), () => work(new TracedRecord(span)));
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      } finally {
        span.end();
      }
    },
  };
}
