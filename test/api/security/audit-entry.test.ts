import { describe, expect, it } from 'vitest';
import { auditEntryFor, type CallFacts, isStateChanging } from '../../../src/api/security/audit-entry.js';

const facts = (over: Partial<CallFacts> = {}): CallFacts => ({
  atMs: 1000,
  method: 'post',
  route: '/api/v1/incidents/:id/feedback',
  params: { id: 'inc-9' },
  targetParam: undefined,
  statusCode: 201,
  requestId: 'req-7',
  clientIp: '10.1.2.3',
  authEnabled: true,
  authentication: {
    outcome: 'authenticated',
    principal: { kind: 'api-key', id: '0123456789ab', name: 'ci', role: 'operator' },
  },
  ...over,
});

describe('audit entries', () => {
  it.each([
    ['POST', true],
    ['put', true],
    ['PATCH', true],
    ['DELETE', true],
    ['GET', false],
    ['HEAD', false],
    ['OPTIONS', false],
  ])('%s changes state: %s', (method, expected) => {
    expect(isStateChanging(method)).toBe(expected);
  });

  it('names the key, its role, the call and its outcome', () => {
    expect(auditEntryFor(facts())).toEqual({
      atMs: 1000,
      actorKind: 'api-key',
      actorId: '0123456789ab',
      actorName: 'ci',
      role: 'operator',
      method: 'POST',
      route: '/api/v1/incidents/:id/feedback',
      targetId: 'inc-9',
      statusCode: 201,
      requestId: 'req-7',
      clientIp: '10.1.2.3',
      detail: {},
    });
  });

  it('names a JWT subject, a configured target parameter, and refused or absent credentials', () => {
    const jwt = auditEntryFor(
      facts({
        params: { name: 'restart' },
        targetParam: 'name',
        authentication: {
          outcome: 'authenticated',
          principal: { kind: 'jwt', subject: 'alice', name: 'Alice', role: 'admin' },
        },
      }),
    );
    expect(jwt).toMatchObject({
      actorKind: 'jwt',
      actorId: 'alice',
      actorName: 'Alice',
      role: 'admin',
      targetId: 'restart',
    });
    const refused = auditEntryFor(
      facts({
        statusCode: 401,
        authentication: { outcome: 'rejected', failure: 'revoked-key', message: 'm' },
      }),
    );
    expect(refused).toMatchObject({
      actorKind: 'anonymous',
      actorId: null,
      role: null,
      detail: { authFailure: 'revoked-key' },
    });
    const off = auditEntryFor(
      facts({ authEnabled: false, params: {}, authentication: { outcome: 'anonymous' } }),
    );
    expect(off).toMatchObject({ actorKind: 'anonymous', targetId: null, detail: { auth: 'disabled' } });
  });
});
