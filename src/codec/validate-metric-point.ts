import { ConfigError } from '../errors.js';
import type { MetricPoint } from '../model/metric-point.js';
import { type MetricDecodeError, metricDecodeError } from './codec-errors.js';

/**
 * Size and plausibility limits applied to every decoded metric point, whatever its encoding.
 * Lengths of series, label keys and label values are counted in UTF-16 code units (`string.length`);
 * the label total is counted in UTF-8 bytes.
 */
export interface MetricLimits {
  /** Longest accepted `series`, in UTF-16 code units. */
  readonly maxSeriesLength: number;
  /** Most labels per point. */
  readonly maxLabels: number;
  /** Longest label key, in UTF-16 code units. */
  readonly maxLabelKeyLength: number;
  /** Longest label value, in UTF-16 code units. */
  readonly maxLabelValueLength: number;
  /** Most UTF-8 bytes of all label keys and values together. */
  readonly maxLabelBytes: number;
  /** Earliest accepted event time, ms since the epoch (inclusive). */
  readonly minTimestampMs: number;
  /** Latest accepted event time, ms since the epoch (exclusive). */
  readonly maxTimestampMs: number;
}

/**
 * Default limits: series ≤ 512, ≤ 32 labels, keys ≤ 128, values ≤ 1024, labels ≤ 8 KiB in total,
 * timestamps in [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z) — which rejects epoch seconds
 * (≈1.7e9 is in January 1970 when read as ms) and epoch microseconds (≈1.7e15 is far past 2100).
 */
export const DEFAULT_METRIC_LIMITS: MetricLimits = Object.freeze({
  maxSeriesLength: 512,
  maxLabels: 32,
  maxLabelKeyLength: 128,
  maxLabelValueLength: 1024,
  maxLabelBytes: 8 * 1024,
  minTimestampMs: Date.UTC(2000, 0, 1),
  maxTimestampMs: Date.UTC(2100, 0, 1),
});

/**
 * Merges `overrides` into {@link DEFAULT_METRIC_LIMITS} and validates the result eagerly. Throws a
 * `ConfigError` naming the bad limit.
 */
export function resolveMetricLimits(overrides: Partial<MetricLimits> = {}): MetricLimits {
  const limits: MetricLimits = { ...DEFAULT_METRIC_LIMITS, ...overrides };
  for (const key of [
    'maxSeriesLength',
    'maxLabels',
    'maxLabelKeyLength',
    'maxLabelValueLength',
    'maxLabelBytes',
  ] as const) {
    const value = limits[key];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ConfigError(`metric limit ${key} must be a positive integer, got ${value}`);
    }
  }
  if (
    !Number.isSafeInteger(limits.minTimestampMs) ||
    !Number.isSafeInteger(limits.maxTimestampMs) ||
    limits.minTimestampMs >= limits.maxTimestampMs
  ) {
    throw new ConfigError(
      `metric limits minTimestampMs (${limits.minTimestampMs}) and maxTimestampMs (${limits.maxTimestampMs}) must be integers with min < max`,
    );
  }
  return Object.freeze(limits);
}

/** Result of {@link validateMetricPoint}: a clean point or the first problem found. */
export type MetricValidation = { ok: true; point: MetricPoint } | { ok: false; error: MetricDecodeError };

const NON_FINITE_STRINGS = new Set([
  'nan',
  '+nan',
  '-nan',
  'infinity',
  '+infinity',
  '-infinity',
  'inf',
  '+inf',
  '-inf',
]);

/** ISO-8601 date-time with a mandatory UTC offset (`Z` or `±hh:mm`), optional seconds and fraction. */
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})$/;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

function fail(errorClass: MetricDecodeError['errorClass'], message: string): MetricValidation {
  return { ok: false, error: metricDecodeError(errorClass, message) };
}

type TimestampParse = { ok: true; timestampMs: number } | { ok: false; result: MetricValidation };

function parseIsoTimestamp(text: string): number | undefined {
  const m = ISO_TIMESTAMP.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, offset] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  if (new Date(utc).getUTCDate() !== day) return undefined; // e.g. 2023-02-30
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  let offsetMs = 0;
  if (offset !== undefined && offset.toUpperCase() !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 23 || om > 59) return undefined;
    offsetMs = sign * (oh * 60 + om) * 60_000;
  }
  return utc + ms - offsetMs;
}

function readTimestamp(record: Record<string, unknown>): TimestampParse {
  const hasMs = record.timestampMs !== undefined && record.timestampMs !== null;
  const field = hasMs ? 'timestampMs' : 'timestamp';
  const raw = hasMs ? record.timestampMs : record.timestamp;
  if (raw === undefined || raw === null) {
    return {
      ok: false,
      result: fail(
        'missing-field',
        'field "timestampMs" is missing (or give "timestamp" as ISO-8601 or epoch ms)',
      ),
    };
  }
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || !Number.isInteger(raw)) {
      return {
        ok: false,
        result: fail(
          'wrong-type',
          `field "${field}": expected an integer number of epoch milliseconds, got ${raw}`,
        ),
      };
    }
    return { ok: true, timestampMs: raw };
  }
  if (typeof raw === 'string' && field === 'timestamp') {
    const parsed = parseIsoTimestamp(raw.trim());
    if (parsed === undefined) {
      return {
        ok: false,
        result: fail(
          'wrong-type',
          `field "timestamp": expected an ISO-8601 date-time with a UTC offset (e.g. 2024-05-01T12:00:00Z) or epoch milliseconds, got ${JSON.stringify(raw.slice(0, 64))}`,
        ),
      };
    }
    return { ok: true, timestampMs: parsed };
  }
  const expected =
    field === 'timestamp' ? 'an ISO-8601 string or epoch milliseconds' : 'an integer (epoch ms)';
  return {
    ok: false,
    result: fail('wrong-type', `field "${field}": expected ${expected}, got ${describe(raw)}`),
  };
}

/**
 * Validates a candidate metric point — a parsed JSON object or a decoded Avro record — and returns a fresh
 * plain {@link MetricPoint}, or the first problem as a coded error. Pure; shared by all three encodings.
 *
 * Rules (the first failing one is reported): `series` present, a string, non-empty, ≤ `maxSeriesLength`; timestamp from
 * `timestampMs` (integer epoch ms) or, when that is absent, `timestamp` (epoch ms, or an ISO-8601 string with
 * `Z`/`±hh:mm`) within [`minTimestampMs`, `maxTimestampMs`); `value` a finite number (NaN/±Infinity and the
 * strings `"NaN"`, `"Infinity"`, `"-Infinity"` → `non-finite-value`; other strings → `wrong-type`, no
 * coercion); `labels` absent/null (→ `{}`) or an object of string values within the label limits. Unknown
 * fields are ignored.
 */
export function validateMetricPoint(
  candidate: unknown,
  limits: MetricLimits = DEFAULT_METRIC_LIMITS,
): MetricValidation {
  if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate)) {
    return fail('wrong-type', `metric point: expected an object, got ${describe(candidate)}`);
  }
  const record = candidate as Record<string, unknown>;

  const series = record.series;
  if (series === undefined || series === null || series === '') {
    return fail('missing-field', 'field "series" is missing or empty');
  }
  if (typeof series !== 'string') {
    return fail('wrong-type', `field "series": expected a non-empty string, got ${describe(series)}`);
  }
  if (series.length > limits.maxSeriesLength) {
    return fail(
      'series-too-long',
      `field "series" is ${series.length} characters long, the limit is ${limits.maxSeriesLength}`,
    );
  }

  const timestamp = readTimestamp(record);
  if (!timestamp.ok) return timestamp.result;

  const value = record.value;
  if (value === undefined || value === null) {
    return fail('missing-field', 'field "value" is missing');
  }
  if (typeof value === 'string') {
    if (NON_FINITE_STRINGS.has(value.trim().toLowerCase())) {
      return fail(
        'non-finite-value',
        `field "value" must be finite, got the string ${JSON.stringify(value)}`,
      );
    }
    return fail(
      'wrong-type',
      `field "value": expected a number, got string ${JSON.stringify(value.slice(0, 32))}`,
    );
  }
  if (typeof value !== 'number') {
    return fail('wrong-type', `field "value": expected a number, got ${describe(value)}`);
  }
  if (!Number.isFinite(value)) {
    return fail('non-finite-value', `field "value" must be finite, got ${value}`);
  }

  const { timestampMs } = timestamp;
  if (timestampMs < limits.minTimestampMs || timestampMs >= limits.maxTimestampMs) {
    const hint =
      timestampMs * 1000 >= limits.minTimestampMs && timestampMs * 1000 < limits.maxTimestampMs
        ? ' (looks like epoch seconds; send milliseconds)'
        : timestampMs / 1000 >= limits.minTimestampMs && timestampMs / 1000 < limits.maxTimestampMs
          ? ' (looks like epoch microseconds; send milliseconds)'
          : '';
    return fail(
      'timestamp-out-of-range',
      `field "timestampMs" = ${timestampMs} is outside [${new Date(limits.minTimestampMs).toISOString()}, ${new Date(limits.maxTimestampMs).toISOString()})${hint}`,
    );
  }

  const rawLabels = record.labels;
  let labels: Record<string, string> = {};
  if (rawLabels !== undefined && rawLabels !== null) {
    if (typeof rawLabels !== 'object' || Array.isArray(rawLabels)) {
      return fail('wrong-type', `field "labels": expected an object of strings, got ${describe(rawLabels)}`);
    }
    const entries = Object.entries(rawLabels as Record<string, unknown>);
    if (entries.length > limits.maxLabels) {
      return fail(
        'labels-too-large',
        `field "labels" has ${entries.length} labels, the limit is ${limits.maxLabels}`,
      );
    }
    let totalBytes = 0;
    for (const [key, labelValue] of entries) {
      if (typeof labelValue !== 'string') {
        return fail(
          'wrong-type',
          `field "labels.${key.slice(0, 64)}": expected a string, got ${describe(labelValue)}`,
        );
      }
      if (key.length > limits.maxLabelKeyLength) {
        return fail(
          'labels-too-large',
          `field "labels": key "${key.slice(0, 32)}…" is ${key.length} characters long, the limit is ${limits.maxLabelKeyLength}`,
        );
      }
      if (labelValue.length > limits.maxLabelValueLength) {
        return fail(
          'labels-too-large',
          `field "labels.${key}": value is ${labelValue.length} characters long, the limit is ${limits.maxLabelValueLength}`,
        );
      }
      totalBytes += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(labelValue, 'utf8');
    }
    if (totalBytes > limits.maxLabelBytes) {
      return fail(
        'labels-too-large',
        `field "labels" holds ${totalBytes} bytes of keys and values, the limit is ${limits.maxLabelBytes}`,
      );
    }
    labels = Object.fromEntries(entries as [string, string][]);
  }

  return { ok: true, point: { series, timestampMs, value, labels } };
}
