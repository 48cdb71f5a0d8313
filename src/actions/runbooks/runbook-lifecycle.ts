/**
 * The runbook lifecycle as a pure state machine: plan → dry-run → (approval when the blast radius is
 * above the threshold) → execute → verify → recovered, or roll back. `advanceRunbook` maps a state and an
 * input to the next state, the lifecycle records to publish, and at most one effect for the caller to
 * perform (dry-run, execute or roll back steps); the caller feeds the effect's outcome back as the next
 * input. No I/O, no clock.
 */
import type { ActionKind, ActionStatus } from '../../model/action-event.js';

/** Where a runbook run stands. Terminal: `dry-run`, `recovered`, `rolled-back`, `rejected`, `failed`. */
export type RunbookPhase =
  | 'planned'
  | 'dry-run'
  | 'awaiting-approval'
  | 'executing'
  | 'verifying'
  | 'rolling-back'
  | 'recovered'
  | 'rolled-back'
  | 'rejected'
  | 'failed';

/** Phases after which nothing more happens. */
export const TERMINAL_PHASES: ReadonlySet<RunbookPhase> = new Set([
  'dry-run',
  'recovered',
  'rolled-back',
  'rejected',
  'failed',
]);

/** `dry-run` stops after the rehearsal; `execute` goes on to (simulated) execution. */
export type RunbookMode = 'dry-run' | 'execute';

/** The serialisable state of one runbook run (kept in the act stage's keyed state). */
export interface RunbookRun {
  readonly runbookId: string;
  /** What the runbook acts on (the blamed component). */
  readonly target: string;
  readonly phase: RunbookPhase;
  readonly mode: RunbookMode;
  /** Share of the service the runbook touches, in [0, 1]. */
  readonly blastRadius: number;
  /** Approval is required when `blastRadius` is strictly above this. */
  readonly approvalAboveBlastRadius: number;
  /** Step names in execution order. */
  readonly steps: readonly string[];
  /** Steps that executed successfully, in order; a rollback undoes them in reverse. */
  readonly executedSteps: readonly string[];
  /** Series whose recovery is verified. */
  readonly series: readonly string[];
  readonly verifyWithinMs: number;
  /** Event time of execution (ms), once executed. */
  readonly executedAtMs: number | null;
  /** Event time by which the series must have recovered (ms), once executed. */
  readonly deadlineMs: number | null;
}

/** What the caller must do next. */
export type RunbookEffect =
  | { readonly type: 'dry-run'; readonly steps: readonly string[] }
  | { readonly type: 'execute'; readonly steps: readonly string[] }
  | { readonly type: 'rollback'; readonly steps: readonly string[] };

/** Inputs: outcomes of effects, approval decisions and verification verdicts. */
export type RunbookInput =
  | { readonly type: 'dry-run-done'; readonly ok: boolean }
  | { readonly type: 'approved'; readonly by: string }
  | { readonly type: 'rejected'; readonly by: string }
  | {
      readonly type: 'executed';
      /** Steps that succeeded, in order. */
      readonly completedSteps: readonly string[];
      /** The step that failed, or null when all succeeded. */
      readonly failedStep: string | null;
      /** Event time of the execution (ms). */
      readonly atMs: number;
    }
  | { readonly type: 'verified'; readonly verdict: 'recovered' | 'not-recovered'; readonly detail: string }
  | { readonly type: 'rolled-back'; readonly ok: boolean; readonly detail: string };

/** A lifecycle step the machine itself records (per-step records come from the effects). */
export interface LifecycleRecord {
  readonly kind: ActionKind;
  readonly status: ActionStatus;
  readonly step: string | null;
  readonly detail: string;
}

/** Result of a transition. `invalid` explains an input that does not apply to the phase (state unchanged). */
export interface RunbookTransition {
  readonly run: RunbookRun;
  readonly records: readonly LifecycleRecord[];
  readonly effect: RunbookEffect | null;
  readonly invalid?: string;
}

/** What a run is planned from. */
export interface RunbookPlanInput {
  readonly runbookId: string;
  readonly target: string;
  readonly mode: RunbookMode;
  readonly blastRadius: number;
  readonly approvalAboveBlastRadius: number;
  readonly steps: readonly string[];
  readonly series: readonly string[];
  readonly verifyWithinMs: number;
}

/** Plans a run: phase `planned`, a `runbook-plan` record, and the dry-run effect. */
export function planRunbook(plan: RunbookPlanInput): RunbookTransition {
  const run: RunbookRun = {
    ...plan,
    phase: 'planned',
    executedSteps: [],
    executedAtMs: null,
    deadlineMs: null,
  };
  const approval =
    plan.blastRadius > plan.approvalAboveBlastRadius
      ? `approval required (blast radius ${plan.blastRadius} > ${plan.approvalAboveBlastRadius})`
      : `no approval needed (blast radius ${plan.blastRadius} <= ${plan.approvalAboveBlastRadius})`;
  return {
    run,
    records: [
      {
        kind: 'runbook-plan',
        status: 'ok',
        step: null,
        detail: `plan ${plan.runbookId} on ${plan.target}: ${plan.steps.join(' → ')}; mode ${plan.mode}; ${approval}`,
      },
    ],
    effect: { type: 'dry-run', steps: plan.steps },
  };
}

const stay = (run: RunbookRun, invalid: string): RunbookTransition => ({
  run,
  records: [],
  effect: null,
  invalid,
});

function rollbackFrom(run: RunbookRun, records: LifecycleRecord[]): RunbookTransition {
  if (run.executedSteps.length === 0) {
    return {
      run: { ...run, phase: 'rolled-back' },
      records: [
        ...records,
        {
          kind: 'runbook-rollback',
          status: 'skipped',
          step: null,
          detail: 'nothing executed; nothing to roll back',
        },
      ],
      effect: null,
    };
  }
  return {
    run: { ...run, phase: 'rolling-back' },
    records,
    effect: { type: 'rollback', steps: [...run.executedSteps].reverse() },
  };
}

/** The transition function. Pure; never throws (inputs that do not apply come back as `invalid`). */
export function advanceRunbook(run: RunbookRun, input: RunbookInput): RunbookTransition {
  const where = `${input.type} does not apply in phase ${run.phase}`;
  switch (run.phase) {
    case 'planned':
      if (input.type !== 'dry-run-done') return stay(run, where);
      if (!input.ok) {
        return {
          run: { ...run, phase: 'failed' },
          records: [
            { kind: 'runbook-dry-run', status: 'failed', step: null, detail: 'dry-run failed; not executed' },
          ],
          effect: null,
        };
      }
      if (run.mode === 'dry-run') return { run: { ...run, phase: 'dry-run' }, records: [], effect: null };
      if (run.blastRadius > run.approvalAboveBlastRadius) {
        return {
          run: { ...run, phase: 'awaiting-approval' },
          records: [
            {
              kind: 'approval-required',
              status: 'pending',
              step: null,
              detail: `blast radius ${run.blastRadius} is above ${run.approvalAboveBlastRadius}: ${run.runbookId} on ${run.target} waits for approval`,
            },
          ],
          effect: null,
        };
      }
      return {
        run: { ...run, phase: 'executing' },
        records: [],
        effect: { type: 'execute', steps: run.steps },
      };
    case 'awaiting-approval':
      if (input.type === 'approved') {
        return {
          run: { ...run, phase: 'executing' },
          records: [
            { kind: 'approval-required', status: 'ok', step: null, detail: `approved by ${input.by}` },
          ],
          effect: { type: 'execute', steps: run.steps },
        };
      }
      if (input.type === 'rejected') {
        return {
          run: { ...run, phase: 'rejected' },
          records: [
            { kind: 'approval-required', status: 'skipped', step: null, detail: `rejected by ${input.by}` },
          ],
          effect: null,
        };
      }
      return stay(run, where);
    case 'executing': {
      if (input.type !== 'executed') return stay(run, where);
      const executed = { ...run, executedSteps: input.completedSteps, executedAtMs: input.atMs };
      if (input.failedStep === null) {
        return {
          run: { ...executed, phase: 'verifying', deadlineMs: input.atMs + run.verifyWithinMs },
          records: [],
          effect: null,
        };
      }
      return rollbackFrom(executed, []);
    }
    case 'verifying':
      if (input.type !== 'verified') return stay(run, where);
      if (input.verdict === 'recovered') {
        return {
          run: { ...run, phase: 'recovered' },
          records: [{ kind: 'runbook-verify', status: 'ok', step: null, detail: input.detail }],
          effect: null,
        };
      }
      return rollbackFrom(run, [
        { kind: 'runbook-verify', status: 'failed', step: null, detail: input.detail },
      ]);
    case 'rolling-back':
      if (input.type !== 'rolled-back') return stay(run, where);
      return { run: { ...run, phase: input.ok ? 'rolled-back' : 'failed' }, records: [], effect: null };
    default:
      return stay(run, `${run.phase} is terminal`);
  }
}
