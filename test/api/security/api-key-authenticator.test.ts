import { describe, expect, it } from 'vitest';
import { createApiKeyAuthenticator } from '../../../src/api/security/api-key-authenticator.js';
import { generateApiKey } from '../../../src/api/security/api-key-format.js';
import type { ApiKeyRecord } from '../../../src/storage/api-key-store.js';

/** A store in a Map that counts its reads and records uses. */
function fakeStore(records: ApiKeyRecord[]) {
  const byId = new Map(records.map((r) => [r.id, r]));
  const reads: string[] = [];
  const uses: Array<[string, number]> = [];
  return {
    byId,
    reads,
    uses,
    failReads: false,
    async findById(id: string) {
      reads.push(id);
      if (this.failReads) throw new Error('database down');
      return byId.get(id) ?? null;
    },
    async markUsed(id: string, atMs: number) {
      uses.push([id, atMs]);
    },
  };
}

function keyRecord(name: string, over: Partial<ApiKeyRecord> = {}) {
  const g = generateApiKey();
  const record: ApiKeyRecord = {
    id: g.id,
    name,
    role: 'operator',
    keyHash: g.keyHash,
    createdAtMs: 0,
    lastUsedAtMs: null,
    revokedAtMs: null,
    ...over,
  };
  return { key: g.key, record };
}

describe('API key authenticator', () => {
  it('authenticates a stored key as its principal and refuses an altered one like an unknown one', async () => {
    const ci = keyRecord('ci');
    const store = fakeStore([ci.record]);
    const auth = createApiKeyAuthenticator({ store, cacheTtlMs: 0, now: () => 1000 });
    expect(await auth.authenticate(ci.key)).toEqual({
      outcome: 'authenticated',
      principal: { kind: 'api-key', id: ci.record.id, name: 'ci', role: 'operator' },
    });
    const last = ci.key.at(-1) === 'A' ? 'B' : 'A';
    const altered = await auth.authenticate(ci.key.slice(0, -1) + last);
    const unknown = await auth.authenticate(generateApiKey().key);
    expect(altered).toEqual({ outcome: 'rejected', failure: 'unknown-key', message: 'unknown API key' });
    expect(unknown).toEqual(altered);
    expect(await auth.authenticate('vgl_nope')).toMatchObject({ failure: 'malformed-credentials' });
  });

  it('refuses a revoked key', async () => {
    const old = keyRecord('old', { revokedAtMs: 500 });
    const auth = createApiKeyAuthenticator({
      store: fakeStore([old.record]),
      cacheTtlMs: 0,
      now: () => 1000,
    });
    expect(await auth.authenticate(old.key)).toEqual({
      outcome: 'rejected',
      failure: 'revoked-key',
      message: `API key ${old.record.id} has been revoked`,
    });
  });

  it('trusts a read for cacheTtlMs, so a revocation bites once the entry is older', async () => {
    const ci = keyRecord('ci');
    const store = fakeStore([ci.record]);
    let now = 10_000;
    const auth = createApiKeyAuthenticator({ store, cacheTtlMs: 5000, now: () => now });
    expect((await auth.authenticate(ci.key)).outcome).toBe('authenticated');
    store.byId.set(ci.record.id, { ...ci.record, revokedAtMs: now });
    now += 4999;
    expect((await auth.authenticate(ci.key)).outcome).toBe('authenticated');
    expect(store.reads).toHaveLength(1);
    now += 1;
    expect(await auth.authenticate(ci.key)).toMatchObject({ failure: 'revoked-key' });
    expect(store.reads).toHaveLength(2);
  });

  it('shares one read between concurrent requests and does not cache a failed read', async () => {
    const ci = keyRecord('ci');
    const store = fakeStore([ci.record]);
    const auth = createApiKeyAuthenticator({ store, cacheTtlMs: 5000, now: () => 0 });
    const results = await Promise.all([auth.authenticate(ci.key), auth.authenticate(ci.key)]);
    expect(results.map((r) => r.outcome)).toEqual(['authenticated', 'authenticated']);
    expect(store.reads).toHaveLength(1);

    const other = keyRecord('other');
    store.byId.set(other.record.id, other.record);
    store.failReads = true;
    await expect(auth.authenticate(other.key)).rejects.toThrow('database down');
    store.failReads = false;
    expect((await auth.authenticate(other.key)).outcome).toBe('authenticated');
  });

  it('records a use at most once per markUsedEveryMs per key', async () => {
    const ci = keyRecord('ci');
    const store = fakeStore([ci.record]);
    let now = 0;
    const auth = createApiKeyAuthenticator({ store, cacheTtlMs: 0, markUsedEveryMs: 60_000, now: () => now });
    for (const t of [0, 1000, 59_999, 60_000, 60_001, 125_000]) {
      now = t;
      await auth.authenticate(ci.key);
    }
    expect(store.uses).toEqual([
      [ci.record.id, 0],
      [ci.record.id, 60_000],
      [ci.record.id, 125_000],
    ]);
  });
});
