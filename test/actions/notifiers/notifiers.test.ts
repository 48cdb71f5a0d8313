import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNotifiers, type NotifierSettings } from '../../../src/actions/notifiers/create-notifiers.js';
import { checkDestinationUrl, hostAllowed } from '../../../src/actions/notifiers/destination-url.js';
import {
  createHttpDelivery,
  type HttpDeliveryOptions,
} from '../../../src/actions/notifiers/http-delivery.js';
import type { IncidentNotification, Notifier } from '../../../src/actions/notifiers/notifier.js';
import { fullJitterDelayMs } from '../../../src/actions/retry-backoff.js';
import { ConfigError } from '../../../src/errors.js';
import { hypothesisEvent } from '../support/hypothesis-fixture.js';

type Reply = (req: IncomingMessage, res: ServerResponse, body: string) => void;
interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

let server: Server;
let base: string;
let replies: Reply[] = [];
let received: Received[] = [];
const ok: Reply = (_q, res) => res.writeHead(200).end('ok');
const status =
  (code: number, headers: Record<string, string> = {}): Reply =>
  (_q, res) =>
    res.writeHead(code, headers).end(`status ${code}`);
const hang: Reply = () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const reply = replies.shift() ?? ok;
      reply(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
const open: Array<{ shutdown(): void }> = [];
afterEach(() => {
  replies = [];
  received = [];
  for (const o of open.splice(0)) o.shutdown();
});

const fast = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const breaker = {
  errorThresholdPercentage: 50,
  volumeThreshold: 3,
  resetTimeoutMs: 60_000,
  rollingWindowMs: 60_000,
};

function delivery(over: Partial<HttpDeliveryOptions> = {}) {
  const d = createHttpDelivery({
    destination: 'webhook:test',
    url: new URL(`${base}/hook`),
    timeoutMs: 500,
    budgetMs: 5_000,
    retry: fast,
    breaker,
    ...over,
  });
  open.push(d);
  return d;
}

const notification = (kind: IncidentNotification['kind'] = 'alert'): IncidentNotification => {
  const e = hypothesisEvent({ revision: kind === 'alert' ? 1 : 2 });
  return {
    kind,
    fingerprint: 'fp0123',
    incident: e.incident,
    revision: e.revision,
    hypotheses: e.hypotheses,
    rankedComponents: e.rankedComponents,
    similar: e.similar,
    policy: 'database-saturation',
    runbook: 'restart-connection-pool',
    eventTimeMs: e.trigger.anomaly.timestampMs,
  };
};

function settings(over: Partial<NotifierSettings> = {}): NotifierSettings {
  return {
    allowedHosts: ['127.0.0.1'],
    allowPlainHttp: true,
    slack: { webhookUrl: `${base}/slack/T000/B000/secret` },
    pagerduty: { routingKey: 'R0UTING', eventsUrl: `${base}/v2/enqueue` },
    webhooks: { ops: { url: `${base}/ops`, secret: 'a-secret-of-16-chars!' } },
    timeoutMs: 500,
    deliveryBudgetMs: 5_000,
    retry: fast,
    breaker,
    ...over,
  };
}

describe('http delivery', () => {
  it('posts JSON once on success', async () => {
    const r = await delivery().post({ hello: 'world' });
    expect(r).toMatchObject({ ok: true, attempts: 1, httpStatus: 200 });
    expect(received).toHaveLength(1);
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received[0]!.body)).toEqual({ hello: 'world' });
  });

  it('retries a 500 and a 429, then succeeds', async () => {
    replies = [status(500), status(429, { 'retry-after': '0' }), ok];
    const sleeps: number[] = [];
    const r = await delivery({
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
    }).post({ n: 1 });
    expect(r).toMatchObject({ ok: true, attempts: 3, httpStatus: 200 });
    expect(received).toHaveLength(3);
    // full jitter: 0.5 × min(max, base·2^(retry−1)) → 2 then 5
    expect(sleeps).toEqual([2, 5]);
  });

  it('does not retry a 400 and reports the status', async () => {
    replies = [status(400)];
    const r = await delivery().post({});
    expect(r.ok).toBe(false);
    expect(r.attempts).toBe(1);
    expect(r.httpStatus).toBe(400);
    expect(r.detail).toContain('HTTP 400 from webhook:test');
  });

  it('aborts a request at its timeout and gives up after the attempts', async () => {
    replies = [hang, hang];
    const started = Date.now();
    const r = await delivery({ timeoutMs: 100, retry: { ...fast, maxAttempts: 2 } }).post({});
    expect(r.ok).toBe(false);
    expect(r.attempts).toBe(2);
    expect(r.detail).toContain('no response from webhook:test within 100 ms');
    expect(r.detail).toContain('gave up after 2 attempts');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops retrying when the delivery budget would be exceeded', async () => {
    replies = [status(503), status(503), status(503)];
    const r = await delivery({
      budgetMs: 10,
      random: () => 0.99,
      retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 50 },
    }).post({});
    expect(r.ok).toBe(false);
    expect(r.attempts).toBe(1);
    expect(r.detail).toContain('delivery budget of 10 ms spent');
  });

  it('opens the breaker after repeated failures and then sends nothing', async () => {
    replies = [status(500), status(500), status(500)];
    const d = delivery({ retry: { ...fast, maxAttempts: 1 } });
    for (let i = 0; i < 3; i++) expect((await d.post({})).ok).toBe(false);
    expect(d.breakerState()).toBe('open');
    const before = received.length;
    const r = await d.post({});
    expect(r).toMatchObject({ ok: false, attempts: 0 });
    expect(r.detail).toContain('circuit breaker open for webhook:test');
    expect(received.length).toBe(before);
  });

  it('does not open the breaker on 4xx the destination cannot be blamed for', async () => {
    replies = [status(400), status(400), status(400), status(400)];
    const d = delivery({ retry: { ...fast, maxAttempts: 1 } });
    for (let i = 0; i < 4; i++) await d.post({});
    expect(d.breakerState()).toBe('closed');
  });

  it('refuses redirects (a destination cannot bounce to another host)', async () => {
    replies = [(_q, res) => res.writeHead(302, { location: 'http://example.com/' }).end()];
    const r = await delivery({ retry: { ...fast, maxAttempts: 1 } }).post({});
    expect(r.ok).toBe(false);
    expect(received).toHaveLength(1);
  });

  it('computes full-jitter delays within the exponential cap', () => {
    const s = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => fullJitterDelayMs(n, s, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(fullJitterDelayMs(3, s, () => 0)).toBe(0);
  });
});

describe('destination allow-list', () => {
  it.each([
    ['hooks.slack.com', ['hooks.slack.com'], true],
    ['HOOKS.slack.com', ['hooks.slack.com'], true],
    ['evil-hooks.slack.com', ['hooks.slack.com'], false],
    ['a.example.com', ['*.example.com'], true],
    ['example.com', ['*.example.com'], false],
    ['example.com.evil.io', ['*.example.com'], false],
  ] as const)('%s on %j → %s', (host, list, expected) => {
    expect(hostAllowed(host, list)).toBe(expected);
  });

  it('refuses a host not on the allow-list at startup, naming the destination', () => {
    const run = () =>
      createNotifiers(settings({ webhooks: { rogue: { url: 'https://attacker.example/x' } } }));
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/host attacker\.example of webhook:rogue is not on the allow-list/);
  });

  it('refuses http: unless allowed, and credentials in URLs', () => {
    const policy = { allowedHosts: ['127.0.0.1'], allowPlainHttp: false };
    expect(() => checkDestinationUrl('slack', `${base}/x`, policy)).toThrow(/only https: is allowed/);
    expect(() => checkDestinationUrl('slack', 'https://u:p@127.0.0.1/x', policy)).toThrow(/credentials/);
    expect(() => checkDestinationUrl('slack', 'not a url', policy)).toThrow(/not a valid absolute URL/);
  });

  it('checks the default PagerDuty endpoint against the allow-list too', () => {
    expect(() =>
      createNotifiers(settings({ pagerduty: { routingKey: 'k' }, slack: undefined, webhooks: {} })),
    ).toThrow(/events\.pagerduty\.com of pagerduty is not on the allow-list/);
  });
});

describe('notifiers', () => {
  let notifiers: Map<string, Notifier>;
  const make = () => {
    notifiers = createNotifiers(settings());
    for (const n of notifiers.values()) open.push(n);
    return notifiers;
  };

  it('creates one notifier per configured destination', () => {
    expect([...make().keys()].sort()).toEqual(['pagerduty', 'slack', 'webhook:ops']);
  });

  it('slack: posts text and blocks to the configured webhook', async () => {
    const r = await make().get('slack')!.notify(notification());
    expect(r.ok).toBe(true);
    expect(received[0]!.path).toBe('/slack/T000/B000/secret');
    const body = JSON.parse(received[0]!.body);
    expect(body.text).toContain('[CRITICAL] incident inc-1 on checkout-db');
    expect(body.text).toContain('database connection pool exhausted');
    expect(body.blocks[0].type).toBe('header');
    expect(JSON.stringify(body.blocks)).toContain('check pool size');
  });

  it('pagerduty: trigger with the incident fingerprint as dedup_key, updates re-trigger with the same key', async () => {
    const pd = make().get('pagerduty')!;
    await pd.notify(notification('alert'));
    await pd.notify(notification('alert-update'));
    const [first, update] = received.map((r) => JSON.parse(r.body));
    expect(received[0]!.path).toBe('/v2/enqueue');
    for (const e of [first, update]) {
      expect(e.event_action).toBe('trigger');
      expect(e.dedup_key).toBe('fp0123');
      expect(e.routing_key).toBe('R0UTING');
      expect(e.payload.severity).toBe('critical');
      expect(e.payload.source).toBe('vigil');
    }
    expect(update.payload.summary).toContain('[update r2]');
  });

  it('webhook: posts the incident and hypotheses, signed with the secret', async () => {
    await make().get('webhook:ops')!.notify(notification());
    const { body, headers } = received[0]!;
    const parsed = JSON.parse(body);
    expect(parsed.incident.id).toBe('inc-1');
    expect(parsed.hypotheses).toHaveLength(2);
    expect(parsed.fingerprint).toBe('fp0123');
    const expected = createHmac('sha256', 'a-secret-of-16-chars!').update(body).digest('hex');
    expect(headers['x-vigil-signature']).toBe(`sha256=${expected}`);
  });
});
