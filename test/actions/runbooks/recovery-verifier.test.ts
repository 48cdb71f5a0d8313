import { describe, expect, it } from 'vitest';
import { eventTimeVerifier, type RecoveryCheck } from '../../../src/actions/runbooks/recovery-verifier.js';

const base: RecoveryCheck = {
  incidentId: 'i',
  runbookId: 'rb',
  series: ['s1', 's2'],
  executedAtMs: 1000,
  deadlineMs: 2000,
  observedThroughMs: 1500,
  recurrences: [],
};

describe('event-time recovery verifier', () => {
  it.each([
    { name: 'pending before the deadline without recurrence', check: {}, expected: 'pending' },
    {
      name: 'recovered once the watermark reaches the deadline',
      check: { observedThroughMs: 2000 },
      expected: 'recovered',
    },
    {
      name: 'not recovered on a recurrence before the deadline, even before the watermark passes it',
      check: { recurrences: [{ anomalyId: 'a', series: 's2', timestampMs: 1999 }] },
      expected: 'not-recovered',
    },
    {
      name: 'a recurrence exactly at the deadline counts',
      check: { observedThroughMs: 3000, recurrences: [{ anomalyId: 'a', series: 's1', timestampMs: 2000 }] },
      expected: 'not-recovered',
    },
    {
      name: 'a recurrence after the deadline does not count',
      check: { observedThroughMs: 3000, recurrences: [{ anomalyId: 'a', series: 's1', timestampMs: 2001 }] },
      expected: 'recovered',
    },
    {
      name: 'an anomaly at the execution time does not count',
      check: { observedThroughMs: 3000, recurrences: [{ anomalyId: 'a', series: 's1', timestampMs: 1000 }] },
      expected: 'recovered',
    },
    {
      name: 'an anomaly on another series does not count',
      check: {
        observedThroughMs: 3000,
        recurrences: [{ anomalyId: 'a', series: 'other', timestampMs: 1500 }],
      },
      expected: 'recovered',
    },
  ])('$name', async ({ check, expected }) => {
    const verdict = await eventTimeVerifier.verify({ ...base, ...check });
    expect(verdict.status).toBe(expected);
  });
});
