import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthSettings } from '../../../src/api/security/auth-settings.js';
import {
  DEMO_KEY_NAME,
  NO_CREDENTIALS_CODE,
  registerSecurity,
} from '../../../src/api/security/register-security.js';
import { createSqlApiKeyStore } from '../../../src/storage/api-key-store.js';
import { createSqlAuditLogStore } from '../../../src/storage/audit-log-store.js';
import {
  buildSecurityApp,
  closeSharedPglite,
  freshDatabase,
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

type Cred = 'none' | 'viewer' | 'operator' | 'admin';
const ROUTES = [
  ['GET', '/health', 'public'],
  ['GET', '/things', 'viewer'],
  ['POST', '/things/a1', 'operator'],
  ['PUT', '/things/a1/label', 'operator'],
  ['DELETE', '/things/a1', 'admin'],
] as const;
const RANK = { none: -1, viewer: 0, operator: 1, admin: 2, public: -1 } as const;

describe('security layer: who may call what', () => {
  it('answers 401 / 403 / 200 by the role each route states, with either header', async () => {
    const setup = await buildSecurityApp();
    built = setup;
    const keys = setup.keys!;
    for (const [method, url, needs] of ROUTES) {
      for (const cred of ['none', 'viewer', 'operator', 'admin'] as Cred[]) {
        for (const header of ['authorization', 'x-api-key'] as const) {
          const headers =
            cred === 'none'
              ? {}
              : header === 'authorization'
                ? { authorization: `Bearer ${keys[cred]}` }
                : { 'x-api-key': keys[cred] };
          const response = await setup.app.inject({ method, url, headers });
          const expected = RANK[cred] >= RANK[needs] ? 200 : cred === 'none' ? 401 : 403;
          expect(response.statusCode, `${cred} via ${header} → ${method} ${url}`).toBe(expected);
          if (expected === 401) {
            expect(response.headers['www-authenticate']).toBe('Bearer realm="vigil"');
            expect(response.json()).toMatchObject({ error: 'VIGIL_ERR_AUTH_MISSING_CREDENTIALS' });
          }
          if (expected === 403) {
            expect(response.json().message).toContain(`this route needs the ${needs} role or higher`);
            expect(response.json().message).toContain(`has the ${cred} role`);
          }
        }
      }
    }
  });

  it('gives handlers the principal of the key and records its use', async () => {
    built = await buildSecurityApp();
    const response = await built.app.inject({
      method: 'GET',
      url: '/things',
      headers: { 'x-api-key': built.keys!.operator },
    });
    expect(response.json()).toEqual({
      principal: { kind: 'api-key', id: built.keys!.ids.operator, name: 'on-call', role: 'operator' },
    });
    const open = await built.app.inject({ method: 'GET', url: '/health' });
    expect(open.json()).toEqual({ principal: null });
    await built.security.flush();
    const store = createSqlApiKeyStore(built.client);
    expect((await store.findById(built.keys!.ids.operator))?.lastUsedAtMs).toEqual(expect.any(Number));
    expect((await store.findById(built.keys!.ids.viewer))?.lastUsedAtMs).toBeNull();
  });

  it('refuses a route that states no role to everyone, admin included (fail closed)', async () => {
    built = await buildSecurityApp();
    for (const method of ['GET', 'POST'] as const) {
      for (const headers of [{}, { 'x-api-key': built.keys!.admin }]) {
        const response = await built.app.inject({ method, url: '/forgotten', headers });
        expect(response.statusCode).toBe(403);
        expect(response.json()).toMatchObject({ error: 'VIGIL_ERR_AUTH_ROUTE_WITHOUT_ROLE' });
        expect(response.body).not.toContain('reached');
      }
    }
  });

  it('refuses revoked, unknown and malformed keys with 401 invalid_token', async () => {
    built = await buildSecurityApp();
    const keys = built.keys!;
    const cases = [
      [{ 'x-api-key': keys.revoked }, `API key ${keys.ids.revoked} has been revoked`],
      [
        { 'x-api-key': `${keys.admin.slice(0, -1)}${keys.admin.endsWith('A') ? 'B' : 'A'}` },
        'unknown API key',
      ],
      [{ authorization: 'Basic YWRtaW46YWRtaW4=' }, 'Authorization must be "Bearer <API key or token>"'],
      [{ authorization: 'Bearer header.payload.signature' }, 'JWT authentication is not configured'],
    ] as const;
    for (const [headers, message] of cases) {
      const response = await built.app.inject({ method: 'DELETE', url: '/things/a1', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json().message).toContain(message);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="vigil", error="invalid_token"/);
    }
  });

  it('refuses a key from the moment it is revoked (no key cache)', async () => {
    built = await buildSecurityApp();
    const headers = { 'x-api-key': built.keys!.admin };
    expect((await built.app.inject({ method: 'GET', url: '/things', headers })).statusCode).toBe(200);
    await createSqlApiKeyStore(built.client).revoke(built.keys!.ids.admin, Date.now());
    expect((await built.app.inject({ method: 'GET', url: '/things', headers })).statusCode).toBe(401);
  });

  it('needs credentials for unknown paths (401), then answers 404', async () => {
    built = await buildSecurityApp();
    expect((await built.app.inject({ method: 'GET', url: '/nope' })).statusCode).toBe(401);
    const known = await built.app.inject({
      method: 'GET',
      url: '/nope',
      headers: { 'x-api-key': built.keys!.viewer },
    });
    expect(known.statusCode).toBe(404);
  });

  it('answers 503, never 200, when the key store cannot be read', async () => {
    const client = await freshDatabase();
    const store = createSqlApiKeyStore(client);
    const { key } = await (await import('../../../src/api/security/issue-api-key.js')).issueApiKey(
      store,
      { name: 'x', role: 'admin' },
      { now: Date.now },
    );
    const app = Fastify({ logger: false });
    await registerSecurity(app, {
      settings: parseAuthSettings({ keyCacheTtlMs: 0 }, 'test'),
      secrets: { jwtKey: undefined },
      apiKeys: { ...store, findById: async () => Promise.reject(new Error('connection refused')) },
      auditLog: createSqlAuditLogStore(client),
    });
    app.get('/things', { config: { role: 'viewer' } }, async () => ({ reached: true }));
    const response = await app.inject({ method: 'GET', url: '/things', headers: { 'x-api-key': key } });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'VIGIL_ERR_AUTH_UNAVAILABLE' });
    await app.close();
  });
});

describe('security layer: startup', () => {
  it('refuses to start with authentication on and no key, saying how to create one', async () => {
    const client = await freshDatabase();
    const app = Fastify({ logger: false });
    const start = registerSecurity(app, {
      settings: parseAuthSettings({}, 'test'),
      secrets: { jwtKey: undefined },
      apiKeys: createSqlApiKeyStore(client),
      auditLog: createSqlAuditLogStore(client),
    });
    await expect(start).rejects.toMatchObject({ code: NO_CREDENTIALS_CODE });
    await expect(start).rejects.toThrow('vigil keys create --name admin --role admin');
    await app.close();
  });

  it('counts only active keys: a database holding only revoked keys refuses to start too', async () => {
    const client = await freshDatabase();
    const store = createSqlApiKeyStore(client);
    const { issueApiKey } = await import('../../../src/api/security/issue-api-key.js');
    const old = await issueApiKey(store, { name: 'old', role: 'admin' }, { now: Date.now });
    await store.revoke(old.record.id, Date.now());
    const app = Fastify({ logger: false });
    await expect(
      registerSecurity(app, {
        settings: parseAuthSettings({}, 'test'),
        secrets: { jwtKey: undefined },
        apiKeys: store,
        auditLog: createSqlAuditLogStore(client),
      }),
    ).rejects.toMatchObject({ code: NO_CREDENTIALS_CODE });
    await app.close();
  });

  it('on the embedded demo creates one admin key, returns it, and the key works', async () => {
    built = await buildSecurityApp({ seedKeys: false, deps: { whenNoCredentials: 'create-admin-key' } });
    const created = built.security.createdKey!;
    expect(created.record).toMatchObject({ name: DEMO_KEY_NAME, role: 'admin' });
    const response = await built.app.inject({
      method: 'DELETE',
      url: '/things/x',
      headers: { 'x-api-key': created.key },
    });
    expect(response.statusCode).toBe(200);
    expect(await createSqlApiKeyStore(built.client).countActive()).toBe(1);
  });

  it('creates no demo key when keys exist', async () => {
    built = await buildSecurityApp({ deps: { whenNoCredentials: 'create-admin-key' } });
    expect(built.security.createdKey).toBeNull();
    expect(await createSqlApiKeyStore(built.client).countActive()).toBe(3);
  });

  it('with authentication explicitly off opens routes that state a role, but not routes without one', async () => {
    built = await buildSecurityApp({ seedKeys: false, auth: { enabled: false } });
    expect((await built.app.inject({ method: 'DELETE', url: '/things/a1' })).statusCode).toBe(200);
    expect((await built.app.inject({ method: 'GET', url: '/forgotten' })).statusCode).toBe(403);
  });
});
