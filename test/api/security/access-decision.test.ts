import { describe, expect, it } from 'vitest';
import { AUTH_ERROR_CODES, decideAccess } from '../../../src/api/security/access-decision.js';
import type { Authentication } from '../../../src/api/security/principal.js';
import type { Role, RouteRole } from '../../../src/api/security/roles.js';

const anonymous: Authentication = { outcome: 'anonymous' };
const withKey = (role: Role): Authentication => ({
  outcome: 'authenticated',
  principal: { kind: 'api-key', id: '0123456789ab', name: 'ci', role },
});
const rejected: Authentication = {
  outcome: 'rejected',
  failure: 'revoked-key',
  message: 'API key "x" revoked',
};

describe('decideAccess', () => {
  it('refuses a route without a role, even with authentication off (fail closed)', () => {
    for (const authEnabled of [true, false]) {
      for (const authentication of [anonymous, withKey('admin')]) {
        const decision = decideAccess({ routeRole: undefined, authEnabled, authentication });
        expect(decision).toMatchObject({
          allowed: false,
          statusCode: 403,
          code: AUTH_ERROR_CODES.routeWithoutRole,
        });
      }
    }
  });

  it('lets anyone through a public route', () => {
    expect(decideAccess({ routeRole: 'public', authEnabled: true, authentication: anonymous })).toEqual({
      allowed: true,
    });
  });

  it('asks for credentials with WWW-Authenticate when none were sent', () => {
    expect(decideAccess({ routeRole: 'viewer', authEnabled: true, authentication: anonymous })).toMatchObject(
      {
        allowed: false,
        statusCode: 401,
        code: AUTH_ERROR_CODES.missingCredentials,
        wwwAuthenticate: 'Bearer realm="vigil"',
      },
    );
  });

  it('answers refused credentials with 401 invalid_token, quotes made safe', () => {
    expect(decideAccess({ routeRole: 'viewer', authEnabled: true, authentication: rejected })).toEqual({
      allowed: false,
      statusCode: 401,
      code: AUTH_ERROR_CODES.invalidCredentials,
      message: 'API key "x" revoked',
      wwwAuthenticate: `Bearer realm="vigil", error="invalid_token", error_description="API key 'x' revoked"`,
    });
  });

  it('keeps WWW-Authenticate to printable ASCII whatever the message holds', () => {
    const authentication: Authentication = {
      outcome: 'rejected',
      failure: 'invalid-token',
      message: 'vgl_… \u0000é',
    };
    const decision = decideAccess({ routeRole: 'viewer', authEnabled: true, authentication });
    expect(decision).toMatchObject({ message: 'vgl_… \u0000é' });
    expect(!decision.allowed && decision.wwwAuthenticate).toBe(
      'Bearer realm="vigil", error="invalid_token", error_description="vgl_? ??"',
    );
  });

  const table: Array<[Role, RouteRole, boolean]> = [];
  for (const held of ['viewer', 'operator', 'admin'] as const) {
    for (const needed of ['viewer', 'operator', 'admin'] as const) {
      table.push([
        held,
        needed,
        ['viewer', 'operator', 'admin'].indexOf(held) >= ['viewer', 'operator', 'admin'].indexOf(needed),
      ]);
    }
  }
  it.each(table)('a %s key on a %s route is allowed: %s', (held, needed, allowed) => {
    const decision = decideAccess({ routeRole: needed, authEnabled: true, authentication: withKey(held) });
    if (allowed) expect(decision).toEqual({ allowed: true });
    else {
      expect(decision).toEqual({
        allowed: false,
        statusCode: 403,
        code: AUTH_ERROR_CODES.forbidden,
        message: `this route needs the ${needed} role or higher; API key "ci" (0123456789ab) has the ${held} role`,
      });
    }
  });

  it('refuses a token carrying no Vigil role with 403', () => {
    const authentication: Authentication = {
      outcome: 'authenticated',
      principal: { kind: 'jwt', subject: 'alice', name: null, role: null },
    };
    expect(decideAccess({ routeRole: 'viewer', authEnabled: true, authentication })).toMatchObject({
      statusCode: 403,
      message: 'this route needs the viewer role or higher; token subject "alice" has no Vigil role',
    });
  });

  it('opens every route that states a role when authentication is off', () => {
    for (const routeRole of ['viewer', 'operator', 'admin'] as const) {
      expect(decideAccess({ routeRole, authEnabled: false, authentication: anonymous })).toEqual({
        allowed: true,
      });
    }
  });
});
