import { createHmac, type KeyObject, sign } from 'node:crypto';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs `claims` as an HS256 JWT with node:crypto alone (independent of the library under test). */
export function signHs256(claims: Record<string, unknown>, secret: string): string {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Signs `claims` as an RS256 JWT with `privateKey`. */
export function signRs256(claims: Record<string, unknown>, privateKey: KeyObject): string {
  const input = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** An unsigned token (`alg: none`), which must always be refused. */
export function unsignedToken(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
}
