/**
 * Draws one series chart with uPlot (served from `/ui/vendor/`).
 * @module
 */
import { chartOptions } from '../lib/chart-options.js';
import uPlot from '../vendor/uPlot.esm.js';

/**
 * Draws `chart` into `target`, sized to its width, with the time axis in UTC.
 * @param {HTMLElement} target
 * @param {string} series
 * @param {import('../lib/chart-data.js').ChartData} chart
 * @returns {{ resize(): void }} call `resize` when the target's width may have changed
 */
export function drawSeriesChart(target, series, chart) {
  const options = chartOptions(series, target.clientWidth);
  const plot = new uPlot(
    { ...options, tzDate: (/** @type {number} */ ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC') },
    chart.data,
    target,
  );
  return {
    resize() {
      const width = Math.max(200, Math.floor(target.clientWidth));
      if (width !== plot.width) plot.setSize({ width, height: plot.height });
    },
  };
}
