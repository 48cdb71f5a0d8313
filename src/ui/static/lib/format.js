/**
 * Formatting for the web UI: times, durations, percentages and values. Pure (the caller passes the
 * current time), so the same code runs in the browser and in the unit tests.
 * @module
 */

/** Incident severities, least severe first (mirrors `Severity` in src/model/anomaly-event.ts). */
export const SEVERITIES = Object.freeze(['low', 'medium', 'high', 'critical']);

/** Incident statuses (mirrors `INCIDENT_STATUSES` in src/storage/incident-store.ts). */
export const STATUSES = Object.freeze(['open', 'awaiting-approval', 'remediating', 'resolved', 'escalated']);

const pad2 = (/** @type {number} */ n) => String(n).padStart(2, '0');

/**
 * An instant as `YYYY-MM-DD HH:MM:SS UTC`; `—` when it is not a finite number.
 * @param {number} ms milliseconds since the epoch
 * @returns {string}
 * @example formatTimestamp(Date.UTC(2026, 2, 1, 12, 3, 4)) // '2026-03-01 12:03:04 UTC'
 */
export function formatTimestamp(ms) {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} UTC`
  );
}

/**
 * The time of day of an instant, `HH:MM:SS` in UTC.
 * @param {number} ms milliseconds since the epoch
 * @returns {string}
 */
export function formatClock(ms) {
  return Number.isFinite(ms) ? formatTimestamp(ms).slice(11, 19) : '—';
}

/**
 * A duration in the largest whole unit that fits: `45 s`, `12 min`, `3 h`, `2 d`. Negative durations
 * are formatted by their magnitude.
 * @param {number} ms
 * @returns {string}
 */
export function formatDuration(ms) {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/**
 * How long ago `ms` was, seen at `nowMs`: `just now` under 5 s, else `12 min ago` (or `in 12 min` for
 * an instant in the future).
 * @param {number} ms
 * @param {number} nowMs
 * @returns {string}
 */
export function formatRelative(ms, nowMs) {
  if (!Number.isFinite(ms) || !Number.isFinite(nowMs)) return '—';
  const delta = nowMs - ms;
  if (Math.abs(delta) < 5000) return 'just now';
  return delta > 0 ? `${formatDuration(delta)} ago` : `in ${formatDuration(delta)}`;
}

/**
 * A fraction in [0, 1] as a whole percentage (`0.823` → `82%`); `—` for null or non-finite input.
 * @param {number | null | undefined} fraction
 * @returns {string}
 */
export function formatPercent(fraction) {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${Math.round(fraction * 100)}%`;
}

/**
 * A measured value with at most four significant digits, without exponent for everyday magnitudes
 * (`1234.5678` → `1235`, `0.012345` → `0.01235`, `2500000` → `2.5e+6`, `0.00001234` → `1.2e-5`).
 * @param {number} value
 * @returns {string}
 */
export function formatValue(value) {
  if (!Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-4))
    return value.toExponential(1).replace('.0e', 'e');
  if (magnitude >= 1000) return String(Math.round(value));
  return String(Number(value.toPrecision(4)));
}

/**
 * Order of a severity from 0 (`low`) to 3 (`critical`); -1 for anything else.
 * @param {string} severity
 * @returns {number}
 */
export function severityRank(severity) {
  return SEVERITIES.indexOf(severity);
}
