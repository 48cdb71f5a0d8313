import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSqlAuditLogStore } from '../../../src/storage/audit-log-store.js';
import {
  buildSecurityApp,
  closeSharedPglite,
  type SecurityApp,
  sharedPglite,
} from './support/security-app.js';

beforeAll(async () => {
  await sharedPglite();
}, 60_000);
afterAll(closeSharedPglite);

let built: SecurityApp | undefined;
afterEach(async () => {
  await built?.app.close();
  built = undefined;
});

describe('rate limit per client', () => {
  it('answers 429 with Retry-After past max, per key: another key and anonymous callers have their own budget', async () => {
    const setup = await buildSecurityApp({ auth: { rateLimit: { max: 3, timeWindowMs: 60_000 } } });
    built = setup;
    const keys = setup.keys!;
    const get = (headers: Record<string, string>, remoteAddress = '10.0.0.1') =>
      setup.app.inject({ method: 'GET', url: '/things', headers, remoteAddress });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get({ 'x-api-key': keys.viewer })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await get({ 'x-api-key': keys.viewer }, '10.0.0.2');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.json()).toMatchObject({ error: 'VIGIL_ERR_API_RATE_LIMITED' });
    // Same IP, another key: its own budget.
    expect((await get({ 'x-api-key': keys.operator })).statusCode).toBe(200);
    expect((await get({ 'x-api-key': keys.operator })).headers['x-ratelimit-remaining']).toBe('1');
    // Failed attempts count against the caller's IP, so guessing keys is limited too.
    const guesses: number[] = [];
    for (let i = 0; i < 4; i++)
      guesses.push((await get({ 'x-api-key': keys.revoked }, '10.9.9.9')).statusCode);
    expect(guesses).toEqual([401, 401, 401, 429]);
    // Public routes are limited by IP.
    const probes: number[] = [];
    for (let i = 0; i < 4; i++) {
      probes.push(
        (await setup.app.inject({ method: 'GET', url: '/health', remoteAddress: '10.7.7.7' })).statusCode,
      );
    }
    expect(probes).toEqual([200, 200, 200, 429]);
  });

  it('can be turned off', async () => {
    built = await buildSecurityApp({ auth: { rateLimit: { enabled: false, max: 1 } } });
    for (let i = 0; i < 3; i++) {
      const response = await built.app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });
});

describe('audit log', () => {
  it('records every state-changing call, refused ones included, and no read', async () => {
    const setup = await buildSecurityApp();
    built = setup;
    const keys = setup.keys!;
    const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key?: string) =>
      setup.app.inject({ method, url, headers: key ? { 'x-api-key': key } : {}, remoteAddress: '10.0.0.5' });
    const responses = [
      await call('GET', '/things', keys.viewer),
      await call('GET', '/health'),
      await call('POST', '/things/inc-1', keys.operator),
      await call('PUT', '/things/pump-7/label', keys.admin),
      await call('DELETE', '/things/inc-2', keys.viewer),
      await call('DELETE', '/things/inc-3', keys.revoked),
      await call('POST', '/things/inc-4'),
      await call('POST', '/forgotten', keys.admin),
      await call('POST', '/no-such-route', keys.admin),
    ];
    await setup.security.flush();
    const rows = (await createSqlAuditLogStore(setup.client).list()).reverse();
    expect(rows.map(({ id: _id, atMs: _at, requestId: _r, ...rest }) => rest)).toEqual([
      {
        actorKind: 'api-key',
        actorId: keys.ids.operator,
        actorName: 'on-call',
        role: 'operator',
        method: 'POST',
        route: '/things/:id',
        targetId: 'inc-1',
        statusCode: 200,
        clientIp: '10.0.0.5',
        detail: {},
      },
      {
        actorKind: 'api-key',
        actorId: keys.ids.admin,
        actorName: 'ops-admin',
        role: 'admin',
        method: 'PUT',
        route: '/things/:name/label',
        targetId: 'pump-7',
        statusCode: 200,
        clientIp: '10.0.0.5',
        detail: {},
      },
      {
        actorKind: 'api-key',
        actorId: keys.ids.viewer,
        actorName: 'dashboards',
        role: 'viewer',
        method: 'DELETE',
        route: '/things/:id',
        targetId: 'inc-2',
        statusCode: 403,
        clientIp: '10.0.0.5',
        detail: {},
      },
      {
        actorKind: 'anonymous',
        actorId: null,
        actorName: null,
        role: null,
        method: 'DELETE',
        route: '/things/:id',
        targetId: 'inc-3',
        statusCode: 401,
        clientIp: '10.0.0.5',
        detail: { authFailure: 'revoked-key' },
      },
      {
        actorKind: 'anonymous',
        actorId: null,
        actorName: null,
        role: null,
        method: 'POST',
        route: '/things/:id',
        targetId: 'inc-4',
        statusCode: 401,
        clientIp: '10.0.0.5',
        detail: {},
      },
      {
        actorKind: 'anonymous',
        actorId: null,
        actorName: null,
        role: null,
        method: 'POST',
        route: '/forgotten',
        targetId: null,
        statusCode: 403,
        clientIp: '10.0.0.5',
        detail: {},
      },
    ]);
    // Refusals tell the caller their request id; the audit row of each carries the same one.
    const refusedIds = responses.slice(4, 8).map((r) => r.json().requestId);
    expect(rows.slice(2).map((r) => r.requestId)).toEqual(refusedIds);
    expect(new Set(rows.map((r) => r.requestId)).size).toBe(rows.length);
  });

  it('flushes pending entries when the app closes', async () => {
    const setup = await buildSecurityApp();
    for (let i = 0; i < 20; i++) {
      await setup.app.inject({
        method: 'POST',
        url: `/things/t${i}`,
        headers: { 'x-api-key': setup.keys!.operator },
      });
    }
    await setup.app.close();
    const rows = await createSqlAuditLogStore(setup.client).list({ limit: 100 });
    expect(rows.map((r) => r.targetId).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`).sort());
    expect(setup.security.auditStats()).toEqual({ written: 20, failed: 0, dropped: 0, queued: 0 });
  });
});
