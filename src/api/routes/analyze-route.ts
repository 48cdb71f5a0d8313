import { detectorConfigId } from '../../config/detector-settings.js';
import { analyzeSeries } from '../analyze-series.js';
import type { ApiDeps } from '../api-deps.js';
import { detectorsWithOverrides } from '../detector-overrides.js';
import { analyzeBodySchema, analyzeResponseSchema } from '../schemas/analyze-schemas.js';
import { errorBodySchema } from '../schemas/common-schemas.js';
import type { ApiInstance } from '../zod-schemas.js';

/** `POST /api/v1/analyze` (operator): runs a posted series through the detectors, synchronously. */
export function registerAnalyzeRoute(app: ApiInstance, deps: Pick<ApiDeps, 'detectors' | 'settings'>): void {
  const defaultConfigId = detectorConfigId(deps.detectors);
  app.post('/api/v1/analyze', {
    config: { role: 'operator' },
    schema: {
      tags: ['detect'],
      summary: 'Score a series with the detectors and return its anomalies',
      description:
        'Runs the posted points, in order, through a fresh detector (the detect stage’s own, with the configured settings or the overrides in `detectors`). Nothing is written or kept; anomaly ids are the ones the detect stage would give.',
      body: analyzeBodySchema(deps.settings.maxPointsPerRequest),
      response: { 200: analyzeResponseSchema, 400: errorBodySchema, 413: errorBodySchema },
    },
    handler: async (request) => {
      const { series, labels, points, detectors: overrides } = request.body;
      const detectors = detectorsWithOverrides(deps.detectors, overrides);
      const configId = detectors === deps.detectors ? defaultConfigId : detectorConfigId(detectors);
      const analysis = analyzeSeries({ series, labels, points, detectors, configId });
      return { series, configId, detectors, ...analysis };
    },
  });
}
