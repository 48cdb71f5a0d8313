import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMIT,
  DEFAULT_POLL_MS,
  filtersToSearch,
  incidentPageHref,
  incidentsPath,
  type ListFilters,
  pollIntervalMs,
  readFilters,
} from '../../src/ui/static/lib/list-query.js';

const none: ListFilters = { status: '', severity: '', service: '', limit: DEFAULT_LIMIT };

describe('list filters', () => {
  it('reads known values and ignores unknown ones', () => {
    expect(readFilters('?status=open&severity=critical&service=%20orders%20&limit=100')).toEqual({
      status: 'open',
      severity: 'critical',
      service: 'orders',
      limit: 100,
    });
    expect(readFilters('status=closed&severity=huge&limit=ten')).toEqual(none);
    expect(readFilters('')).toEqual(none);
  });

  it.each([
    ['0', 1],
    ['501', 500],
    ['-5', DEFAULT_LIMIT],
    ['7.5', DEFAULT_LIMIT],
  ])('clamps limit=%s to %s', (raw, limit) => {
    expect(readFilters(`?limit=${raw}`).limit).toBe(limit);
  });

  it('writes only what differs from the defaults, and reads it back', () => {
    expect(filtersToSearch(none)).toBe('');
    const filters: ListFilters = {
      status: 'awaiting-approval',
      severity: 'high',
      service: 'a&b c',
      limit: 150,
    };
    const search = filtersToSearch(filters);
    expect(search).toBe('?status=awaiting-approval&severity=high&service=a%26b+c&limit=150');
    expect(readFilters(search)).toEqual(filters);
  });

  it('asks the API for the filtered page', () => {
    expect(incidentsPath(none)).toBe('/api/v1/incidents?limit=50');
    expect(incidentsPath({ status: 'open', severity: 'low', service: 'db/x', limit: 10 })).toBe(
      '/api/v1/incidents?status=open&severity=low&service=db%2Fx&limit=10',
    );
  });

  it.each([
    ['', DEFAULT_POLL_MS],
    ['?poll=1000', 1000],
    ['?poll=10', 500],
    ['?poll=999999', 60_000],
    ['?poll=abc', DEFAULT_POLL_MS],
  ])('poll interval of %j is %s ms', (search, ms) => {
    expect(pollIntervalMs(search)).toBe(ms);
  });

  it('links to the incident page with the id encoded', () => {
    expect(incidentPageHref('inc/1 2')).toBe('/ui/incident.html?id=inc%2F1%202');
  });
});
