import type { ActionEvent } from '../model/action-event.js';
import type { HypothesisEvent } from '../model/hypothesis-event.js';

const time = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const percent = (x: number) => `${Math.round(x * 100)}%`;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** How an action reads in the demo: what happened, in words. */
export function describeAction(action: ActionEvent): string {
  const where = action.step ? `${action.runbook}/${action.step}` : (action.runbook ?? action.target);
  switch (action.kind) {
    case 'alert':
    case 'alert-update':
      return `${action.kind} → ${action.target}: ${action.status === 'ok' ? 'sent' : 'FAILED'} (${action.detail}, ${action.attempts} attempt${action.attempts === 1 ? '' : 's'})`;
    case 'suppressed':
      return action.detail.startsWith('cooldown')
        ? `alert → ${action.target}: later revision held back by the cooldown (event time)`
        : `alert → ${action.target}: ${action.detail}`;
    case 'runbook-plan':
      return `runbook ${action.runbook} on ${action.target}: ${action.detail}`;
    case 'runbook-dry-run':
      return `dry-run ${where}: ${action.detail}`;
    default:
      return `${action.kind} ${where}: ${action.status} (${action.detail})`;
  }
}

/**
 * The demo's report of one incident: its latest revision (anomalies, similar past incidents, ranked
 * hypotheses, top component) and every action taken on it (identical lines counted once, with ×n).
 */
export function formatIncidentReport(
  event: HypothesisEvent,
  actions: readonly ActionEvent[],
  options: { readonly degradedContexts: number },
): string[] {
  const i = event.incident;
  const lines = [
    `incident ${i.id} on ${i.components.join(', ') || i.correlationKey}: ${i.anomalyIds.length} anomal${i.anomalyIds.length === 1 ? 'y' : 'ies'} on ${i.series.length} series, severity ${i.severity}, ${time(i.openedAtMs)} → ${time(i.lastAnomalyAtMs)}, revision ${event.revision}`,
  ];
  lines.push(
    event.similar.length > 0
      ? '  similar past incidents:'
      : `  similar past incidents: none${options.degradedContexts > 0 ? ` (${options.degradedContexts} context(s) degraded)` : ''}`,
  );
  for (const s of event.similar.slice(0, 3)) {
    lines.push(
      `    ${s.similarity.toFixed(2)} ${s.id}: ${clip(s.summary, 70)} — root cause: ${clip(s.rootCause, 60)}`,
    );
  }
  const engine = event.engine === 'llm' ? 'LLM' : 'rules';
  lines.push(
    `  hypotheses (${engine}${event.fallbackReason ? `; LLM not used: ${event.fallbackReason}` : ''}):`,
  );
  event.hypotheses.slice(0, 3).forEach((h, n) => {
    lines.push(
      `    ${n + 1}. ${percent(h.confidence).padStart(4)} ${h.cause}${h.component ? ` [${h.component}]` : ''}${h.ruleId ? ` (rule ${h.ruleId})` : ''}`,
    );
  });
  const top = event.rankedComponents[0];
  if (top) lines.push(`  top component: ${top.component} (score ${top.score.toFixed(2)})`);
  lines.push('  actions:');
  const counted = new Map<string, number>();
  for (const a of actions) {
    const line = describeAction(a);
    counted.set(line, (counted.get(line) ?? 0) + 1);
  }
  for (const [line, n] of counted) lines.push(`    ${line}${n > 1 ? ` (×${n})` : ''}`);
  if (counted.size === 0) lines.push('    none');
  return lines;
}

/** Totals of the demo's summary. */
export interface ActionTotals {
  readonly alertsSent: number;
  readonly alertsFailed: number;
  readonly notSent: number;
  readonly suppressedByCooldown: number;
  readonly dryRunSteps: number;
  readonly executedSteps: number;
}

/** Counts the actions by what they mean for an operator. */
export function actionTotals(actions: readonly ActionEvent[]): ActionTotals {
  const count = (p: (a: ActionEvent) => boolean) => actions.filter(p).length;
  const isAlert = (a: ActionEvent) => a.kind === 'alert' || a.kind === 'alert-update';
  return {
    alertsSent: count((a) => isAlert(a) && a.status === 'ok'),
    alertsFailed: count((a) => isAlert(a) && a.status === 'failed'),
    notSent: count((a) => a.kind === 'suppressed' && a.detail.startsWith('not sent')),
    suppressedByCooldown: count((a) => a.kind === 'suppressed' && a.detail.startsWith('cooldown')),
    dryRunSteps: count((a) => a.kind === 'runbook-dry-run'),
    executedSteps: count((a) => a.kind === 'runbook-execute'),
  };
}
