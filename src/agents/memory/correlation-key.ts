import type { AnomalyEvent } from '../../model/anomaly-event.js';

/** How anomalies are grouped into one partition of the reasoning stage. */
export interface CorrelationOptions {
  /** Labels tried in order (default `['service', 'app']`); then the series prefix before the first `.`. */
  readonly labelKeys?: readonly string[];
  /** Component group → services. A service listed in a group is keyed by the group name. */
  readonly dependencyGroups?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Builds the correlation-key function once (the group index is precomputed).
 *
 * @example
 * const keyOf = correlationKeyFunction({ dependencyGroups: { 'order-path': ['checkout', 'payments'] } });
 * keyOf(anomaly) // 'order-path' for a payments anomaly, 'search' for a search anomaly
 */
export function correlationKeyFunction(options: CorrelationOptions = {}): (anomaly: AnomalyEvent) => string {
  const labelKeys = options.labelKeys ?? ['service', 'app'];
  const groupOf = new Map<string, string>();
  for (const [group, services] of Object.entries(options.dependencyGroups ?? {})) {
    for (const service of services) groupOf.set(service, group);
  }
  return (anomaly) => {
    let service: string | undefined;
    for (const key of labelKeys) {
      const value = anomaly.labels[key];
      if (value) {
        service = value;
        break;
      }
    }
    service ??= anomaly.series.split('.')[0] || anomaly.series;
    return groupOf.get(service) ?? service;
  };
}
