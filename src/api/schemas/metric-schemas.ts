import { z } from 'zod';
import { DEFAULT_METRIC_LIMITS, type MetricLimits, validateMetricPoint } from '../../codec/index.js';
import type { MetricPoint } from '../../model/metric-point.js';

/** The field a `validateMetricPoint` message names (`field "labels.host": …` → `labels.host`). */
function fieldPath(message: string): string[] {
  const named = /field "([^"]+)"/.exec(message)?.[1];
  return named ? named.split('.') : [];
}

/**
 * True when `labels` is certainly within `limits`: few enough, short enough keys and values, and at most
 * `maxLabelBytes` even if every UTF-16 unit took 3 UTF-8 bytes. When false, the codec decides.
 */
function labelsClearlyWithin(
  labels: Readonly<Record<string, string>> | null | undefined,
  limits: MetricLimits,
) {
  if (!labels) return true;
  let count = 0;
  let units = 0;
  for (const key in labels) {
    const value = labels[key]!;
    if (key.length > limits.maxLabelKeyLength || value.length > limits.maxLabelValueLength) return false;
    count++;
    units += key.length + value.length;
  }
  return count <= limits.maxLabels && units * 3 <= limits.maxLabelBytes;
}

/**
 * One metric point as posted: `{ series, timestampMs, value, labels? }` (`timestamp`, ISO-8601 or epoch
 * ms, is accepted instead of `timestampMs`), parsed to a {@link MetricPoint}. It accepts exactly what the
 * detect stage accepts from the topic (`validateMetricPoint`; a property test holds them equal): a point
 * in the common shape (epoch-ms time in range, labels clearly within the limits) is taken as is, and
 * anything else is decided, and explained, by the codec's own validation.
 */
export function metricPointSchema(limits: MetricLimits = DEFAULT_METRIC_LIMITS) {
  return z
    .object({
      series: z
        .string()
        .min(1)
        .max(limits.maxSeriesLength)
        .meta({ description: 'Series id, also the record key', example: 'orders.latency_p99' }),
      timestampMs: z
        .number()
        .int()
        .nullish()
        .meta({ description: 'Event time, epoch ms (2000-01-01 ≤ t < 2100-01-01)', example: 1772366400000 }),
      timestamp: z
        .union([z.string(), z.number().int()])
        .nullish()
        .meta({ description: 'Instead of timestampMs: ISO-8601 with offset, or epoch ms' }),
      value: z.number().meta({ description: 'Finite value', example: 412.5 }),
      labels: z
        .object({})
        .catchall(z.string())
        .nullish()
        .meta({ description: 'Dimensions (service, host, …)', example: { service: 'orders' } }),
    })
    .transform((raw, ctx): MetricPoint => {
      const t = raw.timestampMs;
      if (
        typeof t === 'number' &&
        t >= limits.minTimestampMs &&
        t < limits.maxTimestampMs &&
        labelsClearlyWithin(raw.labels, limits)
      ) {
        return { series: raw.series, timestampMs: t, value: raw.value, labels: raw.labels ?? {} };
      }
      const result = validateMetricPoint(raw, limits);
      if (!result.ok) {
        ctx.addIssue({
          code: 'custom',
          path: fieldPath(result.error.message),
          message: result.error.message,
        });
        return z.NEVER;
      }
      return result.point;
    });
}

/** `POST /api/v1/metrics` body. */
export function ingestBodySchema(maxPoints: number) {
  return z
    .object({
      points: z
        .array(metricPointSchema())
        .min(1, 'send at least one point')
        .max(maxPoints, `at most ${maxPoints} points per request (api.maxPointsPerRequest)`),
    })
    .meta({ description: 'A batch of metric points' });
}

/** `POST /api/v1/metrics` answer. */
export const ingestResponseSchema = z
  .object({ accepted: z.number().meta({ description: 'Points written to the metrics topic' }) })
  .meta({ description: 'Every point was written to the metrics topic' });
