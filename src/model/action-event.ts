/** What kind of step an action event records. */
export type ActionKind =
  | 'alert'
  | 'alert-update'
  | 'suppressed'
  | 'runbook-plan'
  | 'runbook-dry-run'
  | 'approval-required'
  | 'runbook-execute'
  | 'runbook-verify'
  | 'runbook-rollback';

/** Outcome of an action step. */
export type ActionStatus = 'ok' | 'failed' | 'skipped' | 'pending';

/** Output of the action stage (`actions` topic): every alert and every runbook step is one event. */
export interface ActionEvent {
  /** Deterministic: incident, kind, target and revision. */
  readonly id: string;
  readonly incidentId: string;
  readonly kind: ActionKind;
  /** Where it went or what it acted on: `slack`, `pagerduty`, `webhook:<name>`, a runbook target… */
  readonly target: string;
  readonly status: ActionStatus;
  /** Human-readable outcome (HTTP status, error, what the simulated step did). */
  readonly detail: string;
  /** Delivery attempts made (notifications), 1 for runbook steps. */
  readonly attempts: number;
  /** When it happened (ms since epoch, from the stage's clock). */
  readonly atMs: number;
  readonly runbook: string | null;
  readonly step: string | null;
}
