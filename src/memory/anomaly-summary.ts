import type { AnomalyEvent, Direction } from '../model/anomaly-event.js';

/** What the summary text is built from: the same fields for a new anomaly and a past incident. */
export interface AnomalySignature {
  readonly series: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly direction: Direction;
  readonly value: number;
  readonly baselineMedian: number;
  readonly baselineMad: number;
  /** Names of the detectors that fired, e.g. `zscore`, `robust_z`. */
  readonly detectorsFired: readonly string[];
}

/** The signature of an anomaly event. */
export function signatureOfAnomaly(event: AnomalyEvent): AnomalySignature {
  return {
    series: event.series,
    labels: event.labels,
    direction: event.direction,
    value: event.value,
    baselineMedian: event.baseline.median,
    baselineMad: event.baseline.mad,
    detectorsFired: event.detectors.filter((d) => d.fired).map((d) => d.detector),
  };
}

/** Labels already spelled out in the text, or too specific to help similarity. */
const SKIPPED_LABELS = new Set(['service', 'app', 'metric', 'host', 'instance', 'pod']);
const MAX_LABELS = 6;

/** Service of a signature: `labels.service ?? labels.app ?? series prefix before '.'`. */
export function serviceOf(signature: Pick<AnomalySignature, 'series' | 'labels'>): string {
  return signature.labels.service ?? signature.labels.app ?? signature.series.split('.')[0]!;
}

/** Metric of a signature: `labels.metric ?? series after the first '.' without `{…}` tags`. */
export function metricOf(signature: Pick<AnomalySignature, 'series' | 'labels'>): string {
  if (signature.labels.metric) return signature.labels.metric;
  const dot = signature.series.indexOf('.');
  const rest = dot < 0 ? signature.series : signature.series.slice(dot + 1);
  return rest.replace(/\{.*\}$/, '');
}

const fmt = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : String(x));

/** Robust deviation |value − median| / (1.4826·MAD), with a floor on the scale for flat baselines. */
export function robustDeviation(signature: AnomalySignature): number {
  const scale = Math.max(1.4826 * signature.baselineMad, Math.abs(signature.baselineMedian) * 0.01, 1e-9);
  return Math.abs(signature.value - signature.baselineMedian) / scale;
}

function magnitudeWord(deviations: number): string {
  if (deviations >= 20) return 'extreme';
  if (deviations >= 8) return 'large';
  return 'moderate';
}

/**
 * A short, deterministic English summary of an anomaly — the text that is embedded, for new anomalies and
 * past incidents alike. Words carry the meaning (service, metric, spike/drop, size); numbers are rounded
 * to 3 significant digits; labels are sorted.
 *
 * @example
 * // "checkout latency p99 ms spike, extreme: 2400 vs baseline median 180 (13.3x), MAD 12, 93 MADs above;
 * //  detectors zscore, robust_z, iqr; region=eu-west-1"
 */
export function summarizeSignature(signature: AnomalySignature): string {
  const service = serviceOf(signature);
  const metric = metricOf(signature).replace(/[_\-.]+/g, ' ');
  const up = signature.direction === 'up';
  const deviations = robustDeviation(signature);
  const ratio =
    signature.baselineMedian !== 0 ? ` (${fmt(signature.value / signature.baselineMedian)}x)` : '';
  const labels = Object.keys(signature.labels)
    .filter((k) => !SKIPPED_LABELS.has(k))
    .sort()
    .slice(0, MAX_LABELS)
    .map((k) => `${k}=${signature.labels[k]}`);
  const detectors = [...signature.detectorsFired].sort();
  return [
    `${service} ${metric} ${up ? 'spike' : 'drop'}, ${magnitudeWord(deviations)}: ${fmt(signature.value)} vs ` +
      `baseline median ${fmt(signature.baselineMedian)}${ratio}, MAD ${fmt(signature.baselineMad)}, ` +
      `${fmt(deviations)} MADs ${up ? 'above' : 'below'}`,
    `detectors ${detectors.length > 0 ? detectors.join(', ') : 'none'}`,
    ...(labels.length > 0 ? [labels.join(' ')] : []),
  ].join('; ');
}
