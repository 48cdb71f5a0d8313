import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createJwtAuthenticator,
  jwtAlgorithmsFor,
  principalFromClaims,
} from '../../../src/api/security/jwt-authenticator.js';

const pem = (key: { export(o: { type: 'spki'; format: 'pem' }): string | Buffer }) =>
  key.export({ type: 'spki', format: 'pem' }).toString();

describe('JWT claims and algorithms', () => {
  it.each([
    [{ sub: 'alice', role: 'operator' }, 'role', 'operator'],
    [{ sub: 'alice', role: ['viewer', 'admin'] }, 'role', 'admin'],
    [{ sub: 'alice', role: 'superuser' }, 'role', null],
    [{ sub: 'alice' }, 'role', null],
    [{ sub: 'alice', realm_access: { roles: ['offline', 'operator'] } }, 'realm_access.roles', 'operator'],
    [{ sub: 'alice', realm_access: ['operator'] }, 'realm_access.roles', null],
    [{ sub: 'alice', 'https://vigil/role': 'viewer' }, 'https://vigil/role', 'viewer'],
  ])('claims %j with roleClaim %s give role %j', (claims, roleClaim, role) => {
    expect(principalFromClaims(claims, roleClaim)).toEqual({
      kind: 'jwt',
      subject: 'alice',
      name: null,
      role,
    });
  });

  it('needs a subject and keeps a string name', () => {
    expect(principalFromClaims({ role: 'admin' }, 'role')).toBe('the token has no sub claim');
    expect(principalFromClaims({ sub: '', role: 'admin' }, 'role')).toBe('the token has no sub claim');
    expect(principalFromClaims('text', 'role')).toBe('the token payload is not an object');
    expect(principalFromClaims({ sub: 'a', name: 'Alice', role: 'viewer' }, 'role')).toMatchObject({
      name: 'Alice',
    });
  });

  it('accepts only the algorithm family of the configured key', () => {
    expect(jwtAlgorithmsFor({ kind: 'hmac-secret', secret: 'x'.repeat(32) })).toEqual(['HS256']);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(jwtAlgorithmsFor({ kind: 'public-key', pem: pem(rsa) })).toEqual([
      'RS256',
      'RS384',
      'RS512',
      'PS256',
      'PS384',
      'PS512',
    ]);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    expect(jwtAlgorithmsFor({ kind: 'public-key', pem: pem(p384) })).toEqual(['ES384']);
    const ed = generateKeyPairSync('ed25519').publicKey;
    expect(jwtAlgorithmsFor({ kind: 'public-key', pem: pem(ed) })).toEqual(['EdDSA']);
  });

  it('maps verification errors to refusals the caller can act on', () => {
    const failing = (code: string) =>
      createJwtAuthenticator({
        verify: () => {
          throw Object.assign(new Error('x'), { code });
        },
        roleClaim: 'role',
      });
    expect(failing('FAST_JWT_EXPIRED').authenticate('t')).toEqual({
      outcome: 'rejected',
      failure: 'expired-token',
      message: 'the token has expired',
    });
    expect(failing('FAST_JWT_INVALID_SIGNATURE').authenticate('t')).toEqual({
      outcome: 'rejected',
      failure: 'invalid-token',
      message: 'the token signature is invalid',
    });
    expect(failing('SOMETHING_ELSE').authenticate('t')).toMatchObject({ message: 'the token is invalid' });
    const noSub = createJwtAuthenticator({ verify: () => ({ role: 'admin' }), roleClaim: 'role' });
    expect(noSub.authenticate('t')).toEqual({
      outcome: 'rejected',
      failure: 'invalid-token',
      message: 'the token has no sub claim',
    });
  });
});
