/**
 * Detection: pure rolling windows and online detectors with serialisable state.
 * See docs/adr/0002-order-statistics.md for the structure, quantile definition and scoring rules, and
 * docs/adr/0004-nab-detection.md for the novelty scores and the live decision.
 */

export { CountedBTree, FAN_MAX, FAN_MIN, LEAF_MAX, LEAF_MIN } from './counted-btree.js';
export { DEFAULT_DETECTOR_CONFIG, type DetectorConfig, windowCapacity } from './detector-config.js';
export {
  type NoveltyParams,
  type NoveltySettings,
  noveltyAccept,
  noveltyParams,
  noveltyScore,
  noveltyWords,
  outsideRange,
  seasonalBin,
} from './novelty-score.js';
export { fenceScale, IQR_TO_SIGMA, MAD_TO_SIGMA, robustSigma, scaleFloor } from './robust-scale.js';
export { RollingMoments } from './rolling-moments.js';
export { RollingWindow } from './rolling-window.js';
export { kthLargest, scoreFromStatistic } from './score-mapping.js';
export {
  createSeriesDetector,
  type PointEvaluation,
  type SeriesDetector,
} from './series-detector.js';
export {
  assertSeriesState,
  deserializeSeriesState,
  SERIES_STATE_VERSION,
  type SeriesDetectorState,
  serializeSeriesState,
} from './series-state.js';
export { type MadSearchHint, medianAbsoluteDeviation, quantile, quartiles } from './window-quantiles.js';
