import type { AnomalyEvent } from '../model/anomaly-event.js';

const SEVERITY_MARK: Record<AnomalyEvent['severity'], string> = {
  low: 'low     ',
  medium: 'MEDIUM  ',
  high: 'HIGH    ',
  critical: 'CRITICAL',
};

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(1) : n.toPrecision(4));

/** One human-readable line for an anomaly, as `vigil run` prints them. */
export function formatAnomaly(event: AnomalyEvent): string {
  const time = new Date(event.timestampMs).toISOString().replace('.000Z', 'Z');
  const arrow = event.direction === 'up' ? '↑' : '↓';
  const fired = event.detectors
    .filter((d) => d.fired)
    .map((d) => d.detector)
    .join(',');
  const b = event.baseline;
  return `${SEVERITY_MARK[event.severity]} ${time} ${event.series} ${arrow} ${fmt(event.value)} (median ${fmt(b.median)}, MAD ${fmt(b.mad)}) score ${event.score.toFixed(2)} [${fired}]`;
}
