import { describe, expect, it } from 'vitest';
import { DEFAULT_API_SETTINGS } from '../../src/api/api-settings.js';
import { ENVIRONMENT_VARIABLES, loadConfig } from '../../src/config/app-config.js';

describe('api settings', () => {
  it('default to port 8080 on 127.0.0.1 with a 1 MiB body limit and bounded series reads', () => {
    expect(loadConfig({ env: {} }).api).toEqual(DEFAULT_API_SETTINGS);
    expect(DEFAULT_API_SETTINGS).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      bodyLimitBytes: 1_048_576,
      seriesRead: { maxRangeMs: 86_400_000 },
    });
    expect(Object.isFrozen(loadConfig({ env: {} }).api.seriesRead)).toBe(true);
  });

  it('take PORT and VIGIL_API_HOST from the environment over the config file', () => {
    const config = loadConfig({ env: { PORT: '9090', VIGIL_API_HOST: '0.0.0.0' }, overrides: {} });
    expect(config.api).toMatchObject({ port: 9090, host: '0.0.0.0' });
    expect(ENVIRONMENT_VARIABLES.PORT).toMatch(/^api\.port/);
    expect(ENVIRONMENT_VARIABLES.VIGIL_API_HOST).toMatch(/^api\.host/);
  });

  it('name the bad setting', () => {
    expect(() => loadConfig({ env: { PORT: 'http' } })).toThrow('PORT="http" must be an integer');
    expect(() => loadConfig({ env: { PORT: '70000' } })).toThrow('api.port: port must be in [0, 65535]');
    expect(() => loadConfig({ env: {}, overrides: { api: { seriesRead: { maxPoints: 0 } } } })).toThrow(
      'api.seriesRead.maxPoints: maxPoints must be >= 1',
    );
  });
});
