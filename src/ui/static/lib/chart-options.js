/**
 * The uPlot options of a series chart, matching the column order of {@link buildChartData}'s `data`:
 * x, baseline low, baseline high, value, anomaly marker. Pure.
 * @module
 */

/**
 * Chart colours. The band fill is opaque so that its pixels keep exactly this colour; the value line is
 * drawn over it.
 */
export const CHART_COLORS = Object.freeze({
  line: '#1d4ed8',
  band: '#dbeafe',
  bandEdge: '#93c5fd',
  anomaly: '#dc2626',
});

/** Height of a series chart in CSS pixels. */
export const CHART_HEIGHT = 220;

/** Draws no path: the anomaly series shows its points only. */
const noPath = () => null;

/**
 * uPlot options for one series chart.
 * @param {string} series the series name, used as the value's legend label
 * @param {number} width in CSS pixels
 * @returns {import('uplot').Options}
 */
export function chartOptions(series, width) {
  return {
    width: Math.max(200, Math.floor(width)),
    height: CHART_HEIGHT,
    scales: { x: { time: true } },
    cursor: { drag: { x: true, y: false } },
    legend: { show: true },
    series: [
      { label: 'time (UTC)' },
      {
        label: 'baseline low',
        stroke: CHART_COLORS.bandEdge,
        width: 1,
        spanGaps: true,
        points: { show: false },
      },
      {
        label: 'baseline high',
        stroke: CHART_COLORS.bandEdge,
        width: 1,
        spanGaps: true,
        points: { show: false },
      },
      {
        label: series,
        stroke: CHART_COLORS.line,
        width: 2,
        spanGaps: true,
        points: { show: true, size: 5, fill: CHART_COLORS.line, stroke: CHART_COLORS.line },
      },
      {
        label: 'anomaly',
        stroke: CHART_COLORS.anomaly,
        width: 0,
        paths: noPath,
        points: { show: true, size: 12, width: 1, fill: CHART_COLORS.anomaly, stroke: CHART_COLORS.anomaly },
      },
    ],
    bands: [{ series: [2, 1], fill: CHART_COLORS.band }],
    axes: [{}, {}],
  };
}
