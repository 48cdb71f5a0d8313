import { describe, expect, it } from 'vitest';
import { describeDiff, diffIncidents, type ListedIncident } from '../../src/ui/static/lib/list-diff.js';

function incident(id: string, over: Partial<ListedIncident> = {}): ListedIncident {
  return {
    id,
    revision: 1,
    status: 'open',
    severity: 'high',
    lastAnomalyAtMs: 1000,
    topCause: 'pool exhausted',
    topConfidence: 0.8,
    ...over,
  };
}

describe('diffIncidents', () => {
  it('highlights nothing on the first load', () => {
    expect(diffIncidents(null, [incident('a')])).toEqual({ added: [], changed: [], removed: [] });
  });

  it('finds added, changed and removed incidents in the order of the new list', () => {
    const before = [incident('a'), incident('b'), incident('c')];
    const after = [
      incident('d'),
      incident('c', { revision: 2, lastAnomalyAtMs: 2000 }),
      incident('a'),
      incident('e'),
    ];
    expect(diffIncidents(before, after)).toEqual({ added: ['d', 'e'], changed: ['c'], removed: ['b'] });
  });

  it.each<[string, Partial<ListedIncident>]>([
    ['revision', { revision: 2 }],
    ['status', { status: 'resolved' }],
    ['severity', { severity: 'critical' }],
    ['last activity', { lastAnomalyAtMs: 1001 }],
    ['top cause', { topCause: null }],
    ['confidence', { topConfidence: 0.81 }],
  ])('counts a change of %s', (_field, over) => {
    expect(diffIncidents([incident('a')], [incident('a', over)]).changed).toEqual(['a']);
  });

  it('ignores fields the list does not show', () => {
    const shown = incident('a');
    expect(diffIncidents([shown], [{ ...shown, extra: 'x' } as ListedIncident]).changed).toEqual([]);
  });
});

describe('describeDiff', () => {
  it.each([
    [{ added: [], changed: [], removed: ['x'] }, ''],
    [{ added: ['a'], changed: [], removed: [] }, '1 new incident'],
    [{ added: ['a', 'b'], changed: ['c'], removed: [] }, '2 new incidents, 1 updated'],
    [{ added: [], changed: ['c', 'd'], removed: [] }, '2 updated'],
  ])('%j → %j', (diff, text) => {
    expect(describeDiff(diff)).toBe(text);
  });
});
