import type { SimilarIncident } from '../../model/context-event.js';
import type { Hypothesis, IncidentSummary, RankedComponent } from '../../model/hypothesis-event.js';
import type { DeliveryResult } from './http-delivery.js';

/** What a notifier is asked to send: a first page or an update of the same incident. */
export interface IncidentNotification {
  readonly kind: 'alert' | 'alert-update';
  /** Stable per incident; PagerDuty's `dedup_key`. */
  readonly fingerprint: string;
  readonly incident: IncidentSummary;
  readonly revision: number;
  /** Ranked, most likely first. */
  readonly hypotheses: readonly Hypothesis[];
  readonly rankedComponents: readonly RankedComponent[];
  readonly similar: readonly SimilarIncident[];
  /** Name of the policy that chose this notification. */
  readonly policy: string;
  /** Runbook the policy attached, or null. */
  readonly runbook: string | null;
  /** Event time of the anomaly that triggered this revision (ms since epoch). */
  readonly eventTimeMs: number;
}

/**
 * A notification destination. `target` is how policies name it: `slack`, `pagerduty` or
 * `webhook:<name>`. `notify` never rejects: failures come back as `ok: false`.
 */
export interface Notifier {
  readonly target: string;
  notify(notification: IncidentNotification): Promise<DeliveryResult>;
  /** Releases timers (idempotent). */
  shutdown(): void;
}

/** One line describing an incident, used as the Slack text and the PagerDuty summary. */
export function incidentHeadline(n: IncidentNotification): string {
  const top = n.hypotheses[0];
  const where =
    n.incident.components.length > 0 ? n.incident.components.join(', ') : n.incident.correlationKey;
  const cause = top ? `likely ${top.cause} (${Math.round(top.confidence * 100)}%)` : 'cause unknown';
  const prefix = n.kind === 'alert-update' ? `[update r${n.revision}] ` : '';
  return `${prefix}[${n.incident.severity.toUpperCase()}] incident ${n.incident.id} on ${where}: ${cause}`;
}
