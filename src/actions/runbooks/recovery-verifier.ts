/** An anomaly seen on one of the incident's series after the runbook executed. */
export interface Recurrence {
  readonly anomalyId: string;
  readonly series: string;
  /** Event time (ms). */
  readonly timestampMs: number;
}

/** What a verifier is asked: did these series recover by the deadline? */
export interface RecoveryCheck {
  readonly incidentId: string;
  readonly runbookId: string;
  readonly series: readonly string[];
  /** Event time of execution (ms). */
  readonly executedAtMs: number;
  /** Event time by which the series must have recovered (ms). */
  readonly deadlineMs: number;
  /** The stage's event-time watermark: the latest anomaly time it has seen on the partition (ms). */
  readonly observedThroughMs: number;
  /** Anomalies on the incident's series after execution, as observed by the stage. */
  readonly recurrences: readonly Recurrence[];
}

/** `pending` = not decidable yet; ask again on a later event. */
export type RecoveryVerdict =
  | { readonly status: 'recovered'; readonly detail: string }
  | { readonly status: 'not-recovered'; readonly detail: string }
  | { readonly status: 'pending' };

/** The port that decides whether remediation worked (e.g. a metrics query in production). */
export interface RecoveryVerifier {
  verify(check: RecoveryCheck): Promise<RecoveryVerdict> | RecoveryVerdict;
}

/**
 * The default verifier, driven by event time only (deterministic; a replay gives the same verdicts):
 * not recovered as soon as an anomaly on one of the series arrived in (executedAt, deadline]; recovered
 * once the watermark passed the deadline without one; pending otherwise.
 */
export const eventTimeVerifier: RecoveryVerifier = {
  verify(check) {
    const watched = new Set(check.series);
    const hit = check.recurrences.find(
      (r) => watched.has(r.series) && r.timestampMs > check.executedAtMs && r.timestampMs <= check.deadlineMs,
    );
    if (hit) {
      return {
        status: 'not-recovered',
        detail: `${hit.series} was anomalous again at ${new Date(hit.timestampMs).toISOString()} (anomaly ${hit.anomalyId}), before the deadline ${new Date(check.deadlineMs).toISOString()}`,
      };
    }
    if (check.observedThroughMs >= check.deadlineMs) {
      return {
        status: 'recovered',
        detail: `no anomaly on ${check.series.join(', ')} between execution and the deadline ${new Date(check.deadlineMs).toISOString()}`,
      };
    }
    return { status: 'pending' };
  },
};

/** Decision on a run waiting for approval. */
export type ApprovalDecision =
  | { readonly status: 'approved'; readonly by: string }
  | { readonly status: 'rejected'; readonly by: string }
  | { readonly status: 'pending' };

/** The port approvals come through (a chat command, the API…); asked on each later event of the incident. */
export interface ApprovalPort {
  decision(request: {
    readonly incidentId: string;
    readonly runbookId: string;
    readonly blastRadius: number;
  }): Promise<ApprovalDecision> | ApprovalDecision;
}

/** The default: nobody approves, runs above the blast radius wait. */
export const noApprovals: ApprovalPort = { decision: () => ({ status: 'pending' }) };
