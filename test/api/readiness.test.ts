import { describe, expect, it } from 'vitest';
import { runReadinessChecks } from '../../src/api/readiness.js';
import { fakeCheck } from './support/api-fixture.js';

describe('runReadinessChecks', () => {
  it('is ready when every check answers, with each latency from the clock', async () => {
    // Both start (clock 5, 10) before either ends (15, 20): they run in parallel.
    let t = 0;
    const report = await runReadinessChecks([fakeCheck('a'), fakeCheck('b')], 1000, () => (t += 5));
    expect(report.status).toBe('ready');
    expect(report.checks.map((c) => c.name)).toEqual(['a', 'b']);
    for (const check of report.checks) expect(check).toMatchObject({ status: 'ok', latencyMs: 10 });
  });

  it('runs the checks in parallel and aborts the one that times out', async () => {
    let aborted = false;
    const report = await runReadinessChecks(
      [
        fakeCheck('slow-but-in-time', { delayMs: 30 }),
        {
          name: 'hangs',
          check: (signal) =>
            new Promise(() => {
              signal.addEventListener('abort', () => {
                aborted = true;
              });
            }),
        },
        { name: 'throws a string', check: () => Promise.reject('nope') },
      ],
      60,
    );
    expect(report.status).toBe('not-ready');
    expect(report.checks).toEqual([
      expect.objectContaining({ name: 'slow-but-in-time', status: 'ok' }),
      expect.objectContaining({ name: 'hangs', status: 'failed', error: 'no answer within 60 ms' }),
      expect.objectContaining({ name: 'throws a string', status: 'failed', error: 'nope' }),
    ]);
    expect(aborted).toBe(true);
  });
});
