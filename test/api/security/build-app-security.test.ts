import type { RouteOptions } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../../src/api/api-deps.js';
import { DEFAULT_API_SETTINGS } from '../../../src/api/api-settings.js';
import { buildApp } from '../../../src/api/build-app.js';
import { parseAuthSettings } from '../../../src/api/security/auth-settings.js';
import { registerSecurity } from '../../../src/api/security/register-security.js';
import { hasRole, isRole } from '../../../src/api/security/roles.js';
import type { ApiInstance } from '../../../src/api/zod-schemas.js';
import { createSqlApiKeyStore } from '../../../src/storage/api-key-store.js';
import { createSqlAuditLogStore } from '../../../src/storage/audit-log-store.js';
import { DEFAULT_DETECTOR_CONFIG } from '../../../src/streams/index.js';
import { fakeIncidentMemory } from '../support/fake-memory.js';
import { closeSharedPglite, freshDatabase, issueTestKeys, type TestKeys } from './support/security-app.js';

// The real API (buildApp) with the security layer installed as its plugin, on fakes: checks that every
// route the API declares is guarded by the role it states.
let app: ApiInstance;
let keys: TestKeys;
const routes: Array<{ method: string; url: string; role: string | undefined }> = [];

beforeAll(async () => {
  const client = await freshDatabase();
  const apiKeys = createSqlApiKeyStore(client);
  keys = await issueTestKeys(apiKeys);
  const deps: ApiDeps = {
    settings: DEFAULT_API_SETTINGS,
    detectors: DEFAULT_DETECTOR_CONFIG,
    metrics: { send: async () => {} },
    store: {
      listIncidents: async () => ({ items: [], nextCursor: null }),
      listAnomalies: async () => ({ items: [], nextCursor: null }),
      incidentTimeline: async () => null,
      recordFeedback: async () => {
        throw new Error('not in this test');
      },
      listFeedback: async () => [],
    },
    memory: fakeIncidentMemory().memory,
    readiness: [],
    registry: new Registry(),
    seriesPoints: { read: async () => ({ points: [], recordsScanned: 0, truncated: null }) },
    clock: () => Date.UTC(2026, 2, 1),
  };
  app = await buildApp(deps, {
    plugins: [
      async (instance) => {
        await registerSecurity(instance, {
          settings: parseAuthSettings({ rateLimit: { enabled: false } }, 'test'),
          secrets: { jwtKey: undefined },
          apiKeys,
          auditLog: createSqlAuditLogStore(client),
        });
      },
      (instance) =>
        instance.addHook('onRoute', (route: RouteOptions) => {
          for (const method of [route.method].flat()) {
            if (method !== 'HEAD') routes.push({ method, url: route.url, role: route.config?.role });
          }
        }),
    ],
  });
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await closeSharedPglite();
});

/** A concrete URL for a route pattern (`:id` → `x`, `*` → `index.html`). */
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, 'x').replace(/\*$/, 'index.html');

describe('the API with its security layer', () => {
  it('declares routes of every kind, each with a role', () => {
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) expect(route.role, `${route.method} ${route.url}`).toBeDefined();
    expect(routes.some((r) => r.role === 'public')).toBe(true);
    expect(routes.some((r) => r.role === 'viewer')).toBe(true);
    expect(routes.some((r) => r.role === 'operator')).toBe(true);
  });

  it('refuses anonymous callers on every non-public route (401) and lets them reach public ones', async () => {
    for (const route of routes) {
      const response = await app.inject({ method: route.method as 'GET', url: concrete(route.url) });
      const where = `${route.method} ${route.url} → ${response.statusCode}`;
      if (route.role === 'public') expect([401, 403], where).not.toContain(response.statusCode);
      else {
        expect(response.statusCode, where).toBe(401);
        expect(response.headers['www-authenticate'], where).toBe('Bearer realm="vigil"');
      }
    }
  });

  it('refuses a viewer key on routes that need more (403) and lets it through the others', async () => {
    for (const route of routes) {
      const response = await app.inject({
        method: route.method as 'GET',
        url: concrete(route.url),
        headers: { 'x-api-key': keys.viewer },
      });
      const where = `${route.method} ${route.url} → ${response.statusCode}`;
      const needsMore = isRole(route.role) && !hasRole('viewer', route.role);
      if (needsMore) expect(response.statusCode, where).toBe(403);
      else expect([401, 403], where).not.toContain(response.statusCode);
    }
  });
});
