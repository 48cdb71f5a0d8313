import { describe, expect, it } from 'vitest';
import {
  buildChartData,
  chartRange,
  describeChart,
  MAX_RANGE_MS,
  PAD_AFTER_MS,
  PAD_BEFORE_MS,
  seriesPointsPath,
} from '../../src/ui/static/lib/chart-data.js';
import { CHART_COLORS, chartOptions } from '../../src/ui/static/lib/chart-options.js';

const T = Date.UTC(2026, 2, 1, 12, 0, 0);

describe('chartRange', () => {
  it('pads before the opening and after the last anomaly', () => {
    expect(chartRange({ openedAtMs: T, lastAnomalyAtMs: T + 60_000 })).toEqual({
      fromMs: T - PAD_BEFORE_MS,
      toMs: T + 60_000 + PAD_AFTER_MS,
    });
  });

  it('keeps the most recent maxRangeMs of a long incident', () => {
    const last = T + 3 * MAX_RANGE_MS;
    expect(chartRange({ openedAtMs: T, lastAnomalyAtMs: last })).toEqual({
      fromMs: last + PAD_AFTER_MS - MAX_RANGE_MS,
      toMs: last + PAD_AFTER_MS,
    });
    expect(chartRange({ openedAtMs: T, lastAnomalyAtMs: T }, 60_000)).toEqual({
      fromMs: T + PAD_AFTER_MS - 60_000,
      toMs: T + PAD_AFTER_MS,
    });
  });
});

describe('seriesPointsPath', () => {
  it('encodes the series name', () => {
    expect(seriesPointsPath('orders.latency{host=a&b}', { fromMs: 1, toMs: 2 })).toBe(
      '/api/v1/series/points?series=orders.latency%7Bhost%3Da%26b%7D&from=1&to=2',
    );
  });
});

const band = (lower: number, upper: number) => ({ median: (lower + upper) / 2, lower, upper });

describe('buildChartData', () => {
  it('aligns points, their band and the markers on one ascending axis in seconds', () => {
    const chart = buildChartData(
      's',
      {
        points: [
          { timestampMs: 3000, value: 30, baseline: band(6, 16) },
          { timestampMs: 1000, value: 10, baseline: null },
          { timestampMs: 2000, value: 20, baseline: band(5, 15) },
        ],
        band: { k: 3.5 },
        truncated: 'only the latest 3 points',
      },
      [
        { series: 's', timestampMs: 3000, value: 30 },
        { series: 's', timestampMs: 2500, value: 99 },
        { series: 'other', timestampMs: 2000, value: 99 },
      ],
    );
    expect(chart.xs).toEqual([1000, 2000, 2500, 3000]);
    expect(chart.data).toEqual([
      [1, 2, 2.5, 3],
      [null, 5, null, 6],
      [null, 15, null, 16],
      [10, 20, null, 30],
      [null, null, 99, 30],
    ]);
    expect(chart).toMatchObject({
      pointCount: 3,
      bandCount: 2,
      anomalyCount: 2,
      bandK: 3.5,
      truncated: 'only the latest 3 points',
    });
  });

  it('drops non-finite entries, keeps the last duplicate, and reads a missing band or reason as none', () => {
    const chart = buildChartData(
      's',
      {
        points: [
          { timestampMs: 1000, value: 1, baseline: band(0, 2) },
          { timestampMs: 1000, value: 2, baseline: { median: 1, lower: Number.NEGATIVE_INFINITY, upper: 3 } },
          { timestampMs: 2000, value: Number.NaN },
        ],
        truncated: null,
      },
      [{ series: 's', timestampMs: Number.NaN, value: 7 }],
    );
    expect(chart.xs).toEqual([1000]);
    expect(chart.data).toEqual([[1], [null], [null], [2], [null]]);
    expect(chart).toMatchObject({
      pointCount: 1,
      bandCount: 0,
      anomalyCount: 0,
      bandK: null,
      truncated: null,
    });
  });

  it('every column has one entry per instant (property over random input)', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let round = 0; round < 50; round += 1) {
      const ts = () => (next() % 40) * 1000;
      const points = Array.from({ length: next() % 30 }, () => ({
        timestampMs: ts(),
        value: next() % 100,
        baseline: next() % 2 === 0 ? null : band(1, 2),
      }));
      const anomalies = Array.from({ length: next() % 5 }, () => ({
        series: 's',
        timestampMs: ts(),
        value: 1,
      }));
      const chart = buildChartData('s', { points }, anomalies);
      const expected = new Set([...points, ...anomalies].map((p) => p.timestampMs));
      expect(chart.xs).toEqual([...expected].sort((a, b) => a - b));
      for (const column of chart.data) expect(column).toHaveLength(chart.xs.length);
      expect(chart.pointCount).toBe(new Set(points.map((p) => p.timestampMs)).size);
      // low and high are both set or both null, and low <= high
      chart.data[1].forEach((low, i) => {
        const high = chart.data[2][i] ?? null;
        expect(low === null).toBe(high === null);
        if (low !== null && high !== null) expect(low).toBeLessThanOrEqual(high);
      });
    }
  });

  it('describes what it draws', () => {
    const chart = buildChartData('s', { points: [{ timestampMs: 1, value: 1 }] }, []);
    expect(describeChart(chart)).toBe('1 point, no baseline band, 0 anomalies marked');
    const full = buildChartData(
      's',
      {
        points: [
          { timestampMs: 1, value: 1, baseline: band(0, 2) },
          { timestampMs: 2, value: 1, baseline: band(0, 2) },
        ],
        band: { k: 3 },
        truncated: 'scan cap reached',
      },
      [{ series: 's', timestampMs: 2, value: 1 }],
    );
    expect(describeChart(full)).toBe(
      '2 points, baseline band (median ± 3 robust σ), 1 anomaly marked, truncated: scan cap reached',
    );
  });
});

describe('chartOptions', () => {
  it('draws the band between the low and high columns, the value line over it, and the anomalies as points only', () => {
    const options = chartOptions('orders.latency', 640);
    expect(options.width).toBe(640);
    expect(options.series.map((s) => s.label)).toEqual([
      'time (UTC)',
      'baseline low',
      'baseline high',
      'orders.latency',
      'anomaly',
    ]);
    expect(options.bands).toEqual([{ series: [2, 1], fill: CHART_COLORS.band }]);
    expect(options.series[3]!.stroke).toBe(CHART_COLORS.line);
    expect(options.series[4]!.paths).toBeTypeOf('function');
    expect((options.series[4]!.paths as () => null)()).toBeNull();
    expect(options.series[4]!.points).toMatchObject({ show: true, fill: CHART_COLORS.anomaly });
    expect(chartOptions('s', 10).width).toBe(200);
  });
});
