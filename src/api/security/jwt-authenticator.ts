import { createPublicKey } from 'node:crypto';
import type { JwtKey } from './auth-settings.js';
import type { Authentication, Principal } from './principal.js';
import { highestRole, isRole, type Role } from './roles.js';

/** Verifies a token's signature and registered claims and returns its payload; throws when it is not valid. */
export type JwtVerify = (token: string) => unknown;

/** A JWT signature algorithm Vigil accepts (never `none`). */
export type JwtAlgorithm =
  | 'HS256'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

/** Claims every accepted token must carry: who (`sub`) and until when (`exp`). */
export const REQUIRED_JWT_CLAIMS: readonly string[] = ['sub', 'exp'];

/**
 * Signature algorithms accepted for `key`: HS256 for a secret; for a public key, the family its type
 * allows (so a token can never pick an algorithm the key was not meant for).
 */
export function jwtAlgorithmsFor(key: JwtKey): JwtAlgorithm[] {
  if (key.kind === 'hmac-secret') return ['HS256'];
  const publicKey = createPublicKey(key.pem);
  switch (publicKey.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const curve = publicKey.asymmetricKeyDetails?.namedCurve;
      const byCurve: Record<string, JwtAlgorithm> = {
        prime256v1: 'ES256',
        secp384r1: 'ES384',
        secp521r1: 'ES512',
      };
      const algorithm = curve ? byCurve[curve] : undefined;
      if (!algorithm) throw new Error(`unsupported EC curve ${curve ?? '(unknown)'} for JWT`);
      return [algorithm];
    }
    case 'ed25519':
    case 'ed448':
      return ['EdDSA'];
    default:
      throw new Error(`unsupported public key type ${publicKey.asymmetricKeyType ?? '(unknown)'} for JWT`);
  }
}

function claimAt(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  let node: unknown = claims;
  for (const part of path.split('.')) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * The principal a verified token's claims name: `sub` is the subject, the role claim (a dotted path)
 * holds a role or a list of roles of which the highest Vigil role counts, other values are ignored.
 * Returns a message instead when the claims name no subject.
 *
 * @example principalFromClaims({ sub: 'alice', realm_access: { roles: ['viewer', 'operator'] } }, 'realm_access.roles')
 * // { kind: 'jwt', subject: 'alice', name: null, role: 'operator' }
 */
export function principalFromClaims(claims: unknown, roleClaim: string): Principal | string {
  if (!claims || typeof claims !== 'object' || Array.isArray(claims))
    return 'the token payload is not an object';
  const record = claims as Readonly<Record<string, unknown>>;
  if (typeof record.sub !== 'string' || record.sub === '') return 'the token has no sub claim';
  const value = claimAt(record, roleClaim);
  const candidates = Array.isArray(value) ? value : [value];
  const roles: Role[] = candidates.filter(isRole);
  return {
    kind: 'jwt',
    subject: record.sub,
    name: typeof record.name === 'string' ? record.name : null,
    role: highestRole(roles),
  };
}

/** What a token verification error means for the caller. */
function refusal(error: unknown): Authentication {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'FAST_JWT_EXPIRED') {
    return { outcome: 'rejected', failure: 'expired-token', message: 'the token has expired' };
  }
  const reasons: Record<string, string> = {
    FAST_JWT_INACTIVE: 'the token is not valid yet (nbf)',
    FAST_JWT_INVALID_SIGNATURE: 'the token signature is invalid',
    FAST_JWT_INVALID_ALGORITHM: 'the token is signed with an algorithm this server does not accept',
    FAST_JWT_MISSING_SIGNATURE: 'the token is not signed',
    FAST_JWT_MALFORMED: 'the token is malformed',
    FAST_JWT_MISSING_REQUIRED_CLAIM: `the token lacks a required claim (${REQUIRED_JWT_CLAIMS.join(', ')})`,
    FAST_JWT_INVALID_CLAIM_VALUE: 'the token is not meant for this server (iss or aud)',
  };
  const message = (typeof code === 'string' && reasons[code]) || 'the token is invalid';
  return { outcome: 'rejected', failure: 'invalid-token', message };
}

/** Authenticates JWT bearer tokens with `verify`, taking the role from `roleClaim`. */
export function createJwtAuthenticator(options: { readonly verify: JwtVerify; readonly roleClaim: string }): {
  authenticate(token: string): Authentication;
} {
  return {
    authenticate(token) {
      let claims: unknown;
      try {
        claims = options.verify(token);
      } catch (error) {
        return refusal(error);
      }
      const principal = principalFromClaims(claims, options.roleClaim);
      if (typeof principal === 'string') {
        return { outcome: 'rejected', failure: 'invalid-token', message: principal };
      }
      return { outcome: 'authenticated', principal };
    },
  };
}
