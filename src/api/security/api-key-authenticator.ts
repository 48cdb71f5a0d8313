import type { ApiKeyRecord, ApiKeyStore } from '../../storage/api-key-store.js';
import { apiKeyId, apiKeyMatches } from './api-key-format.js';
import type { Authentication } from './principal.js';

/** Options of {@link createApiKeyAuthenticator}. */
export interface ApiKeyAuthenticatorOptions {
  readonly store: Pick<ApiKeyStore, 'findById' | 'markUsed'>;
  /** How long a row read from the store is trusted (ms); a revocation takes at most this long to bite. */
  readonly cacheTtlMs: number;
  /** `last_used_at` is written at most once per key per this many ms (default 60000). */
  readonly markUsedEveryMs?: number;
  /** Most keys kept in the cache (default 10000); the oldest entry goes first. */
  readonly maxCachedKeys?: number;
  /** Clock, ms since the epoch. */
  readonly now: () => number;
  /** Called when recording a use fails (the request itself still succeeds). */
  readonly onMarkUsedError?: (error: unknown, keyId: string) => void;
}

/** Checks API keys against the store. */
export interface ApiKeyAuthenticator {
  /** Authenticates a presented key: `authenticated` with the key's principal, or `rejected` with why. */
  authenticate(key: string): Promise<Authentication>;
  /** Resolves when the `last_used_at` writes started so far have finished. */
  flush(): Promise<void>;
}

interface CacheEntry {
  readonly readAtMs: number;
  readonly record: Promise<ApiKeyRecord | null>;
}

const UNKNOWN_KEY = 'unknown API key';

/**
 * An {@link ApiKeyAuthenticator} that reads each key's row by its id (one primary-key lookup), compares
 * the SHA-256 of the presented key with the stored one in constant time, and refuses revoked keys.
 * Rows are cached for `cacheTtlMs`, concurrent misses share one read, and failed reads are not cached.
 * A key that does not match gets the same answer whether or not its id exists.
 */
export function createApiKeyAuthenticator(options: ApiKeyAuthenticatorOptions): ApiKeyAuthenticator {
  const { store, cacheTtlMs, now } = options;
  const markUsedEveryMs = options.markUsedEveryMs ?? 60_000;
  const maxCachedKeys = options.maxCachedKeys ?? 10_000;
  const cache = new Map<string, CacheEntry>();
  const markedAt = new Map<string, number>();
  const marking = new Set<Promise<void>>();

  function lookUp(id: string, atMs: number): Promise<ApiKeyRecord | null> {
    const cached = cache.get(id);
    if (cached && atMs - cached.readAtMs < cacheTtlMs) return cached.record;
    const record = store.findById(id);
    if (cacheTtlMs > 0) {
      cache.delete(id);
      while (cache.size >= maxCachedKeys) cache.delete(cache.keys().next().value!);
      const entry = { readAtMs: atMs, record };
      cache.set(id, entry);
      record.catch(() => {
        if (cache.get(id) === entry) cache.delete(id);
      });
    }
    return record;
  }

  function markUsed(id: string, atMs: number): void {
    const last = markedAt.get(id);
    if (last !== undefined && atMs - last < markUsedEveryMs) return;
    markedAt.delete(id);
    while (markedAt.size >= maxCachedKeys) markedAt.delete(markedAt.keys().next().value!);
    markedAt.set(id, atMs);
    const write = store
      .markUsed(id, atMs)
      .catch((error: unknown) => options.onMarkUsedError?.(error, id))
      .finally(() => marking.delete(write));
    marking.add(write);
  }

  return {
    async flush() {
      await Promise.all([...marking]);
    },
    async authenticate(key) {
      const id = apiKeyId(key);
      if (id === null) {
        return {
          outcome: 'rejected',
          failure: 'malformed-credentials',
          message: 'not a Vigil API key (expected vgl_<12 hex>_<43 base64url chars>)',
        };
      }
      const atMs = now();
      const record = await lookUp(id, atMs);
      if (record === null || !apiKeyMatches(key, record.keyHash)) {
        return { outcome: 'rejected', failure: 'unknown-key', message: UNKNOWN_KEY };
      }
      if (record.revokedAtMs !== null) {
        return { outcome: 'rejected', failure: 'revoked-key', message: `API key ${id} has been revoked` };
      }
      markUsed(id, atMs);
      return {
        outcome: 'authenticated',
        principal: { kind: 'api-key', id, name: record.name, role: record.role },
      };
    },
  };
}
