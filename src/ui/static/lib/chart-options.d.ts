/**
 * uPlot options for one series chart.
 * @param {string} series the series name, used as the value's legend label
 * @param {number} width in CSS pixels
 * @returns {import('uplot').Options}
 */
export function chartOptions(series: string, width: number): import('uplot').Options;
/**
 * The uPlot options of a series chart, matching the column order of {@link buildChartData}'s `data`:
 * x, baseline low, baseline high, value, anomaly marker. Pure.
 * @module
 */
/**
 * Chart colours. The band fill is opaque so that its pixels keep exactly this colour; the value line is
 * drawn over it.
 */
export const CHART_COLORS: Readonly<{
  line: '#1d4ed8';
  band: '#dbeafe';
  bandEdge: '#93c5fd';
  anomaly: '#dc2626';
}>;
/** Height of a series chart in CSS pixels. */
export const CHART_HEIGHT: 220;
