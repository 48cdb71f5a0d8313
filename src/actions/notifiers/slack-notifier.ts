import type { HttpDelivery } from './http-delivery.js';
import { type IncidentNotification, incidentHeadline, type Notifier } from './notifier.js';

/** A Slack incoming-webhook message: fallback `text` plus Block Kit `blocks`. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text: text.slice(0, 2900) });

/** Builds the Slack message of a notification (pure). */
export function slackMessage(n: IncidentNotification): SlackMessage {
  const headline = incidentHeadline(n);
  const hypotheses = n.hypotheses
    .slice(0, 3)
    .map(
      (h, i) =>
        `${i + 1}. *${h.cause}*${h.component ? ` on \`${h.component}\`` : ''} — ${Math.round(h.confidence * 100)}%`,
    )
    .join('\n');
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: headline.slice(0, 150) } },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Severity*\n${n.incident.severity}`),
        mrkdwn(`*Revision*\n${n.revision}`),
        mrkdwn(`*Series*\n${n.incident.series.slice(0, 10).join('\n') || '—'}`),
        mrkdwn(`*Components*\n${n.incident.components.join(', ') || '—'}`),
      ],
    },
  ];
  if (hypotheses) blocks.push({ type: 'section', text: mrkdwn(`*Hypotheses*\n${hypotheses}`) });
  const steps = n.hypotheses[0]?.steps ?? [];
  if (steps.length > 0) {
    blocks.push({ type: 'section', text: mrkdwn(`*Investigate*\n${steps.map((s) => `• ${s}`).join('\n')}`) });
  }
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        `policy \`${n.policy}\`${n.runbook ? ` · runbook \`${n.runbook}\`` : ''} · fingerprint \`${n.fingerprint}\``,
      ),
    ],
  });
  return { text: headline, blocks };
}

/** Posts notifications to a Slack incoming webhook. */
export function createSlackNotifier(delivery: HttpDelivery): Notifier {
  return {
    target: 'slack',
    notify: (n) => delivery.post(slackMessage(n)),
    shutdown: () => delivery.shutdown(),
  };
}
