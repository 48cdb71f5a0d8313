import type { RetrySettings } from '../retry-backoff.js';
import { checkDestinationUrl } from './destination-url.js';
import { type BreakerSettings, createHttpDelivery, type HttpDeliveryOptions } from './http-delivery.js';
import type { Notifier } from './notifier.js';
import { createPagerDutyNotifier, PAGERDUTY_EVENTS_URL } from './pagerduty-notifier.js';
import { createSlackNotifier } from './slack-notifier.js';
import { createWebhookNotifier } from './webhook-notifier.js';

/** Destinations and delivery tuning of the notifiers (the `act.notifiers` settings). */
export interface NotifierSettings {
  readonly allowedHosts: readonly string[];
  readonly allowPlainHttp: boolean;
  readonly slack?: { readonly webhookUrl: string } | undefined;
  readonly pagerduty?:
    | {
        readonly routingKey: string;
        readonly eventsUrl?: string | undefined;
        readonly source?: string | undefined;
      }
    | undefined;
  readonly webhooks: Readonly<
    Record<
      string,
      {
        readonly url: string;
        readonly secret?: string | undefined;
        readonly headers?: Readonly<Record<string, string>> | undefined;
      }
    >
  >;
  readonly timeoutMs: number;
  readonly deliveryBudgetMs: number;
  readonly retry: RetrySettings;
  readonly breaker: BreakerSettings;
}

/** Test hooks passed to every delivery. */
export type DeliveryHooks = Pick<HttpDeliveryOptions, 'fetch' | 'random' | 'sleep' | 'now'>;

/**
 * Builds one notifier per configured destination, keyed by target (`slack`, `pagerduty`,
 * `webhook:<name>`), each with its own breaker. Every URL is checked against the allow-list first: a
 * disallowed host throws a ConfigError here, at startup, before anything is sent.
 */
export function createNotifiers(
  settings: NotifierSettings,
  hooks: DeliveryHooks = {},
): Map<string, Notifier> {
  const policy = { allowedHosts: settings.allowedHosts, allowPlainHttp: settings.allowPlainHttp };
  const delivery = (destination: string, url: string, headers?: Readonly<Record<string, string>>) =>
    createHttpDelivery({
      destination,
      url: checkDestinationUrl(destination, url, policy),
      timeoutMs: settings.timeoutMs,
      budgetMs: settings.deliveryBudgetMs,
      retry: settings.retry,
      breaker: settings.breaker,
      ...(headers ? { headers } : {}),
      ...hooks,
    });
  // Validate every URL before creating any breaker, so a refused host leaves no timers behind.
  if (settings.slack) checkDestinationUrl('slack', settings.slack.webhookUrl, policy);
  if (settings.pagerduty) {
    checkDestinationUrl('pagerduty', settings.pagerduty.eventsUrl ?? PAGERDUTY_EVENTS_URL, policy);
  }
  for (const [name, hook] of Object.entries(settings.webhooks))
    checkDestinationUrl(`webhook:${name}`, hook.url, policy);

  const notifiers = new Map<string, Notifier>();
  if (settings.slack)
    notifiers.set('slack', createSlackNotifier(delivery('slack', settings.slack.webhookUrl)));
  if (settings.pagerduty) {
    const pd = settings.pagerduty;
    notifiers.set(
      'pagerduty',
      createPagerDutyNotifier(delivery('pagerduty', pd.eventsUrl ?? PAGERDUTY_EVENTS_URL), {
        routingKey: pd.routingKey,
        source: pd.source ?? 'vigil',
      }),
    );
  }
  for (const [name, hook] of Object.entries(settings.webhooks)) {
    const target = `webhook:${name}`;
    notifiers.set(
      target,
      createWebhookNotifier(name, delivery(target, hook.url, hook.headers), { secret: hook.secret }),
    );
  }
  return notifiers;
}
