import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startIngestTrace,
  startTracing,
  TRACING_OFF,
  type Tracing,
  traceHeaders,
} from '../../src/observability/tracing.js';
import { captureSpans, parseTraceparent, traceparent } from '../support/span-capture.js';

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

describe('tracing of the process', () => {
  it('is off by default: no tracer, no stage tracer, ingest helpers give empty headers', async () => {
    const off = startTracing({
      enabled: false,
      endpoint: 'http://localhost:4318',
      serviceName: 'v',
      samplingRatio: 1,
    });
    expect(off).toBe(TRACING_OFF);
    expect(off.tracer).toBeUndefined();
    expect(off.stageTracer({ name: 'detect', groupId: 'g' })).toBeUndefined();
    const ingest = startIngestTrace({
      incoming: { traceparent: traceparent('1'.repeat(32), '2'.repeat(16)) },
    });
    expect(ingest.headers).toEqual({});
    expect(ingest.span.isRecording()).toBe(false);
    ingest.end();
    expect(traceHeaders()).toEqual({});
  });

  it('starts an ingest trace whose headers name the ingest span, and ends it once (with the error)', async () => {
    const capture = captureSpans();
    tracing = capture.tracing;
    const ingest = startIngestTrace({ attributes: { 'vigil.points': 3 } });
    const { traceId, spanId, flags } = parseTraceparent(ingest.headers.traceparent);
    expect(flags).toBe('01');
    ingest.end(new Error('broker down'));
    ingest.end();
    const spans = capture.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ name: 'ingest', kind: SpanKind.PRODUCER });
    expect(spans[0]!.spanContext()).toMatchObject({ traceId, spanId });
    expect(spans[0]!.parentSpanContext).toBeUndefined();
    expect(spans[0]!.attributes['vigil.points']).toBe(3);
    expect(spans[0]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'broker down' });
    expect(spans[0]!.resource.attributes['service.name']).toBe('vigil-test');
  });

  it('continues the trace of the HTTP request when it carries a traceparent', () => {
    const capture = captureSpans();
    tracing = capture.tracing;
    const ingest = startIngestTrace({
      incoming: { traceparent: traceparent('a'.repeat(32), 'b'.repeat(16)) },
    });
    ingest.end();
    const [span] = capture.spans();
    expect(span!.spanContext().traceId).toBe('a'.repeat(32));
    expect(span!.parentSpanContext?.spanId).toBe('b'.repeat(16));
  });

  it('samples new traces at the configured ratio (0: propagated but not recorded)', () => {
    const capture = captureSpans(0);
    tracing = capture.tracing;
    const ingest = startIngestTrace();
    ingest.end();
    expect(capture.spans()).toEqual([]);
    expect(parseTraceparent(ingest.headers.traceparent).flags).toBe('00');
  });

  it('gives the headers of the active span to code running inside it', () => {
    const capture = captureSpans();
    tracing = capture.tracing;
    const span = capture.tracing.tracer!.startSpan('api request');
    const headers = context.with(trace.setSpan(context.active(), span), () => traceHeaders());
    span.end();
    expect(parseTraceparent(headers.traceparent).spanId).toBe(span.spanContext().spanId);
  });

  it('is set up once per process; shutdown is idempotent and allows a new setup', async () => {
    const first = captureSpans();
    expect(() => captureSpans()).toThrow(/already set up/);
    await first.tracing.shutdown();
    await first.tracing.shutdown();
    tracing = captureSpans().tracing;
    expect(tracing.enabled).toBe(true);
  });
});
