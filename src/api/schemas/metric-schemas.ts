import { z } from 'zod';
import { DEFAULT_METRIC_LIMITS, type MetricLimits, validateMetricPoint } from '../../codec/index.js';
import type { MetricPoint } from '../../model/metric-point.js';

/** The field a `validateMetricPoint` message names (`field "labels.host": …` → `labels.host`). */
function fieldPath(message: string): string[] {
  const named = /field "([^"]+)"/.exec(message)?.[1];
  return named ? named.split('.') : [];
}

/**
 * One metric point as posted: `{ series, timestampMs, value, labels? }` (`timestamp` as ISO-8601 or epoch
 * ms is accepted instead of `timestampMs`). Parsed to a {@link MetricPoint} by the codec's own
 * `validateMetricPoint`, so the API accepts exactly what the detect stage accepts from the topic.
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
        .optional()
        .meta({ description: 'Event time, epoch ms (2000-01-01 ≤ t < 2100-01-01)', example: 1772366400000 }),
      timestamp: z
        .union([z.string(), z.number().int()])
        .optional()
        .meta({ description: 'Instead of timestampMs: ISO-8601 with offset, or epoch ms' }),
      value: z.number().meta({ description: 'Finite value', example: 412.5 }),
      labels: z
        .record(z.string(), z.string())
        .optional()
        .meta({ description: 'Dimensions (service, host, …)', example: { service: 'orders' } }),
    })
    .transform((raw, ctx): MetricPoint => {
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
