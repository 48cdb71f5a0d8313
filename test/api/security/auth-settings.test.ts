import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseAuthSettings, readAuthSecrets } from '../../../src/api/security/auth-settings.js';
import { ConfigError } from '../../../src/errors.js';

const SECRET = 'x'.repeat(32);

describe('api.auth settings', () => {
  it('defaults: on, no JWT, 1000 requests per minute, keys cached 5 s', () => {
    expect(parseAuthSettings(undefined, 'test')).toEqual({
      enabled: true,
      keyCacheTtlMs: 5000,
      rateLimit: { enabled: true, max: 1000, timeWindowMs: 60_000 },
    });
  });

  it.each([
    [{ enabled: 'no' }, 'api.auth.enabled: enabled must be true or false'],
    [{ jwt: {} }, 'api.auth.jwt: set exactly one of jwt.secretEnv (HS256) and jwt.publicKeyEnv (asymmetric)'],
    [
      { jwt: { secretEnv: 'A', publicKeyEnv: 'B' } },
      'api.auth.jwt: set exactly one of jwt.secretEnv (HS256) and jwt.publicKeyEnv (asymmetric)',
    ],
    [{ jwt: { secret: 'inline' } }, 'api.auth.jwt'],
    [
      { jwt: { secretEnv: 'not a name' } },
      'api.auth.jwt.secretEnv: secretEnv must be an environment variable name',
    ],
    [{ rateLimit: { max: 0 } }, 'api.auth.rateLimit.max: max must be >= 1'],
    [{ keyCacheTtlMs: 600_000 }, 'api.auth.keyCacheTtlMs: keyCacheTtlMs must be <= 300000'],
    [{ password: 'x' }, 'api.auth'],
  ])('refuses %j naming the setting', (raw, message) => {
    expect(() => parseAuthSettings(raw, 'vigil.yaml')).toThrow(ConfigError);
    expect(() => parseAuthSettings(raw, 'vigil.yaml')).toThrow(message);
  });

  it('reads the HS256 secret from the variable the settings name', () => {
    const settings = parseAuthSettings({ jwt: { secretEnv: 'VIGIL_JWT_SECRET' } }, 'test');
    expect(settings.jwt?.roleClaim).toBe('role');
    expect(readAuthSecrets(settings, { VIGIL_JWT_SECRET: SECRET })).toEqual({
      jwtKey: { kind: 'hmac-secret', secret: SECRET },
    });
    expect(() => readAuthSecrets(settings, {})).toThrow(/names VIGIL_JWT_SECRET, which is not set/);
    expect(() => readAuthSecrets(settings, { VIGIL_JWT_SECRET: 'short' })).toThrow(
      'VIGIL_JWT_SECRET (api.auth.jwt.secretEnv) holds 5 bytes; an HS256 secret needs at least 32',
    );
  });

  it('reads a PEM public key and refuses a private key or garbage', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const settings = parseAuthSettings({ jwt: { publicKeyEnv: 'IDP_KEY' } }, 'test');
    expect(readAuthSecrets(settings, { IDP_KEY: pub })).toEqual({ jwtKey: { kind: 'public-key', pem: pub } });
    expect(() => readAuthSecrets(settings, { IDP_KEY: priv })).toThrow(/holds a private key/);
    expect(() => readAuthSecrets(settings, { IDP_KEY: 'not a key' })).toThrow(/is not a PEM public key/);
  });

  it('needs no secrets without JWT', () => {
    expect(readAuthSecrets(parseAuthSettings({}, 'test'), {})).toEqual({ jwtKey: undefined });
  });
});
