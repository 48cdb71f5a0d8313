import { z } from 'zod';
import { anomalySchema } from './event-schemas.js';

/** `POST /api/v1/analyze` body. */
export function analyzeBodySchema(maxPoints: number) {
  return z
    .object({
      series: z.string().min(1).max(512).meta({ example: 'orders.latency_p99' }),
      labels: z.record(z.string(), z.string()).default({}),
      points: z
        .array(
          z.object({
            timestampMs: z.number().int().meta({ description: 'Event time, epoch ms' }),
            value: z.number(),
          }),
        )
        .min(1, 'send at least one point')
        .max(maxPoints, `at most ${maxPoints} points per request (api.maxPointsPerRequest)`),
      detectors: z.record(z.string(), z.unknown()).optional().meta({
        description:
          'Detector settings to use instead of the configured ones, key by key, as in config/detectors.yaml (e.g. {"window":{"kind":"count","size":64},"novelty":{"enabled":false}})',
      }),
    })
    .strict();
}

/** `POST /api/v1/analyze` answer. */
export const analyzeResponseSchema = z.object({
  series: z.string(),
  configId: z
    .string()
    .meta({ description: 'Fingerprint of the detector settings used (anomaly ids depend on it)' }),
  detectors: z.record(z.string(), z.unknown()).meta({ description: 'The detector settings used' }),
  points: z.array(
    z.object({
      timestampMs: z.number(),
      value: z.number(),
      score: z.number(),
      anomalous: z.boolean(),
      warm: z.boolean(),
      late: z.boolean(),
    }),
  ),
  anomalies: z.array(anomalySchema),
});
