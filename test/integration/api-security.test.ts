import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { parseAuthSettings } from '../../src/api/security/auth-settings.js';
import { issueApiKey } from '../../src/api/security/issue-api-key.js';
import { registerSecurity } from '../../src/api/security/register-security.js';
import { createSqlApiKeyStore } from '../../src/storage/api-key-store.js';
import { createSqlAuditLogStore } from '../../src/storage/audit-log-store.js';
import { runMigrations } from '../../src/storage/migrations.js';
import { createPgSqlClient } from '../../src/storage/pg-sql-client.js';
import { describeSecurityStoreContract } from '../storage/api-security-store-contract.js';

import { DATABASE_URL, useScratchSchemas } from './support/postgres.js';

const scratch = useScratchSchemas('sec');
const freshSchema = scratch.freshSchema;

describeSecurityStoreContract('PostgreSQL through pg', async () => {
  const schema = await freshSchema();
  const client = createPgSqlClient({ connectionString: DATABASE_URL, schema });
  return {
    client,
    async dispose() {
      await client.close();
      await scratch.admin().query(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
});

describe('security layer on PostgreSQL', () => {
  it('authenticates with a key stored by one pool, records its use and audits calls through another pool', async () => {
    const schema = await freshSchema();
    const cli = createPgSqlClient({ connectionString: DATABASE_URL, schema });
    const api = createPgSqlClient({ connectionString: DATABASE_URL, schema });
    const app = Fastify({ logger: false });
    try {
      await runMigrations(cli);
      // As `vigil keys create` would, from another process.
      const issued = await issueApiKey(
        createSqlApiKeyStore(cli),
        { name: 'ci', role: 'operator' },
        { now: Date.now },
      );
      const security = await registerSecurity(app, {
        settings: parseAuthSettings({ keyCacheTtlMs: 0 }, 'test'),
        secrets: { jwtKey: undefined },
        apiKeys: createSqlApiKeyStore(api),
        auditLog: createSqlAuditLogStore(api),
      });
      app.post('/api/v1/incidents/:id/feedback', { config: { role: 'operator' } }, async () => ({
        ok: true,
      }));
      app.delete('/api/v1/incidents/:id', { config: { role: 'admin' } }, async () => ({ ok: true }));
      const headers = { authorization: `Bearer ${issued.key}` };
      const accepted = await app.inject({ method: 'POST', url: '/api/v1/incidents/inc-1/feedback', headers });
      const forbidden = await app.inject({ method: 'DELETE', url: '/api/v1/incidents/inc-1', headers });
      expect([accepted.statusCode, forbidden.statusCode]).toEqual([200, 403]);
      await security.flush();

      const rows = await scratch.admin().query(
        `SELECT actor, actor_kind, actor_name, role, action, method, route, subject, status_code, client_ip
         FROM ${schema}.audit_log ORDER BY id`,
      );
      expect(rows.rows).toEqual([
        {
          actor: issued.record.id,
          actor_kind: 'api-key',
          actor_name: 'ci',
          role: 'operator',
          action: 'POST /api/v1/incidents/:id/feedback',
          method: 'POST',
          route: '/api/v1/incidents/:id/feedback',
          subject: 'inc-1',
          status_code: 200,
          client_ip: '127.0.0.1',
        },
        {
          actor: issued.record.id,
          actor_kind: 'api-key',
          actor_name: 'ci',
          role: 'operator',
          action: 'DELETE /api/v1/incidents/:id',
          method: 'DELETE',
          route: '/api/v1/incidents/:id',
          subject: 'inc-1',
          status_code: 403,
          client_ip: '127.0.0.1',
        },
      ]);
      // The use was recorded; the key row never holds the key.
      const keyRow = await scratch.admin().query(`SELECT * FROM ${schema}.api_keys`);
      expect(keyRow.rows[0].last_used_at).toBeInstanceOf(Date);
      expect(JSON.stringify(keyRow.rows)).not.toContain(issued.key.slice(17));

      // Revoked from the CLI's pool: refused at once with no key cache.
      await createSqlApiKeyStore(cli).revoke(issued.record.id, Date.now());
      const revoked = await app.inject({ method: 'POST', url: '/api/v1/incidents/inc-1/feedback', headers });
      expect(revoked.statusCode).toBe(401);
    } finally {
      await app.close();
      await cli.close();
      await api.close();
    }
  });
});
