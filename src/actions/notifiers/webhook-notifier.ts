import { createHmac } from 'node:crypto';
import type { HttpDelivery } from './http-delivery.js';
import type { IncidentNotification, Notifier } from './notifier.js';

/** Header carrying `sha256=<hex HMAC of the body>` when the webhook has a secret. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-vigil-signature';

/** The JSON body of a generic webhook: the incident and its hypotheses. */
export function webhookBody(n: IncidentNotification): Record<string, unknown> {
  return {
    kind: n.kind,
    fingerprint: n.fingerprint,
    revision: n.revision,
    eventTime: new Date(n.eventTimeMs).toISOString(),
    policy: n.policy,
    runbook: n.runbook,
    incident: n.incident,
    hypotheses: n.hypotheses,
    rankedComponents: n.rankedComponents,
    similar: n.similar,
  };
}

/**
 * Posts notifications to a generic webhook, target `webhook:<name>`. With a `secret` the body is signed
 * (HMAC-SHA256 in `x-vigil-signature`) so the receiver can authenticate it.
 */
export function createWebhookNotifier(
  name: string,
  delivery: HttpDelivery,
  options: { readonly secret?: string | undefined } = {},
): Notifier {
  return {
    target: `webhook:${name}`,
    notify(n) {
      const body = webhookBody(n);
      if (!options.secret) return delivery.post(body);
      const signature = createHmac('sha256', options.secret).update(JSON.stringify(body)).digest('hex');
      return delivery.post(body, { [WEBHOOK_SIGNATURE_HEADER]: `sha256=${signature}` });
    },
    shutdown: () => delivery.shutdown(),
  };
}
