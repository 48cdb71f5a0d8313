import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerUi, UI_CONTENT_SECURITY_POLICY } from '../../src/ui/register-ui.js';

let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function uiApp(): Promise<{ app: FastifyInstance; roles: Map<string, unknown> }> {
  const roles = new Map<string, unknown>();
  app = Fastify();
  app.addHook('onRoute', (route) => {
    roles.set(`${route.method} ${route.url}`, (route.config as { role?: unknown } | undefined)?.role);
  });
  await app.register(registerUi);
  await app.ready();
  return { app, roles };
}

describe('registerUi', () => {
  it('marks every route it adds public', async () => {
    const { roles } = await uiApp();
    expect(roles.size).toBeGreaterThanOrEqual(5);
    for (const [route, role] of roles) expect(role, route).toBe('public');
  });

  it.each([
    ['/', 'text/html', '<h1>Incidents</h1>'],
    ['/ui/', 'text/html', '<h1>Incidents</h1>'],
    ['/ui/index.html', 'text/html', '<h1>Incidents</h1>'],
    ['/ui/incident.html', 'text/html', 'Similar past incidents'],
    ['/ui/css/vigil.css', 'text/css', '.chart-card'],
    ['/ui/app/list-page.js', 'javascript', "from '../lib/list-query.js'"],
    ['/ui/lib/chart-data.js', 'javascript', 'export function buildChartData'],
    ['/ui/vendor/uPlot.esm.js', 'javascript', 'export { uPlot as default }'],
    ['/ui/vendor/uPlot.min.css', 'text/css', '.uplot'],
  ])('serves %s as %s', async (url, type, content) => {
    const { app } = await uiApp();
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain(type);
    expect(response.body).toContain(content);
    expect(response.headers['content-security-policy']).toBe(UI_CONTENT_SECURITY_POLICY);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it.each([
    '/ui/missing.html',
    '/ui/../package.json',
    '/ui/%2e%2e/register-ui.ts',
    '/ui/%2e%2e/%2e%2e/%2e%2e/package.json',
    '/ui/vendor/uPlot.cjs.js',
  ])('serves nothing outside the static folder or the two uPlot files: %s', async (url) => {
    const { app } = await uiApp();
    const response = await app.inject({ method: 'GET', url });
    expect([403, 404]).toContain(response.statusCode);
    expect(response.body).not.toContain('"name": "vigil"');
    expect(response.body).not.toContain('registerUi');
  });

  it('can be registered twice (by buildApp and by a caller) and serves once', async () => {
    app = Fastify();
    await app.register(registerUi);
    await app.register(registerUi);
    await registerUi(app);
    await app.ready();
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
  });

  it('refuses to start without uPlot, naming the missing file', async () => {
    app = Fastify();
    const empty = mkdtempSync(path.join(tmpdir(), 'vigil-ui-'));
    await expect(registerUi(app, { uplotDir: empty })).rejects.toThrow(
      `web UI: ${path.join(empty, 'uPlot.esm.js')} is missing; install the "uplot" package`,
    );
  });
});
