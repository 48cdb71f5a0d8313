/**
 * W3C trace context in Kafka record headers: `traceparent` and `tracestate`, read from a record's
 * headers (Buffers) and written as strings onto the records a stage produces.
 */
import {
  type Context,
  ROOT_CONTEXT,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** Header of the W3C trace parent (`00-<trace id>-<span id>-<flags>`). */
export const TRACEPARENT_HEADER = 'traceparent';
/** Header of the W3C trace state (vendor entries), written only when non-empty. */
export const TRACESTATE_HEADER = 'tracestate';

/** One propagator for every stage: the W3C format does not depend on any global registration. */
const propagator = new W3CTraceContextPropagator();

/** Header values as a log record or an HTTP request carries them. */
export type HeaderCarrier = Readonly<Record<string, Buffer | string | readonly string[] | undefined>>;

const getter: TextMapGetter<HeaderCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const value = carrier[key];
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('latin1');
    return [...(value as readonly string[])];
  },
};

const setter: TextMapSetter<Record<string, string>> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

/** True when `headers` carry a `traceparent` (one property lookup: the cheap test before parsing). */
export function hasTraceContext(headers: HeaderCarrier): boolean {
  return headers[TRACEPARENT_HEADER] !== undefined;
}

/**
 * The remote span context in `headers` as the parent context of a new span, on top of `base` (default: the
 * root context). A malformed or missing `traceparent` gives `base` unchanged.
 */
export function contextOfHeaders(headers: HeaderCarrier, base: Context = ROOT_CONTEXT): Context {
  return propagator.extract(base, headers, getter);
}

/** The `traceparent` / `tracestate` headers naming `span` (empty for a span with an invalid context). */
export function headersOfSpan(span: Span): Record<string, string> {
  return headersOfContext(trace.setSpan(ROOT_CONTEXT, span));
}

/** The `traceparent` / `tracestate` headers of the span in `context` (empty when it has none). */
export function headersOfContext(context: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  propagator.inject(context, headers, setter);
  return headers;
}
