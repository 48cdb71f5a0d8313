import { createHash } from 'node:crypto';
import type { ActionKind, ActionStatus } from '../../model/action-event.js';

/**
 * Deterministic action-event id (24 hex chars of SHA-256 over incident, revision, kind, target, step and
 * status): the same decision for the same revision always gets the same id, so re-delivery can be
 * de-duplicated downstream and in the incident store.
 */
export function actionEventId(parts: {
  readonly incidentId: string;
  readonly revision: number;
  readonly kind: ActionKind;
  readonly target: string;
  readonly step: string | null;
  readonly status: ActionStatus;
}): string {
  return createHash('sha256')
    .update(
      [parts.incidentId, parts.revision, parts.kind, parts.target, parts.step ?? '', parts.status].join(
        '\u0000',
      ),
    )
    .digest('hex')
    .slice(0, 24);
}

/** Incident fingerprint used for de-duplication downstream (PagerDuty `dedup_key`): 32 hex chars. */
export function incidentFingerprint(incidentId: string): string {
  return createHash('sha256').update(`vigil-incident\u0000${incidentId}`).digest('hex').slice(0, 32);
}
