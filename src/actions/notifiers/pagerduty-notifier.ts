import type { Severity } from '../../model/anomaly-event.js';
import type { HttpDelivery } from './http-delivery.js';
import { type IncidentNotification, incidentHeadline, type Notifier } from './notifier.js';

/** Default PagerDuty Events API v2 endpoint. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** A PagerDuty Events API v2 `trigger` event. */
export interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger';
  readonly dedup_key: string;
  readonly payload: {
    readonly summary: string;
    readonly source: string;
    readonly severity: 'critical' | 'error' | 'warning' | 'info';
    readonly timestamp: string;
    readonly component?: string;
    readonly group: string;
    readonly class: string;
    readonly custom_details: Record<string, unknown>;
  };
}

const PD_SEVERITY: Readonly<Record<Severity, PagerDutyEvent['payload']['severity']>> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
};

/**
 * Builds the PagerDuty event of a notification (pure). First pages and updates are both `trigger`
 * events with the same `dedup_key` (the incident fingerprint), so PagerDuty keeps one incident and
 * updates it.
 */
export function pagerDutyEvent(n: IncidentNotification, routingKey: string, source: string): PagerDutyEvent {
  const top = n.hypotheses[0];
  const component = top?.component ?? n.incident.components[0];
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: n.fingerprint,
    payload: {
      summary: incidentHeadline(n).slice(0, 1024),
      source,
      severity: PD_SEVERITY[n.incident.severity],
      timestamp: new Date(n.eventTimeMs).toISOString(),
      ...(component ? { component } : {}),
      group: n.incident.correlationKey,
      class: top?.cause ?? 'anomaly',
      custom_details: {
        incident: n.incident.id,
        revision: n.revision,
        series: n.incident.series,
        hypotheses: n.hypotheses.slice(0, 3).map((h) => ({ cause: h.cause, confidence: h.confidence })),
        policy: n.policy,
        runbook: n.runbook,
      },
    },
  };
}

/** Sends notifications as PagerDuty Events API v2 triggers. */
export function createPagerDutyNotifier(
  delivery: HttpDelivery,
  options: { readonly routingKey: string; readonly source: string },
): Notifier {
  return {
    target: 'pagerduty',
    notify: (n) => delivery.post(pagerDutyEvent(n, options.routingKey, options.source)),
    shutdown: () => delivery.shutdown(),
  };
}
