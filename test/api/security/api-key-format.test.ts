import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apiKeyId,
  apiKeyMatches,
  generateApiKey,
  hashApiKey,
} from '../../../src/api/security/api-key-format.js';

/** Deterministic "random" bytes: 0, 1, 2, … continuing across calls. */
function countingBytes(): (size: number) => Buffer {
  let next = 0;
  return (size) => Buffer.from(Array.from({ length: size }, () => next++ % 256));
}

describe('API key format', () => {
  it('builds vgl_<id>_<secret> from the random bytes and hashes the whole key with SHA-256', () => {
    const key = generateApiKey(countingBytes());
    expect(key.id).toBe('000102030405');
    const secret = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 6)).toString('base64url');
    expect(key.key).toBe(`vgl_000102030405_${secret}`);
    expect(key.keyHash).toBe(createHash('sha256').update(key.key).digest('hex'));
    expect(apiKeyId(key.key)).toBe('000102030405');
  });

  it('makes distinct, well-formed keys from the real random source', () => {
    const keys = Array.from({ length: 50 }, () => generateApiKey());
    expect(new Set(keys.map((k) => k.key)).size).toBe(50);
    for (const k of keys) {
      expect(k.key).toMatch(/^vgl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      expect(apiKeyId(k.key)).toBe(k.id);
      expect(apiKeyMatches(k.key, k.keyHash)).toBe(true);
    }
  });

  it.each([
    '',
    'vgl_',
    'vgl_000102030405',
    'vgl_00010203040_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'vgl_00010203040G_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'vgl_000102030405_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'vgl_000102030405_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'xyz_000102030405_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ' vgl_000102030405_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  ])('rejects the malformed key %j', (text) => {
    expect(apiKeyId(text)).toBeNull();
  });

  it('matches only the exact key: changing any one character fails', () => {
    const { key, keyHash } = generateApiKey(countingBytes());
    fc.assert(
      fc.property(fc.nat(key.length - 1), fc.string({ minLength: 1, maxLength: 1 }), (at, c) => {
        fc.pre(key[at] !== c);
        const changed = key.slice(0, at) + c + key.slice(at + 1);
        expect(apiKeyMatches(changed, keyHash)).toBe(false);
      }),
      { seed: 20260101, numRuns: 500 },
    );
    expect(apiKeyMatches(key, keyHash)).toBe(true);
    expect(apiKeyMatches(key, hashApiKey(`${key}x`))).toBe(false);
    expect(apiKeyMatches(key, 'not-hex')).toBe(false);
  });
});
