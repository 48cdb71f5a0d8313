import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every Vigil API key starts with this, so scanners and people can recognise one. */
export const API_KEY_PREFIX = 'vgl_';

/** `vgl_` + 12 hex chars of id + `_` + 43 base64url chars (256 random bits). */
const KEY_PATTERN = /^vgl_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** Bytes of randomness in the secret part of a key. */
export const API_KEY_SECRET_BYTES = 32;

/** A freshly made key: show `key` once, store only `id` and `keyHash`. */
export interface GeneratedApiKey {
  /** Public id (12 hex chars), the primary key of its `api_keys` row. */
  readonly id: string;
  /** The whole key, `vgl_<id>_<secret>`. */
  readonly key: string;
  /** SHA-256 of `key`, lower-case hex. */
  readonly keyHash: string;
}

/** A source of random bytes (injected in tests). */
export type RandomBytes = (size: number) => Buffer;

/**
 * Makes a new key from 6 random bytes of id and {@link API_KEY_SECRET_BYTES} random bytes of secret.
 * A plain SHA-256 is the right digest here: the key is random and long, so there is nothing to
 * brute-force and a slow password hash would only slow every request down.
 */
export function generateApiKey(random: RandomBytes = randomBytes): GeneratedApiKey {
  const id = random(6).toString('hex');
  const secret = random(API_KEY_SECRET_BYTES).toString('base64url');
  const key = `${API_KEY_PREFIX}${id}_${secret}`;
  return { id, key, keyHash: hashApiKey(key) };
}

/** The id part of a well-formed key, or null when `text` is not shaped like a Vigil API key. */
export function apiKeyId(text: string): string | null {
  return KEY_PATTERN.exec(text)?.[1] ?? null;
}

/** SHA-256 of the whole key, lower-case hex (what `api_keys.key_hash` holds). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** True when `key` hashes to `storedHash`, compared in constant time. */
export function apiKeyMatches(key: string, storedHash: string): boolean {
  const presented = createHash('sha256').update(key, 'utf8').digest();
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
