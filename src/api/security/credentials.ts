import { API_KEY_PREFIX } from './api-key-format.js';

/** What a request presents to authenticate with, read from its headers (nothing is verified yet). */
export type PresentedCredentials =
  | { readonly kind: 'none' }
  /** From `X-API-Key: …` or `Authorization: Bearer vgl_…`. */
  | { readonly kind: 'api-key'; readonly key: string }
  /** Any other bearer token: a JWT when JWT authentication is configured. */
  | { readonly kind: 'bearer-token'; readonly token: string }
  | { readonly kind: 'malformed'; readonly reason: string };

/** The two headers credentials come in (Fastify lower-cases header names). */
export interface CredentialHeaders {
  readonly authorization?: string | undefined;
  readonly 'x-api-key'?: string | readonly string[] | undefined;
}

const BEARER = /^Bearer +(\S+)\s*$/i;

/**
 * Reads the credentials of a request. One credential per request: both headers at once, a repeated
 * `X-API-Key` or an `Authorization` scheme other than Bearer is `malformed` (refused, never guessed at).
 *
 * @example readCredentials({ authorization: 'Bearer vgl_0123456789ab_…' }) // { kind: 'api-key', key: 'vgl_…' }
 */
export function readCredentials(headers: CredentialHeaders): PresentedCredentials {
  const { authorization } = headers;
  const apiKey = headers['x-api-key'];
  if (Array.isArray(apiKey)) return { kind: 'malformed', reason: 'X-API-Key is repeated; send one key' };
  const keyHeader = typeof apiKey === 'string' ? apiKey.trim() : undefined;
  if (authorization !== undefined && keyHeader !== undefined) {
    return { kind: 'malformed', reason: 'send either Authorization or X-API-Key, not both' };
  }
  if (keyHeader !== undefined) {
    return keyHeader === ''
      ? { kind: 'malformed', reason: 'X-API-Key is empty' }
      : { kind: 'api-key', key: keyHeader };
  }
  if (authorization === undefined) return { kind: 'none' };
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) {
    return { kind: 'malformed', reason: 'Authorization must be "Bearer <API key or token>"' };
  }
  return token.startsWith(API_KEY_PREFIX) ? { kind: 'api-key', key: token } : { kind: 'bearer-token', token };
}
