import type { MetricPoint } from '../model/metric-point.js';
import { mulberry32 } from './prng.js';

/** A disturbance injected into a synthetic series. */
export interface InjectedIncident {
  readonly series: string;
  readonly kind: 'spike' | 'dip' | 'level-shift';
  /** Index of the first affected point of the series. */
  readonly pointIndex: number;
  /** Event time of the first affected point. */
  readonly timestampMs: number;
  /** Size of the disturbance in units of the series' noise amplitude. */
  readonly magnitude: number;
}

/** Shape of a synthetic stream. */
export interface SyntheticStreamOptions {
  readonly series: number;
  readonly pointsPerSeries: number;
  /** Fraction of series that get one injected incident (0..1). */
  readonly incidentFraction: number;
  readonly seed: number;
  /** Event time of the first point, ms since epoch. */
  readonly startMs: number;
  /** Event-time step between consecutive points of a series, ms. */
  readonly intervalMs: number;
  /** Incidents are injected at or after this point index (leave room for warm-up). */
  readonly earliestIncidentIndex: number;
  /** Size of injected disturbances, in noise amplitudes. Default 25. */
  readonly magnitude?: number;
}

/** Sensible defaults for a demo stream. */
export const DEFAULT_SYNTHETIC_OPTIONS: SyntheticStreamOptions = Object.freeze({
  series: 40,
  pointsPerSeries: 300,
  incidentFraction: 0.25,
  seed: 7,
  startMs: Date.UTC(2026, 0, 1),
  intervalMs: 10_000,
  earliestIncidentIndex: 60,
});

const SERVICES = ['checkout', 'payments', 'catalog', 'search', 'auth', 'cart', 'shipping', 'frontend'];
const METRICS = ['latency_p99_ms', 'error_rate', 'cpu_util', 'requests_per_s', 'queue_depth'];

/** A synthetic stream: the points in event-time order (series interleaved) and what was injected. */
export interface SyntheticStream {
  readonly points: MetricPoint[];
  readonly incidents: InjectedIncident[];
  /** Every series name, clean or not. */
  readonly series: string[];
}

/**
 * Generates a deterministic metric stream: each series is a level plus bounded uniform noise (±1 noise
 * amplitude, so clean series never leave their band), and a chosen fraction of series gets one injected
 * spike, dip or persistent level shift of `magnitude` noise amplitudes.
 */
export function generateSyntheticStream(options: SyntheticStreamOptions): SyntheticStream {
  const random = mulberry32(options.seed);
  const magnitude = options.magnitude ?? 25;
  const names: string[] = [];
  const levels: number[] = [];
  const noise: number[] = [];
  const labels: Record<string, string>[] = [];
  const incidentAt = new Map<number, InjectedIncident>();
  const incidents: InjectedIncident[] = [];
  for (let s = 0; s < options.series; s++) {
    const service = SERVICES[s % SERVICES.length]!;
    const metric = METRICS[Math.floor(s / SERVICES.length) % METRICS.length]!;
    const host = `${service}-${Math.floor(s / (SERVICES.length * METRICS.length))}`;
    const name = `${service}.${metric}{host=${host}}`;
    names.push(name);
    labels.push({ service, metric, host, region: s % 2 === 0 ? 'eu-west-1' : 'us-east-1' });
    levels.push(10 + random() * 990);
    noise.push(levels[s]! * (0.01 + random() * 0.04));
  }
  const incidentCount = Math.round(options.series * options.incidentFraction);
  const chosen = new Set<number>();
  while (chosen.size < incidentCount) chosen.add(Math.floor(random() * options.series));
  const span = Math.max(1, options.pointsPerSeries - options.earliestIncidentIndex - 5);
  for (const s of [...chosen].sort((a, b) => a - b)) {
    const pointIndex = options.earliestIncidentIndex + Math.floor(random() * span);
    const roll = random();
    const kind: InjectedIncident['kind'] = roll < 0.4 ? 'spike' : roll < 0.6 ? 'dip' : 'level-shift';
    const incident = {
      series: names[s]!,
      kind,
      pointIndex,
      timestampMs: options.startMs + pointIndex * options.intervalMs,
      magnitude,
    };
    incidentAt.set(s, incident);
    incidents.push(incident);
  }
  const points: MetricPoint[] = [];
  for (let i = 0; i < options.pointsPerSeries; i++) {
    const timestampMs = options.startMs + i * options.intervalMs;
    for (let s = 0; s < options.series; s++) {
      let value = levels[s]! + (random() * 2 - 1) * noise[s]!;
      const incident = incidentAt.get(s);
      if (incident) {
        const shift = magnitude * noise[s]!;
        if (incident.kind === 'spike' && i === incident.pointIndex) value += shift;
        if (incident.kind === 'dip' && i === incident.pointIndex) value -= Math.min(shift, levels[s]! * 0.9);
        if (incident.kind === 'level-shift' && i >= incident.pointIndex) value += shift;
      }
      points.push({ series: names[s]!, timestampMs, value, labels: labels[s]! });
    }
  }
  return { points, incidents, series: names };
}
