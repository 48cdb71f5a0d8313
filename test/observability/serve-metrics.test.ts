import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { serveMetrics } from '../../src/observability/stage-metrics.js';

describe('serveMetrics', () => {
  const registry = new Registry();
  new Counter({ name: 'vigil_test_total', help: 'test', registers: [registry] }).inc(3);

  it('serves GET /metrics on loopback by default and 404s anything else', async () => {
    const server = await serveMetrics(registry, 0);
    try {
      const { address, port } = server.address() as AddressInfo;
      expect(address).toBe('127.0.0.1');
      const ok = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('vigil_test_total 3');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      server.close();
    }
  });

  it('listens on the address given (--metrics-host 0.0.0.0 in containers)', async () => {
    const server = await serveMetrics(registry, 0, '0.0.0.0');
    try {
      expect((server.address() as AddressInfo).address).toBe('0.0.0.0');
    } finally {
      server.close();
    }
  });
});
