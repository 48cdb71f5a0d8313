/**
 * The process's OpenTelemetry tracing: one tracer provider, set up by the composition root from the
 * `tracing:` settings (off by default) and shut down with the process, plus the helpers that start a
 * trace where metric points enter Vigil (the API ingest route).
 *
 * Off means off: no provider, no global registration, stage runners get no tracer (and so do no
 * per-record work), and the ingest helpers return empty headers.
 */
import {
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { StageTracer } from '../consumers/stage-telemetry.js';
import { createStageTracer } from './stage-tracer.js';
import { contextOfHeaders, type HeaderCarrier, headersOfContext, headersOfSpan } from './trace-context.js';
import { otlpTracesUrl, type TracingSettings } from './tracing-settings.js';

/** Instrumentation scope name of every Vigil span. */
export const TRACER_NAME = 'vigil';

/** Tracing of one process. */
export interface Tracing {
  readonly enabled: boolean;
  /** The tracer of Vigil's spans; undefined when tracing is off. */
  readonly tracer: Tracer | undefined;
  /** The tracer a stage runner uses; undefined when tracing is off (the runner then does no tracing work). */
  stageTracer(stage: { readonly name: string; readonly groupId: string }): StageTracer | undefined;
  /** Exports the spans still queued. */
  forceFlush(): Promise<void>;
  /** Flushes, stops the exporter and releases the global registration. Idempotent. */
  shutdown(): Promise<void>;
}

/** Tracing switched off. */
export const TRACING_OFF: Tracing = Object.freeze({
  enabled: false,
  tracer: undefined,
  stageTracer: () => undefined,
  forceFlush: async () => {},
  shutdown: async () => {},
});

/** Options of {@link createTracing}. */
export interface TracingProviderOptions {
  /** `service.name` of the resource. */
  readonly serviceName: string;
  /** Fraction of new (root) traces sampled, [0, 1]; continued traces follow their parent. Default 1. */
  readonly samplingRatio?: number;
  /** Where finished spans go (e.g. a batch processor with the OTLP exporter; in tests, an in-memory one). */
  readonly spanProcessors: readonly SpanProcessor[];
}

/** The tracing registered for this process (what the ingest helpers use). */
let processTracing: Tracing | undefined;

/**
 * Creates a tracer provider and registers it for the process: the global tracer provider, the
 * AsyncLocalStorage context manager (so spans started inside a stage's handler become children of the
 * record's span) and the W3C propagator. One at a time: a second call before `shutdown()` throws.
 */
export function createTracing(options: TracingProviderOptions): Tracing {
  if (processTracing) {
    throw new Error('tracing is already set up in this process: shut the current one down first');
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.samplingRatio ?? 1) }),
    spanProcessors: [...options.spanProcessors],
  });
  provider.register();
  const tracer = provider.getTracer(TRACER_NAME);
  let stopped: Promise<void> | undefined;
  const tracing: Tracing = {
    enabled: true,
    tracer,
    stageTracer: (stage) => createStageTracer(tracer, stage),
    forceFlush: () => provider.forceFlush(),
    shutdown() {
      stopped ??= (async () => {
        try {
          await provider.shutdown();
        } finally {
          trace.disable();
          context.disable();
          propagation.disable();
          if (processTracing === tracing) processTracing = undefined;
        }
      })();
      return stopped;
    },
  };
  processTracing = tracing;
  return tracing;
}

/**
 * The tracing the settings ask for: {@link TRACING_OFF} unless `tracing.enabled`; otherwise a provider
 * exporting in batches (bounded queue: spans are dropped, not buffered without limit, when the collector
 * cannot keep up) over OTLP/HTTP to `<endpoint>/v1/traces`.
 */
export function startTracing(settings: TracingSettings): Tracing {
  if (!settings.enabled) return TRACING_OFF;
  const exporter = new OTLPTraceExporter({ url: otlpTracesUrl(settings.endpoint) });
  return createTracing({
    serviceName: settings.serviceName,
    samplingRatio: settings.samplingRatio,
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
}

/** The trace of one ingest request. */
export interface IngestTrace {
  /**
   * Headers to put on every record produced for the request (`traceparent`, and `tracestate` when
   * set). Empty when tracing is off. Shared: do not modify.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** The `ingest` span (a non-recording one when tracing is off). */
  readonly span: Span;
  /** Ends the span; pass the error when producing failed. Idempotent. */
  end(error?: unknown): void;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const NO_INGEST_TRACE: IngestTrace = Object.freeze({
  headers: NO_HEADERS,
  span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT),
  end: () => {},
});

/**
 * Starts the trace of one ingest request: an `ingest` span (kind producer), the child of the request's
 * own `traceparent` when `incoming` (the HTTP request headers) carries one, else a new trace sampled at
 * `tracing.samplingRatio`. Put `headers` on every metric record produced for the request, then call
 * `end()`; the stages continue the trace from those headers (detect → memory → reason → act).
 *
 * ```ts
 * const ingest = startIngestTrace({ incoming: request.headers, attributes: { 'vigil.points': points.length } });
 * try {
 *   await producer.send(points.map((p) => ({ topic, key: p.series, value: encode(p), headers: ingest.headers })));
 *   ingest.end();
 * } catch (error) {
 *   ingest.end(error);
 *   throw error;
 * }
 * ```
 */
export function startIngestTrace(
  options: { readonly incoming?: HeaderCarrier; readonly attributes?: Attributes } = {},
): IngestTrace {
  const tracer = processTracing?.tracer;
  if (!tracer) return NO_INGEST_TRACE;
  const parent = options.incoming ? contextOfHeaders(options.incoming, context.active()) : context.active();
  const span = tracer.startSpan(
    'ingest',
    { kind: SpanKind.PRODUCER, ...(options.attributes ? { attributes: options.attributes } : {}) },
    parent,
  );
  const headers = Object.freeze(headersOfSpan(span));
  let ended = false;
  return {
    headers,
    span,
    end(error?: unknown) {
      if (ended) return;
      ended = true;
      if (error !== undefined) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
      }
      span.end();
    },
  };
}

/**
 * The trace headers of `ctx` (default: the active context), for a record produced inside an already
 * active span. Empty when tracing is off or no span is active.
 */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  if (!processTracing) return {};
  return headersOfContext(ctx);
}
