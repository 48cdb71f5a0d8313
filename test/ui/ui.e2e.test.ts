import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHART_COLORS } from '../../src/ui/static/lib/chart-options.js';
import { colourStats, launchChromium } from './support/chromium.js';
import { ordersIncident, paymentsIncident } from './support/orders-incident.js';
import { startUiApiServer, type UiApiServer } from './support/ui-api-server.js';

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const ORDERS = ordersIncident('inc-orders', T0);
const LATENCY = 'orders.latency_p99';
/** Where the screenshots go (printed); look at them to see the pages. */
const SCREENSHOTS = process.env.VIGIL_UI_SCREENSHOTS ?? mkdtempSync(path.join(tmpdir(), 'vigil-ui-e2e-'));
const WAIT = { timeout: 15_000 };

describe('web UI end to end (real API, PGlite store, embedded log, headless Chromium)', () => {
  let browser: Browser | undefined;
  let server: UiApiServer | undefined;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startUiApiServer();
    for (const event of ORDERS.events) await server.store.recordHypothesisEvent(event);
    await server.store.recordActions(ORDERS.actions);
    await server.producePoints(ORDERS.points);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    page = await context.newPage();
    // Script errors and console errors (CSP violations among them) fail the test that caused them.
    page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
    // (The refused requests of the key prompts are expected and not counted.)
    page.on('console', (message) => {
      const refused = /Failed to load resource: the server responded with a status of 40[13]/;
      if (message.type() === 'error' && !refused.test(message.text())) {
        pageErrors.push(`console error: ${message.text()}`);
      }
    });
    console.info(`web UI screenshots: ${SCREENSHOTS}`);
  }, 120_000);

  afterEach(() => {
    expect(pageErrors.splice(0), 'errors in the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks for an API key, then lists the incident', async () => {
    await page.goto(`${server!.url}/?poll=1000`);
    const prompt = page.locator('#key-prompt');
    await prompt.getByRole('heading', { name: 'API key required' }).waitFor(WAIT);
    expect(await prompt.textContent()).toContain('The API needs a key for this: authentication required');
    await page.getByLabel('API key', { exact: true }).fill(server!.keys.viewer);
    await page.getByRole('button', { name: 'Save key' }).click();
    const row = page.locator('tr[data-incident-id="inc-orders"]');
    await row.waitFor(WAIT);
    expect(await prompt.isHidden()).toBe(true);
    const text = await row.textContent();
    expect(text).toContain('critical');
    expect(text).toContain('open');
    expect(text).toContain('orders, orders-db');
    expect(text).toContain('database connection pool exhausted (86%)');
    expect(await page.locator('#list-status').textContent()).toMatch(/^Live · 1 incident · updated/);
  });

  it('shows an incident recorded while the page is open, highlighted, without reloading', async () => {
    await page.evaluate(() => {
      (globalThis as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    await server!.store.recordHypothesisEvent(paymentsIncident('inc-payments', T0 + 20 * 60_000));
    const row = page.locator('tr[data-incident-id="inc-payments"]');
    await row.waitFor(WAIT);
    expect(await row.getAttribute('class')).toBe('row-new');
    expect(await row.locator('.flag-new').textContent()).toBe('new');
    expect(await page.locator('#list-status').textContent()).toContain('1 new incident');
    expect(await page.locator('#list-announce').textContent()).toBe('1 new incident');
    // newest activity first, and still the same document (no reload)
    expect(
      await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.incidentId)),
    ).toEqual(['inc-payments', 'inc-orders']);
    expect(
      await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'incidents.png'), fullPage: true });
  });

  it('filters the list by service', async () => {
    await page.fill('#filter-service', 'payments');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('tbody tr').count(), WAIT).toBe(1);
    expect(await page.locator('tbody tr').getAttribute('data-incident-id')).toBe('inc-payments');
    expect(new URL(page.url()).search).toBe('?service=payments&poll=1000');
    await page.fill('#filter-service', '');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('tbody tr').count(), WAIT).toBe(2);
  });

  it('opens the incident: one chart per series, similar incidents, hypotheses, actions', async () => {
    await page.getByRole('link', { name: 'inc-orders' }).click();
    await page.waitForURL('**/ui/incident.html?id=inc-orders');
    await page.locator('figure.chart-card[data-state="drawn"] canvas').nth(2).waitFor(WAIT);
    expect(await page.locator('figure.chart-card[data-state="drawn"] canvas').count()).toBe(3);
    expect(await page.locator('h1').textContent()).toBe('Incident inc-orders');
    expect(
      await page.locator('figure.chart-card').evaluateAll((f) => f.map((x) => x.dataset.series)),
    ).toEqual(ORDERS.series);
    const caption = await page.locator(`figure[data-series="${LATENCY}"] figcaption`).textContent();
    expect(caption).toMatch(/^\d+ points, baseline band \(median ± [\d.]+ robust σ\), 1 anomaly marked · /);

    const similar = page.locator('#similar li');
    expect(await similar.count()).toBe(2);
    expect(await similar.first().textContent()).toContain('past-2025-11-04 · similarity 0.93');
    expect(await similar.first().textContent()).toContain('connection pool exhausted by a slow migration');

    const hypotheses = page.locator('#hypotheses > li');
    expect(await hypotheses.count()).toBe(2);
    expect(await hypotheses.first().textContent()).toContain(
      'database connection pool exhausted · orders-db · confidence 86%',
    );
    expect(await hypotheses.first().textContent()).toContain('orders-db.connections spiked to 140');
    expect(await page.locator('#hypotheses-meta').textContent()).toMatch(/^Revision 3 · rules engine/);
    expect(await page.locator('#earlier-revisions summary').textContent()).toBe('Earlier revisions (2)');

    const actions = page.locator('#actions tbody tr');
    expect(await actions.count()).toBe(3);
    expect(await actions.nth(2).textContent()).toContain('runbook-dry-run');
    expect(await actions.nth(2).textContent()).toContain('db-pool-recycle / raise-pool-size');
    expect(await page.locator('#anomalies tbody tr').count()).toBe(3);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'incident.png'), fullPage: true });
  });

  it('draws the points, the baseline band and the anomaly marker (screenshot pixels)', async () => {
    const png = await page
      .locator(`figure[data-series="${LATENCY}"] .uplot canvas`)
      .screenshot({ path: path.join(SCREENSHOTS, 'chart-latency.png') });
    const decoder = await context.newPage();
    const stats = await colourStats(decoder, png, {
      background: '#ffffff',
      colours: [CHART_COLORS.band, CHART_COLORS.line, CHART_COLORS.anomaly],
      tolerance: 6,
    });
    await decoder.close();
    expect(stats.width).toBeGreaterThan(600);
    expect(stats.nonBackground, 'drawn pixels').toBeGreaterThan(stats.width * stats.height * 0.05);
    expect(stats.distinctColours, 'distinct colours').toBeGreaterThan(20);
    expect(stats.matches[CHART_COLORS.band], 'baseline band pixels').toBeGreaterThan(2000);
    expect(stats.matches[CHART_COLORS.line], 'value line and point pixels').toBeGreaterThan(300);
    expect(stats.matches[CHART_COLORS.anomaly], 'anomaly marker pixels').toBeGreaterThan(40);
  });

  it('asks for an operator key to give feedback, then records "false positive" and shows it', async () => {
    await page.getByRole('button', { name: 'False positive' }).click();
    const prompt = page.locator('#key-prompt');
    await prompt.getByRole('heading', { name: 'API key required' }).waitFor(WAIT);
    expect(await prompt.textContent()).toContain(
      'The stored API key was refused: this route needs the operator role',
    );
    await page.getByLabel('API key', { exact: true }).fill(server!.keys.operator);
    await page.getByRole('button', { name: 'Save key' }).click();
    const result = page.locator('#feedback-result');
    await page.locator('#feedback-result.ok').waitFor(WAIT);
    expect(await result.textContent()).toMatch(
      /^Feedback recorded: false positive \(incident memory: .*marked false positive\)\.$/,
    );
    await page.locator('#feedback-history li').waitFor(WAIT);
    expect(await page.locator('#feedback-history li').textContent()).toMatch(/^false positive · by /);
    const stored = await server!.store.listFeedback('inc-orders');
    expect(stored.map((f) => f.verdict)).toEqual(['false-positive']);
    expect(
      await page.evaluate(() =>
        (
          globalThis as unknown as { localStorage: { getItem(k: string): string | null } }
        ).localStorage.getItem('vigil.apiKey'),
      ),
    ).toBe(server!.keys.operator);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'incident-feedback.png'), fullPage: true });
  });
});
