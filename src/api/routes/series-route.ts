import { z } from 'zod';
import type { ApiDeps } from '../api-deps.js';
import { invalidRequest } from '../api-errors.js';
import { bandSettingsOf, baselineBand } from '../baseline-band.js';
import { errorBodySchema, timeParam } from '../schemas/common-schemas.js';
import type { ApiInstance } from '../zod-schemas.js';

/** Range read when `from` is not given: the hour before `to`. */
export const DEFAULT_SERIES_RANGE_MS = 3_600_000;

const seriesQuery = z.strictObject({
  series: z.string().min(1).max(512).meta({ example: 'orders.latency_p99' }),
  from: timeParam.optional().meta({ description: 'Start (inclusive); default: one hour before to' }),
  to: timeParam.optional().meta({ description: 'End (exclusive); default: now' }),
  k: z.coerce
    .number()
    .positive('k must be > 0')
    .max(100, 'k must be <= 100')
    .optional()
    .meta({ description: 'Band half-width in robust σ; default: the robust z threshold of the detectors' }),
});

const bandPoint = z.object({ median: z.number(), lower: z.number(), upper: z.number() });

const seriesResponse = z.object({
  series: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  points: z
    .array(z.object({ timestampMs: z.number(), value: z.number(), baseline: bandPoint.nullable() }))
    .meta({ description: 'By event time; baseline is null until the window holds warmupPoints points' }),
  band: z.object({
    k: z.number(),
    window: z.record(z.string(), z.unknown()).meta({ description: 'The detectors’ window' }),
    warmupPoints: z.number(),
  }),
  recordsScanned: z.number(),
  truncated: z
    .string()
    .nullable()
    .meta({ description: 'Why points may be missing (a cap was reached), or null' }),
});

/**
 * `GET /api/v1/series/points` (viewer): one series' raw points over a bounded range, read back from the
 * metrics topic, each with the baseline band the detectors' window gives (rolling median ± k·σ̂).
 */
export function registerSeriesRoute(
  app: ApiInstance,
  deps: Pick<ApiDeps, 'seriesPoints' | 'settings' | 'detectors' | 'clock'>,
): void {
  const { maxRangeMs } = deps.settings.seriesRead;
  app.get('/api/v1/series/points', {
    config: { role: 'viewer' },
    schema: {
      tags: ['series'],
      summary: 'Raw points of one series with its baseline band (for charts)',
      description: `Read back from the metrics topic (the series' partition, between the offsets of from and to). The range is at most api.seriesRead.maxRangeMs (${maxRangeMs} ms); a read stops at api.seriesRead.maxRecordsScanned records and returns at most api.seriesRead.maxPoints points (the latest), saying so in truncated.`,
      querystring: seriesQuery,
      response: { 200: seriesResponse, 400: errorBodySchema },
    },
    handler: async (request) => {
      const q = request.query;
      const toMs = q.to ?? deps.clock();
      const fromMs = q.from ?? toMs - DEFAULT_SERIES_RANGE_MS;
      if (toMs <= fromMs) throw invalidRequest('query.to', 'query.to: to must be after from');
      if (toMs - fromMs > maxRangeMs) {
        throw invalidRequest(
          'query.from',
          `query.from: the range is ${toMs - fromMs} ms, at most ${maxRangeMs} ms (api.seriesRead.maxRangeMs) can be read at once`,
        );
      }
      const read = await deps.seriesPoints.read({ series: q.series, fromMs, toMs });
      const settings = bandSettingsOf(deps.detectors, q.k);
      const band = baselineBand(read.points, settings);
      return {
        series: q.series,
        fromMs,
        toMs,
        points: read.points.map((p, i) => ({
          timestampMs: p.timestampMs,
          value: p.value,
          baseline: band[i] ?? null,
        })),
        band: { k: settings.k, window: settings.window, warmupPoints: settings.warmupPoints },
        recordsScanned: read.recordsScanned,
        truncated: read.truncated,
      };
    },
  });
}
