import { describe, expect, it } from 'vitest';
import {
  advanceRunbook,
  planRunbook,
  type RunbookInput,
  type RunbookPhase,
  type RunbookPlanInput,
  type RunbookRun,
  TERMINAL_PHASES,
} from '../../../src/actions/runbooks/runbook-lifecycle.js';

const plan: RunbookPlanInput = {
  runbookId: 'rb',
  target: 'svc',
  mode: 'execute',
  blastRadius: 0.2,
  approvalAboveBlastRadius: 0.25,
  steps: ['a', 'b', 'c'],
  series: ['s1'],
  verifyWithinMs: 1000,
};

function runIn(phase: RunbookPhase, over: Partial<RunbookRun> = {}): RunbookRun {
  return { ...planRunbook(plan).run, phase, ...over };
}

const executedAll: RunbookInput = {
  type: 'executed',
  completedSteps: ['a', 'b', 'c'],
  failedStep: null,
  atMs: 5000,
};
const executedPartly: RunbookInput = { type: 'executed', completedSteps: ['a'], failedStep: 'b', atMs: 5000 };
const executedNone: RunbookInput = { type: 'executed', completedSteps: [], failedStep: 'a', atMs: 5000 };

interface Row {
  readonly name: string;
  readonly from: RunbookRun;
  readonly input: RunbookInput;
  readonly to: RunbookPhase;
  /** kind/status of the lifecycle records */
  readonly records: readonly string[];
  readonly effect: string | null;
  readonly invalid?: boolean;
}

const table: Row[] = [
  {
    name: 'dry-run mode stops after the rehearsal',
    from: runIn('planned', { mode: 'dry-run' }),
    input: { type: 'dry-run-done', ok: true },
    to: 'dry-run',
    records: [],
    effect: null,
  },
  {
    name: 'failed rehearsal never executes',
    from: runIn('planned'),
    input: { type: 'dry-run-done', ok: false },
    to: 'failed',
    records: ['runbook-dry-run/failed'],
    effect: null,
  },
  {
    name: 'execute mode within blast radius executes all steps',
    from: runIn('planned'),
    input: { type: 'dry-run-done', ok: true },
    to: 'executing',
    records: [],
    effect: 'execute:a,b,c',
  },
  {
    name: 'blast radius equal to the threshold needs no approval',
    from: runIn('planned', { blastRadius: 0.25 }),
    input: { type: 'dry-run-done', ok: true },
    to: 'executing',
    records: [],
    effect: 'execute:a,b,c',
  },
  {
    name: 'blast radius above the threshold waits for approval',
    from: runIn('planned', { blastRadius: 0.5 }),
    input: { type: 'dry-run-done', ok: true },
    to: 'awaiting-approval',
    records: ['approval-required/pending'],
    effect: null,
  },
  {
    name: 'approval executes',
    from: runIn('awaiting-approval'),
    input: { type: 'approved', by: 'alice' },
    to: 'executing',
    records: ['approval-required/ok'],
    effect: 'execute:a,b,c',
  },
  {
    name: 'rejection ends the run',
    from: runIn('awaiting-approval'),
    input: { type: 'rejected', by: 'bob' },
    to: 'rejected',
    records: ['approval-required/skipped'],
    effect: null,
  },
  {
    name: 'successful execution waits for verification',
    from: runIn('executing'),
    input: executedAll,
    to: 'verifying',
    records: [],
    effect: null,
  },
  {
    name: 'failed execution rolls back the completed steps in reverse',
    from: runIn('executing'),
    input: executedPartly,
    to: 'rolling-back',
    records: [],
    effect: 'rollback:a',
  },
  {
    name: 'failed first step has nothing to roll back',
    from: runIn('executing'),
    input: executedNone,
    to: 'rolled-back',
    records: ['runbook-rollback/skipped'],
    effect: null,
  },
  {
    name: 'recovered series end the run',
    from: runIn('verifying', { executedSteps: ['a', 'b', 'c'] }),
    input: { type: 'verified', verdict: 'recovered', detail: 'ok' },
    to: 'recovered',
    records: ['runbook-verify/ok'],
    effect: null,
  },
  {
    name: 'not recovered rolls back every step in reverse',
    from: runIn('verifying', { executedSteps: ['a', 'b', 'c'] }),
    input: { type: 'verified', verdict: 'not-recovered', detail: 'again' },
    to: 'rolling-back',
    records: ['runbook-verify/failed'],
    effect: 'rollback:c,b,a',
  },
  {
    name: 'rollback done',
    from: runIn('rolling-back'),
    input: { type: 'rolled-back', ok: true, detail: '' },
    to: 'rolled-back',
    records: [],
    effect: null,
  },
  {
    name: 'rollback failed',
    from: runIn('rolling-back'),
    input: { type: 'rolled-back', ok: false, detail: '' },
    to: 'failed',
    records: [],
    effect: null,
  },
  {
    name: 'approval in planned is invalid',
    from: runIn('planned'),
    input: { type: 'approved', by: 'x' },
    to: 'planned',
    records: [],
    effect: null,
    invalid: true,
  },
  {
    name: 'verdict while executing is invalid',
    from: runIn('executing'),
    input: { type: 'verified', verdict: 'recovered', detail: '' },
    to: 'executing',
    records: [],
    effect: null,
    invalid: true,
  },
  {
    name: 'terminal phases ignore inputs',
    from: runIn('recovered'),
    input: { type: 'verified', verdict: 'not-recovered', detail: '' },
    to: 'recovered',
    records: [],
    effect: null,
    invalid: true,
  },
  {
    name: 'dry-run is terminal',
    from: runIn('dry-run'),
    input: { type: 'approved', by: 'x' },
    to: 'dry-run',
    records: [],
    effect: null,
    invalid: true,
  },
];

describe('runbook lifecycle (pure state machine)', () => {
  it.each(table)('$name', (row) => {
    const t = advanceRunbook(row.from, row.input);
    expect(t.run.phase).toBe(row.to);
    expect(t.records.map((r) => `${r.kind}/${r.status}`)).toEqual(row.records);
    expect(t.effect ? `${t.effect.type}:${t.effect.steps.join(',')}` : null).toBe(row.effect);
    expect(t.invalid !== undefined).toBe(row.invalid ?? false);
    if (row.invalid) expect(t.run).toBe(row.from);
  });

  it('plans with a plan record and the dry-run effect', () => {
    const t = planRunbook({ ...plan, blastRadius: 0.5 });
    expect(t.run.phase).toBe('planned');
    expect(t.records).toHaveLength(1);
    expect(t.records[0]!.kind).toBe('runbook-plan');
    expect(t.records[0]!.detail).toContain('approval required');
    expect(t.effect).toEqual({ type: 'dry-run', steps: ['a', 'b', 'c'] });
  });

  it('sets the verification deadline from the execution event time', () => {
    const t = advanceRunbook(runIn('executing'), executedAll);
    expect(t.run.executedAtMs).toBe(5000);
    expect(t.run.deadlineMs).toBe(6000);
    expect(t.run.executedSteps).toEqual(['a', 'b', 'c']);
  });

  it('every path from planned reaches a terminal phase', () => {
    // Drive the machine with every possible effect outcome; no path may loop or stall without input.
    const outcomes = (run: RunbookRun): RunbookInput[] => {
      switch (run.phase) {
        case 'planned':
          return [
            { type: 'dry-run-done', ok: true },
            { type: 'dry-run-done', ok: false },
          ];
        case 'awaiting-approval':
          return [
            { type: 'approved', by: 'a' },
            { type: 'rejected', by: 'b' },
          ];
        case 'executing':
          return [executedAll, executedPartly, executedNone];
        case 'verifying':
          return [
            { type: 'verified', verdict: 'recovered', detail: '' },
            { type: 'verified', verdict: 'not-recovered', detail: '' },
          ];
        case 'rolling-back':
          return [
            { type: 'rolled-back', ok: true, detail: '' },
            { type: 'rolled-back', ok: false, detail: '' },
          ];
        default:
          return [];
      }
    };
    const reached = new Set<RunbookPhase>();
    const walk = (run: RunbookRun, depth: number) => {
      expect(depth).toBeLessThan(10);
      const next = outcomes(run);
      if (next.length === 0) {
        expect(TERMINAL_PHASES.has(run.phase)).toBe(true);
        reached.add(run.phase);
        return;
      }
      for (const input of next) {
        const t = advanceRunbook(run, input);
        expect(t.invalid).toBeUndefined();
        walk(t.run, depth + 1);
      }
    };
    for (const mode of ['dry-run', 'execute'] as const) {
      for (const blastRadius of [0.1, 0.9]) walk(planRunbook({ ...plan, mode, blastRadius }).run, 0);
    }
    expect([...reached].sort()).toEqual(['dry-run', 'failed', 'recovered', 'rejected', 'rolled-back']);
  });
});
