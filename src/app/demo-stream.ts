import type { MetricPoint } from '../model/metric-point.js';
import { mulberry32 } from '../synthetic/prng.js';
import {
  generateSyntheticStream,
  type InjectedIncident,
  type SyntheticStream,
  type SyntheticStreamOptions,
} from '../synthetic/synthetic-metrics.js';

/** The service of the correlated incident the demo adds. */
export const DEMO_INCIDENT_SERVICE = 'orders';

/** One series of the correlated incident: its metric, level, noise amplitude and spike value. */
interface CorrelatedSeries {
  readonly metric: string;
  readonly level: number;
  readonly noise: number;
  readonly spikeTo: number;
  /** Points after the first spike. */
  readonly lag: number;
}

const CORRELATED: readonly CorrelatedSeries[] = [
  { metric: 'latency_p99_ms', level: 180, noise: 5, spikeTo: 2400, lag: 0 },
  { metric: 'error_rate', level: 0.5, noise: 0.05, spikeTo: 6, lag: 1 },
  { metric: 'db_connections_active', level: 60, noise: 2, spikeTo: 198, lag: 2 },
];

/**
 * The demo's metric stream: {@link generateSyntheticStream} plus one correlated incident on three series
 * of the `orders` service (p99 latency, error rate, then database connections spike within a few points of
 * each other: a connection pool running dry). The three are one incident for the reasoning stage, and the
 * rules blame the connection pool. Needs at least 70 points per series for the correlated incident
 * (warm-up first); shorter streams are returned without it.
 */
export function generateDemoStream(options: SyntheticStreamOptions): SyntheticStream {
  const base = generateSyntheticStream(options);
  const n = options.pointsPerSeries;
  if (n < 70) return base;
  const random = mulberry32(options.seed + 1);
  const at = Math.max(options.earliestIncidentIndex, Math.floor(n * 0.55));
  const points: MetricPoint[] = [];
  const incidents: InjectedIncident[] = [];
  const names: string[] = [];
  for (const s of CORRELATED) {
    const series = `${DEMO_INCIDENT_SERVICE}.${s.metric}{host=${DEMO_INCIDENT_SERVICE}-0}`;
    names.push(series);
    const labels = { service: DEMO_INCIDENT_SERVICE, metric: s.metric, host: `${DEMO_INCIDENT_SERVICE}-0` };
    const spikeIndex = at + s.lag;
    for (let i = 0; i < n; i++) {
      const timestampMs = options.startMs + i * options.intervalMs;
      const value = i === spikeIndex ? s.spikeTo : s.level + (random() * 2 - 1) * s.noise;
      points.push({ series, timestampMs, value, labels });
    }
    incidents.push({
      series,
      kind: 'spike',
      pointIndex: spikeIndex,
      timestampMs: options.startMs + spikeIndex * options.intervalMs,
      magnitude: (s.spikeTo - s.level) / s.noise,
    });
  }
  // Keep the stream in event-time order (the sort is stable: series order within a time is kept).
  const merged = [...base.points, ...points].sort((a, b) => a.timestampMs - b.timestampMs);
  return {
    points: merged,
    incidents: [...base.incidents, ...incidents],
    series: [...base.series, ...names],
  };
}
