import type { AnomalyEvent } from '../model/anomaly-event.js';

/** Consistency constant that makes 1.4826·MAD estimate σ for normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;

/** Upper bound of a robust deviation, so that a flat baseline cannot produce an infinite score. */
export const DEVIATION_CAP = 1000;

/** Which labels name the component and the metric of an anomaly. */
export interface FactOptions {
  /** Label keys tried in order for the component (service) name, e.g. `['service', 'component']`. */
  readonly componentLabelKeys: readonly string[];
  /** Label key holding the metric name, e.g. `metric`. */
  readonly metricLabelKey: string;
}

/**
 * Robust deviation of `value` from a window baseline: `|value − median| / (1.4826·MAD)`.
 *
 * Guard when MAD = 0 (a flat or mostly flat window): the scale falls back to the window's standard
 * deviation; when that is 0 too, the deviation is 0 for a value equal to the median and
 * {@link DEVIATION_CAP} otherwise. The result is always finite, in [0, DEVIATION_CAP].
 *
 * @example robustDeviation(812, { median: 500, mad: 10, std: 14 }) // ≈ 21.04
 */
export function robustDeviation(
  value: number,
  baseline: { readonly median: number; readonly mad: number; readonly std: number },
): number {
  const distance = Math.abs(value - baseline.median);
  if (!Number.isFinite(distance)) return DEVIATION_CAP;
  let scale = MAD_TO_SIGMA * baseline.mad;
  if (!(scale > 0) || !Number.isFinite(scale)) scale = baseline.std;
  if (!(scale > 0) || !Number.isFinite(scale)) return distance === 0 ? 0 : DEVIATION_CAP;
  return Math.min(DEVIATION_CAP, distance / scale);
}

/** The series name without its `{label=…}` suffix. */
export function seriesBase(series: string): string {
  const brace = series.indexOf('{');
  return brace >= 0 ? series.slice(0, brace) : series;
}

/**
 * The component (service) an anomaly belongs to: the first present label of `componentLabelKeys`, else the
 * series name up to its first `.` (`checkout.latency_p99{host=a}` → `checkout`), else the series base.
 */
export function componentOf(anomaly: AnomalyEvent, options: FactOptions): string {
  for (const key of options.componentLabelKeys) {
    const value = anomaly.labels[key];
    if (value) return value;
  }
  const base = seriesBase(anomaly.series);
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * The metric name of an anomaly: the `metricLabelKey` label when present, else the series base without
 * a leading `<component>.` (`checkout.latency_p99{host=a}` → `latency_p99`).
 */
export function metricOf(anomaly: AnomalyEvent, component: string, options: FactOptions): string {
  const labelled = anomaly.labels[options.metricLabelKey];
  if (labelled) return labelled;
  const base = seriesBase(anomaly.series);
  return base.startsWith(`${component}.`) ? base.slice(component.length + 1) : base;
}
