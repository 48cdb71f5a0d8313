/**
 * An instant as `YYYY-MM-DD HH:MM:SS UTC`; `—` when it is not a finite number.
 * @param {number} ms milliseconds since the epoch
 * @returns {string}
 * @example formatTimestamp(Date.UTC(2026, 2, 1, 12, 3, 4)) // '2026-03-01 12:03:04 UTC'
 */
export function formatTimestamp(ms: number): string;
/**
 * The time of day of an instant, `HH:MM:SS` in UTC.
 * @param {number} ms milliseconds since the epoch
 * @returns {string}
 */
export function formatClock(ms: number): string;
/**
 * A duration in the largest whole unit that fits: `45 s`, `12 min`, `3 h`, `2 d`. Negative durations
 * are formatted by their magnitude.
 * @param {number} ms
 * @returns {string}
 */
export function formatDuration(ms: number): string;
/**
 * How long ago `ms` was, seen at `nowMs`: `just now` under 5 s, else `12 min ago` (or `in 12 min` for
 * an instant in the future).
 * @param {number} ms
 * @param {number} nowMs
 * @returns {string}
 */
export function formatRelative(ms: number, nowMs: number): string;
/**
 * A fraction in [0, 1] as a whole percentage (`0.823` → `82%`); `—` for null or non-finite input.
 * @param {number | null | undefined} fraction
 * @returns {string}
 */
export function formatPercent(fraction: number | null | undefined): string;
/**
 * A measured value with at most four significant digits, without exponent for everyday magnitudes
 * (`1234.5678` → `1235`, `0.012345` → `0.01235`, `2500000` → `2.5e+6`, `0.00001234` → `1.2e-5`).
 * @param {number} value
 * @returns {string}
 */
export function formatValue(value: number): string;
/**
 * Order of a severity from 0 (`low`) to 3 (`critical`); -1 for anything else.
 * @param {string} severity
 * @returns {number}
 */
export function severityRank(severity: string): number;
/**
 * Formatting for the web UI: times, durations, percentages and values. Pure (the caller passes the
 * current time), so the same code runs in the browser and in the unit tests.
 * @module
 */
/** Incident severities, least severe first (mirrors `Severity` in src/model/anomaly-event.ts). */
export const SEVERITIES: readonly string[];
/** Incident statuses (mirrors `INCIDENT_STATUSES` in src/storage/incident-store.ts). */
export const STATUSES: readonly string[];
