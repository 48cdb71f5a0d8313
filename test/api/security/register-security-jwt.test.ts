import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSecurityApp,
  closeSharedPglite,
  type SecurityApp,
  sharedPglite,
} from './support/security-app.js';
import { signHs256, signRs256, unsignedToken } from './support/sign-jwt.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!';
const nowS = () => Math.floor(Date.now() / 1000);
const claims = (over: Record<string, unknown> = {}) => ({
  sub: 'alice',
  name: 'Alice',
  role: 'operator',
  iss: 'https://idp.example',
  aud: 'vigil',
  iat: nowS(),
  exp: nowS() + 3600,
  ...over,
});

beforeAll(async () => {
  await sharedPglite();
}, 60_000);
afterAll(closeSharedPglite);

let built: SecurityApp | undefined;
afterEach(async () => {
  await built?.app.close();
  built = undefined;
});

const call = (app: SecurityApp, url: string, token: string, method: 'GET' | 'POST' | 'DELETE' = 'GET') =>
  app.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });

describe('JWT bearer tokens (HS256)', () => {
  const hs256 = () =>
    buildSecurityApp({
      seedKeys: false,
      auth: {
        jwt: { secretEnv: 'VIGIL_JWT_SECRET', issuer: 'https://idp.example', audience: 'vigil' },
      },
      env: { VIGIL_JWT_SECRET: SECRET },
    });

  it('starts with no API key when JWT is configured, and accepts a valid token with its role', async () => {
    built = await hs256();
    const response = await call(built, '/things/t1', signHs256(claims(), SECRET), 'POST');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      principal: { kind: 'jwt', subject: 'alice', name: 'Alice', role: 'operator' },
    });
  });

  it('refuses a role the token does not carry with 403, and a token with no Vigil role on any route', async () => {
    built = await hs256();
    const denied = await call(built, '/things/t1', signHs256(claims({ role: 'viewer' }), SECRET), 'DELETE');
    expect(denied.statusCode).toBe(403);
    expect(denied.json().message).toBe(
      'this route needs the admin role or higher; token subject "alice" has the viewer role',
    );
    const none = await call(built, '/things', signHs256(claims({ role: 'superuser' }), SECRET));
    expect(none.statusCode).toBe(403);
    expect(none.json().message).toContain('has no Vigil role');
  });

  it.each([
    [
      'expired',
      () => signHs256(claims({ iat: nowS() - 7200, exp: nowS() - 3600 }), SECRET),
      'the token has expired',
    ],
    ['signed with another secret', () => signHs256(claims(), `${SECRET}x`), 'the token signature is invalid'],
    ['unsigned (alg none)', () => unsignedToken(claims()), 'the token'],
    ['from another issuer', () => signHs256(claims({ iss: 'https://evil.example' }), SECRET), 'iss or aud'],
    ['for another audience', () => signHs256(claims({ aud: 'grafana' }), SECRET), 'iss or aud'],
    ['without exp', () => signHs256(claims({ exp: undefined }), SECRET), 'lacks a required claim'],
    ['without sub', () => signHs256(claims({ sub: undefined }), SECRET), 'lacks a required claim'],
    ['not a JWT', () => 'garbage', 'the token is malformed'],
  ])('refuses a token %s with 401', async (_name, token, message) => {
    built = await hs256();
    const response = await call(built, '/things', token());
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'VIGIL_ERR_AUTH_INVALID_CREDENTIALS' });
    expect(response.json().message).toContain(message);
    expect(response.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('still accepts API keys beside tokens', async () => {
    built = await buildSecurityApp({ auth: { jwt: { secretEnv: 'S' } }, env: { S: SECRET } });
    const response = await built.app.inject({
      method: 'GET',
      url: '/things',
      headers: { 'x-api-key': built.keys!.viewer },
    });
    expect(response.statusCode).toBe(200);
  });
});

describe('JWT bearer tokens (public key)', () => {
  it('verifies RS256 tokens with the public key and reads the role from a nested claim', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    built = await buildSecurityApp({
      seedKeys: false,
      auth: { jwt: { publicKeyEnv: 'IDP_PUBLIC_KEY', roleClaim: 'realm_access.roles' } },
      env: { IDP_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    });
    const token = (key = privateKey) =>
      signRs256({ sub: 'bob', exp: nowS() + 600, realm_access: { roles: ['offline_access', 'admin'] } }, key);
    expect((await call(built, '/things/x', token(), 'DELETE')).statusCode).toBe(200);
    expect((await call(built, '/things/x', token(other), 'DELETE')).statusCode).toBe(401);
    // An HS256 token "signed" with the public key text must not pass (algorithm confusion).
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const confused = signHs256({ sub: 'eve', exp: nowS() + 600, realm_access: { roles: ['admin'] } }, pem);
    expect((await call(built, '/things/x', confused, 'DELETE')).statusCode).toBe(401);
  });
});
