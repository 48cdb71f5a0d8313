import type { Runbook, RunbookStep } from './runbook-catalog.js';

/** One step to rehearse, execute or undo. */
export interface RunbookStepRequest {
  readonly incidentId: string;
  readonly runbook: Runbook;
  readonly step: RunbookStep;
  /** What the step acts on (the blamed component). */
  readonly target: string;
}

/** Outcome of one step. */
export interface StepOutcome {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * The port that carries out remediation. Implementations must be idempotent per (incident, runbook,
 * step): a record re-delivered after a crash may ask for the same step again.
 */
export interface RunbookExecutor {
  /** Describes what the step would do, without doing it. */
  dryRun(request: RunbookStepRequest): Promise<StepOutcome> | StepOutcome;
  execute(request: RunbookStepRequest): Promise<StepOutcome> | StepOutcome;
  /** Undoes an executed step (its `undo`); a step without `undo` has nothing to undo. */
  rollback(request: RunbookStepRequest): Promise<StepOutcome> | StepOutcome;
}

/** One call the recording executor received. */
export interface RecordedStep {
  readonly mode: 'dry-run' | 'execute' | 'rollback';
  readonly incidentId: string;
  readonly runbook: string;
  readonly step: string;
  readonly target: string;
  readonly description: string;
}

function describe(action: string, target: string, params: Readonly<Record<string, unknown>>): string {
  const args = Object.entries(params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return `${action} ${target}${args ? ` (${args})` : ''}`;
}

/**
 * The default executor: simulated, no side effects. It only records what it would do and answers `ok`.
 * `log` lists every call in order.
 */
export function createRecordingExecutor(): RunbookExecutor & { readonly log: readonly RecordedStep[] } {
  const log: RecordedStep[] = [];
  const record = (mode: RecordedStep['mode'], r: RunbookStepRequest, description: string): StepOutcome => {
    log.push({
      mode,
      incidentId: r.incidentId,
      runbook: r.runbook.id,
      step: r.step.name,
      target: r.target,
      description,
    });
    return { ok: true, detail: description };
  };
  return {
    log,
    dryRun: (r) => record('dry-run', r, `would ${describe(r.step.action, r.target, r.step.params)}`),
    execute: (r) => record('execute', r, `simulated ${describe(r.step.action, r.target, r.step.params)}`),
    rollback: (r) =>
      r.step.undo
        ? record('rollback', r, `simulated ${describe(r.step.undo.action, r.target, r.step.undo.params)}`)
        : record('rollback', r, `nothing to undo for ${r.step.name}`),
  };
}
