import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_VARIABLES, loadConfig } from '../../src/config/app-config.js';
import { ConfigError } from '../../src/errors.js';
import { otlpTracesUrl, TRACING_ENVIRONMENT_VARIABLES } from '../../src/observability/tracing-settings.js';

describe('tracing settings', () => {
  it('are off by default, with the OTLP default endpoint, service vigil and every new trace sampled', () => {
    expect(loadConfig({ env: {} }).tracing).toEqual({
      enabled: false,
      endpoint: 'http://localhost:4318',
      serviceName: 'vigil',
      samplingRatio: 1,
    });
  });

  it('come from the environment: VIGIL_TRACING, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME, the ratio', () => {
    const config = loadConfig({
      env: {
        VIGIL_TRACING: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_SERVICE_NAME: 'vigil-detect',
        VIGIL_TRACING_SAMPLING_RATIO: '0.25',
      },
    });
    expect(config.tracing).toEqual({
      enabled: true,
      endpoint: 'http://collector:4318/',
      serviceName: 'vigil-detect',
      samplingRatio: 0.25,
    });
    expect(otlpTracesUrl(config.tracing.endpoint)).toBe('http://collector:4318/v1/traces');
    expect(Object.isFrozen(config.tracing)).toBe(true);
  });

  it('merge the environment over the config file section', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-tracing-'));
    const file = join(dir, 'vigil.yaml');
    writeFileSync(file, 'tracing:\n  enabled: true\n  samplingRatio: 0.5\n');
    const config = loadConfig({ env: { VIGIL_CONFIG: file, OTEL_SERVICE_NAME: 'svc' } });
    expect(config.tracing).toMatchObject({ enabled: true, samplingRatio: 0.5, serviceName: 'svc' });
  });

  it.each([
    [{ VIGIL_TRACING: 'maybe' }, /VIGIL_TRACING="maybe" must be true or false/],
    [{ VIGIL_TRACING_SAMPLING_RATIO: 'half' }, /VIGIL_TRACING_SAMPLING_RATIO="half" must be a number/],
    [{ VIGIL_TRACING_SAMPLING_RATIO: '1.5' }, /tracing\.samplingRatio/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /tracing\.endpoint/],
  ])('reject %o with a message naming it', (env, message) => {
    expect(() => loadConfig({ env })).toThrow(ConfigError);
    expect(() => loadConfig({ env })).toThrow(message);
  });

  it('list their variables among the ones Vigil reads', () => {
    for (const name of Object.keys(TRACING_ENVIRONMENT_VARIABLES))
      expect(ENVIRONMENT_VARIABLES).toHaveProperty(name);
  });
});
