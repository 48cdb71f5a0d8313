import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createTracing, type Tracing } from '../../src/observability/tracing.js';

/** Tracing registered for the test, with every finished span kept in memory. */
export interface SpanCapture {
  readonly tracing: Tracing;
  readonly exporter: InMemorySpanExporter;
  /** Finished spans so far. */
  spans(): ReadableSpan[];
}

/** Sets up tracing that exports synchronously to memory; call `tracing.shutdown()` after the test. */
export function captureSpans(samplingRatio = 1): SpanCapture {
  const exporter = new InMemorySpanExporter();
  const tracing = createTracing({
    serviceName: 'vigil-test',
    samplingRatio,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { tracing, exporter, spans: () => exporter.getFinishedSpans() };
}

/** A W3C `traceparent` for the given ids, sampled unless `sampled` is false. */
export function traceparent(traceId: string, spanId: string, sampled = true): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

/** The trace id and parent span id a `traceparent` header names. */
export function parseTraceparent(header: string | undefined): {
  traceId: string;
  spanId: string;
  flags: string;
} {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(header ?? '');
  if (!match) throw new Error(`not a traceparent: ${header}`);
  return { traceId: match[1]!, spanId: match[2]!, flags: match[3]! };
}

/** Collects pino JSON lines (a destination stream for `pino(options, stream)`). */
export function logLines(): { stream: { write(line: string): void }; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, stream: { write: (line: string) => void lines.push(JSON.parse(line)) } };
}
