/**
 * The time range charted for an incident: from `PAD_BEFORE_MS` before it opened to `PAD_AFTER_MS` after
 * its last anomaly, keeping the most recent `maxRangeMs` when that is wider.
 * @param {{ openedAtMs: number, lastAnomalyAtMs: number }} incident
 * @param {number} [maxRangeMs]
 * @returns {TimeRange}
 */
export function chartRange(
  incident: {
    openedAtMs: number;
    lastAnomalyAtMs: number;
  },
  maxRangeMs?: number,
): TimeRange;
/**
 * The API request for one series' points and band over `range`.
 * @param {string} series
 * @param {TimeRange} range
 * @returns {string}
 */
export function seriesPointsPath(series: string, range: TimeRange): string;
/**
 * Aligns points, their baseline band and the anomaly markers on one ascending time axis. Entries with
 * non-finite numbers are dropped (a point with a broken band keeps its value); a repeated instant keeps
 * its last point; anomalies of other series are ignored; an anomaly between points gets its own instant.
 * @param {string} series
 * @param {SeriesResponse} response
 * @param {readonly MarkedAnomaly[]} anomalies
 * @returns {ChartData}
 */
export function buildChartData(
  series: string,
  response: SeriesResponse,
  anomalies: readonly MarkedAnomaly[],
): ChartData;
/**
 * One line describing what a chart shows, for its caption and for screen readers.
 * @param {ChartData} chart
 * @returns {string}
 */
export function describeChart(chart: ChartData): string;
/**
 * Turns the API's series JSON and an incident's anomalies into the aligned arrays a uPlot chart draws:
 * x (seconds), baseline low, baseline high, observed value, anomaly marker. Pure.
 * @module
 */
/**
 * The baseline band at one point: where the point's robust z would reach `k` (null during warm-up).
 * @typedef {object} BaselineAt
 * @property {number} median
 * @property {number} lower
 * @property {number} upper
 */
/**
 * @typedef {object} SeriesPoint
 * @property {number} timestampMs
 * @property {number} value
 * @property {BaselineAt | null} [baseline]
 */
/**
 * The part of `GET /api/v1/series/points` the chart uses.
 * @typedef {object} SeriesResponse
 * @property {readonly SeriesPoint[]} points by event time
 * @property {{ k: number }} [band] how the band was computed: its half-width in robust σ
 * @property {string | null} [truncated] why points may be missing, or null
 */
/**
 * The part of an anomaly the chart marks.
 * @typedef {object} MarkedAnomaly
 * @property {string} series
 * @property {number} timestampMs
 * @property {number} value
 */
/**
 * Aligned columns: index `i` of every array is the instant `xs[i]`; `null` where a column has no value.
 * `data` is uPlot's input: `[x seconds, low, high, value, marker]`.
 * @typedef {object} ChartData
 * @property {number[]} xs instants in ms, ascending, unique
 * @property {[number[], (number | null)[], (number | null)[], (number | null)[], (number | null)[]]} data
 * @property {number} pointCount points drawn
 * @property {number} bandCount instants with a baseline band
 * @property {number} anomalyCount anomalies marked
 * @property {number | null} bandK half-width of the band in robust σ, when the API says
 * @property {string | null} truncated why the API returned fewer points than the range holds, or null
 */
/**
 * @typedef {object} TimeRange
 * @property {number} fromMs inclusive
 * @property {number} toMs exclusive
 */
/** Shown before an incident's first anomaly. */
export const PAD_BEFORE_MS: number;
/** Shown after an incident's last anomaly. */
export const PAD_AFTER_MS: number;
/** Widest range requested (the API's default `seriesRead.maxRangeMs`). */
export const MAX_RANGE_MS: number;
/**
 * The baseline band at one point: where the point's robust z would reach `k` (null during warm-up).
 */
export type BaselineAt = {
  median: number;
  lower: number;
  upper: number;
};
export type SeriesPoint = {
  timestampMs: number;
  value: number;
  baseline?: BaselineAt | null | undefined;
};
/**
 * The part of `GET /api/v1/series/points` the chart uses.
 */
export type SeriesResponse = {
  /**
   * by event time
   */
  points: readonly SeriesPoint[];
  /**
   * how the band was computed: its half-width in robust σ
   */
  band?:
    | {
        k: number;
      }
    | undefined;
  /**
   * why points may be missing, or null
   */
  truncated?: string | null | undefined;
};
/**
 * The part of an anomaly the chart marks.
 */
export type MarkedAnomaly = {
  series: string;
  timestampMs: number;
  value: number;
};
/**
 * Aligned columns: index `i` of every array is the instant `xs[i]`; `null` where a column has no value.
 * `data` is uPlot's input: `[x seconds, low, high, value, marker]`.
 */
export type ChartData = {
  /**
   * instants in ms, ascending, unique
   */
  xs: number[];
  data: [number[], (number | null)[], (number | null)[], (number | null)[], (number | null)[]];
  /**
   * points drawn
   */
  pointCount: number;
  /**
   * instants with a baseline band
   */
  bandCount: number;
  /**
   * anomalies marked
   */
  anomalyCount: number;
  /**
   * half-width of the band in robust σ, when the API says
   */
  bandK: number | null;
  /**
   * why the API returned fewer points than the range holds, or null
   */
  truncated: string | null;
};
export type TimeRange = {
  /**
   * inclusive
   */
  fromMs: number;
  /**
   * exclusive
   */
  toMs: number;
};
