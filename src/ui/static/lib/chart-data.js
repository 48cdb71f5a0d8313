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
export const PAD_BEFORE_MS = 30 * 60_000;
/** Shown after an incident's last anomaly. */
export const PAD_AFTER_MS = 10 * 60_000;
/** Widest range requested (the API's default `seriesRead.maxRangeMs`). */
export const MAX_RANGE_MS = 24 * 3_600_000;

/**
 * The time range charted for an incident: from `PAD_BEFORE_MS` before it opened to `PAD_AFTER_MS` after
 * its last anomaly, keeping the most recent `maxRangeMs` when that is wider.
 * @param {{ openedAtMs: number, lastAnomalyAtMs: number }} incident
 * @param {number} [maxRangeMs]
 * @returns {TimeRange}
 */
export function chartRange(incident, maxRangeMs = MAX_RANGE_MS) {
  const toMs = incident.lastAnomalyAtMs + PAD_AFTER_MS;
  const fromMs = Math.max(incident.openedAtMs - PAD_BEFORE_MS, toMs - maxRangeMs);
  return { fromMs, toMs };
}

/**
 * The API request for one series' points and band over `range`.
 * @param {string} series
 * @param {TimeRange} range
 * @returns {string}
 */
export function seriesPointsPath(series, range) {
  const params = new URLSearchParams({ series, from: String(range.fromMs), to: String(range.toMs) });
  return `/api/v1/series/points?${params}`;
}

/** @param {unknown} x */
const finite = (x) => typeof x === 'number' && Number.isFinite(x);

/**
 * Aligns points, their baseline band and the anomaly markers on one ascending time axis. Entries with
 * non-finite numbers are dropped (a point with a broken band keeps its value); a repeated instant keeps
 * its last point; anomalies of other series are ignored; an anomaly between points gets its own instant.
 * @param {string} series
 * @param {SeriesResponse} response
 * @param {readonly MarkedAnomaly[]} anomalies
 * @returns {ChartData}
 */
export function buildChartData(series, response, anomalies) {
  /** @type {Map<number, SeriesPoint>} */
  const points = new Map();
  for (const p of response.points ?? []) {
    if (finite(p.timestampMs) && finite(p.value)) points.set(p.timestampMs, p);
  }
  /** @type {Map<number, number>} */
  const markers = new Map();
  for (const a of anomalies) {
    if (a.series === series && finite(a.timestampMs) && finite(a.value)) markers.set(a.timestampMs, a.value);
  }
  const xs = [...new Set([...points.keys(), ...markers.keys()])].sort((a, b) => a - b);
  /** @param {number} ms */
  const bandAt = (ms) => {
    const baseline = points.get(ms)?.baseline;
    return baseline && finite(baseline.lower) && finite(baseline.upper) ? baseline : null;
  };
  const k = response.band?.k;
  return {
    xs,
    data: [
      xs.map((ms) => ms / 1000),
      xs.map((ms) => bandAt(ms)?.lower ?? null),
      xs.map((ms) => bandAt(ms)?.upper ?? null),
      xs.map((ms) => points.get(ms)?.value ?? null),
      xs.map((ms) => markers.get(ms) ?? null),
    ],
    pointCount: points.size,
    bandCount: xs.filter((ms) => bandAt(ms) !== null).length,
    anomalyCount: markers.size,
    bandK: finite(k) ? /** @type {number} */ (k) : null,
    truncated:
      typeof response.truncated === 'string' && response.truncated !== '' ? response.truncated : null,
  };
}

/**
 * One line describing what a chart shows, for its caption and for screen readers.
 * @param {ChartData} chart
 * @returns {string}
 */
export function describeChart(chart) {
  const band =
    chart.bandCount === 0
      ? 'no baseline band'
      : `baseline band${chart.bandK === null ? '' : ` (median ± ${chart.bandK} robust σ)`}`;
  const parts = [
    `${chart.pointCount} point${chart.pointCount === 1 ? '' : 's'}`,
    band,
    `${chart.anomalyCount} anomal${chart.anomalyCount === 1 ? 'y' : 'ies'} marked`,
  ];
  if (chart.truncated !== null) parts.push(`truncated: ${chart.truncated}`);
  return parts.join(', ');
}
