import { describe, expect, it } from 'vitest';
import { SEVERITY_ORDER } from '../../src/actions/policies.js';
import { INCIDENT_STATUSES } from '../../src/storage/incident-store.js';
import {
  formatClock,
  formatDuration,
  formatPercent,
  formatRelative,
  formatTimestamp,
  formatValue,
  SEVERITIES,
  STATUSES,
  severityRank,
} from '../../src/ui/static/lib/format.js';

const T = Date.UTC(2026, 2, 1, 12, 3, 4);

describe('format', () => {
  it('mirrors the statuses and severities of the model', () => {
    expect(STATUSES).toEqual(INCIDENT_STATUSES);
    expect(SEVERITIES).toEqual(SEVERITY_ORDER);
  });

  it.each([
    [T, '2026-03-01 12:03:04 UTC'],
    [Date.UTC(1999, 11, 31, 23, 59, 59, 999), '1999-12-31 23:59:59 UTC'],
    [Number.NaN, '—'],
  ])('formatTimestamp(%s) = %s', (ms, text) => {
    expect(formatTimestamp(ms)).toBe(text);
  });

  it('formatClock keeps the time of day', () => {
    expect(formatClock(T)).toBe('12:03:04');
    expect(formatClock(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it.each([
    [0, '0 s'],
    [59_999, '59 s'],
    [60_000, '1 min'],
    [-3_599_999, '59 min'],
    [3_600_000, '1 h'],
    [47 * 3_600_000, '47 h'],
    [48 * 3_600_000, '2 d'],
  ])('formatDuration(%s) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [T, T + 4_999, 'just now'],
    [T, T + 5_000, '5 s ago'],
    [T, T + 12 * 60_000, '12 min ago'],
    [T + 3 * 3_600_000, T, 'in 3 h'],
    [Number.NaN, T, '—'],
  ])('formatRelative(%s, %s) = %s', (ms, now, text) => {
    expect(formatRelative(ms, now)).toBe(text);
  });

  it.each([
    [0.823, '82%'],
    [1, '100%'],
    [0, '0%'],
    [null, '—'],
    [undefined, '—'],
    [Number.NaN, '—'],
  ])('formatPercent(%s) = %s', (x, text) => {
    expect(formatPercent(x)).toBe(text);
  });

  it.each([
    [1234.5678, '1235'],
    [250, '250'],
    [0.012345, '0.01235'],
    [42.123456, '42.12'],
    [-7.5, '-7.5'],
    [0, '0'],
    [2_500_000, '2.5e+6'],
    [1_000_000, '1e+6'],
    [0.00001234, '1.2e-5'],
    [Number.NaN, '—'],
  ])('formatValue(%s) = %s', (x, text) => {
    expect(formatValue(x)).toBe(text);
  });

  it('ranks severities from low to critical', () => {
    expect(['low', 'medium', 'high', 'critical', 'bogus'].map(severityRank)).toEqual([0, 1, 2, 3, -1]);
  });
});
