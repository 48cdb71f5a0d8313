import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/api/security/api-key-format.js';
import { issueApiKey } from '../../src/api/security/issue-api-key.js';
import { type ApiKeyStore, createSqlApiKeyStore } from '../../src/storage/api-key-store.js';
import {
  type AuditEntry,
  type AuditLogStore,
  createSqlAuditLogStore,
} from '../../src/storage/audit-log-store.js';
import { runMigrations } from '../../src/storage/migrations.js';
import type { SqlClient } from '../../src/storage/sql-client.js';

/** A fresh, empty database (its own schema) and how to dispose of it. */
export interface SecurityStoreFixture {
  readonly client: SqlClient;
  dispose(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** An audit entry with every field set; `over` replaces some. */
export function auditEntry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    atMs: T0,
    actorKind: 'api-key',
    actorId: '0123456789ab',
    actorName: 'ci',
    role: 'operator',
    method: 'POST',
    route: '/api/v1/incidents/:id/feedback',
    targetId: 'inc-1',
    statusCode: 200,
    requestId: 'req-1',
    clientIp: '10.0.0.7',
    detail: {},
    ...over,
  };
}

/** Every text value of every row of `table`, for "is this secret anywhere in the table" checks. */
async function everyValue(client: SqlClient, table: string): Promise<string[]> {
  const rows = await client.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
  return rows.flatMap((row) =>
    Object.values(row).map((v) => (v instanceof Date ? v.toISOString() : String(v))),
  );
}

/**
 * Contract of the API key store and the audit log store, run on PGlite (unit) and on the real
 * PostgreSQL (`test/integration/api-security.test.ts`).
 */
export function describeSecurityStoreContract(
  adapter: string,
  open: () => Promise<SecurityStoreFixture>,
): void {
  describe(`API key and audit log stores (${adapter})`, () => {
    let fixture: SecurityStoreFixture;
    let keys: ApiKeyStore;
    let audit: AuditLogStore;

    beforeEach(async () => {
      fixture = await open();
      await runMigrations(fixture.client);
      keys = createSqlApiKeyStore(fixture.client);
      audit = createSqlAuditLogStore(fixture.client);
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    it('stores only the digest of a key: neither the key nor its secret part is anywhere in the table', async () => {
      const issued = await issueApiKey(keys, { name: 'ci', role: 'operator' }, { now: () => T0 });
      const secretPart = issued.key.slice(issued.key.lastIndexOf('_') + 1);
      const values = await everyValue(fixture.client, 'api_keys');
      expect(values).toContain(issued.record.id);
      expect(values).toContain(issued.record.keyHash);
      for (const value of values) {
        expect(value).not.toContain(issued.key);
        expect(value).not.toContain(secretPart);
      }
      const stored = await keys.findById(issued.record.id);
      expect(stored).toEqual({ ...issued.record, lastUsedAtMs: null, revokedAtMs: null });
    });

    it('refuses a second key with the same id and a role outside viewer/operator/admin', async () => {
      const g = generateApiKey();
      const base = { id: g.id, name: 'a', role: 'viewer' as const, keyHash: g.keyHash, createdAtMs: T0 };
      await keys.insert(base);
      await expect(keys.insert({ ...base, name: 'b' })).rejects.toThrow();
      const other = generateApiKey();
      await expect(
        fixture.client.query(
          `INSERT INTO api_keys (id, name, role, key_hash, created_at) VALUES ($1, 'x', 'root', $2, now())`,
          [other.id, other.keyHash],
        ),
      ).rejects.toThrow();
      expect((await keys.list()).map((k) => k.name)).toEqual(['a']);
    });

    it('revokes once, keeps the first revocation time, and counts only active keys', async () => {
      const a = await issueApiKey(keys, { name: 'a', role: 'admin' }, { now: () => T0 });
      const b = await issueApiKey(keys, { name: 'b', role: 'viewer' }, { now: () => T0 + 1 });
      expect(await keys.countActive()).toBe(2);
      expect(await keys.revoke(a.record.id, T0 + 10)).toBe('revoked');
      expect(await keys.revoke(a.record.id, T0 + 20)).toBe('already-revoked');
      expect(await keys.revoke('ffffffffffff', T0 + 20)).toBe('not-found');
      expect((await keys.findById(a.record.id))?.revokedAtMs).toBe(T0 + 10);
      expect(await keys.countActive()).toBe(1);
      expect((await keys.list()).map((k) => [k.name, k.revokedAtMs])).toEqual([
        ['a', T0 + 10],
        ['b', null],
      ]);
      expect(b.record.revokedAtMs).toBeNull();
    });

    it('records uses and never moves last_used_at back', async () => {
      const a = await issueApiKey(keys, { name: 'a', role: 'viewer' }, { now: () => T0 });
      await keys.markUsed(a.record.id, T0 + 5000);
      await keys.markUsed(a.record.id, T0 + 1000);
      expect((await keys.findById(a.record.id))?.lastUsedAtMs).toBe(T0 + 5000);
      expect(await keys.findById('000000000000')).toBeNull();
    });

    it('appends audit entries in order and reads them back newest first with filters', async () => {
      const entries = [
        auditEntry({ requestId: 'r1' }),
        auditEntry({ requestId: 'r2', actorKind: 'jwt', actorId: 'alice', actorName: null, targetId: null }),
        auditEntry({
          requestId: 'r3',
          actorKind: 'anonymous',
          actorId: null,
          actorName: null,
          role: null,
          statusCode: 401,
          detail: { authFailure: 'revoked-key' },
        }),
      ];
      await audit.record(entries.slice(0, 2));
      await audit.record(entries.slice(2));
      await audit.record([]);
      const all = await audit.list();
      expect(all.map(({ id: _id, ...rest }) => rest)).toEqual([...entries].reverse());
      expect(all[0]!.id).toBeGreaterThan(all[1]!.id);
      expect((await audit.list({ actorId: 'alice' })).map((e) => e.requestId)).toEqual(['r2']);
      expect((await audit.list({ targetId: 'inc-1' })).map((e) => e.requestId)).toEqual(['r3', 'r1']);
      expect((await audit.list({ beforeId: all[0]!.id, limit: 1 })).map((e) => e.requestId)).toEqual(['r2']);
      // The original columns of audit_log are filled too.
      const raw = await fixture.client.query<{ actor: string; action: string; subject: string | null }>(
        'SELECT actor, action, subject FROM audit_log ORDER BY id',
      );
      expect(raw).toEqual([
        { actor: '0123456789ab', action: 'POST /api/v1/incidents/:id/feedback', subject: 'inc-1' },
        { actor: 'alice', action: 'POST /api/v1/incidents/:id/feedback', subject: null },
        { actor: 'anonymous', action: 'POST /api/v1/incidents/:id/feedback', subject: 'inc-1' },
      ]);
    });
  });
}
