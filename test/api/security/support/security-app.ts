import Fastify, { type FastifyInstance } from 'fastify';
import {
  type AuthSettingsInput,
  parseAuthSettings,
  readAuthSecrets,
} from '../../../../src/api/security/auth-settings.js';
import { issueApiKey } from '../../../../src/api/security/issue-api-key.js';
import {
  registerSecurity,
  type SecurityDeps,
  type SecuritySetup,
} from '../../../../src/api/security/register-security.js';
import type { Role } from '../../../../src/api/security/roles.js';
import { type ApiKeyStore, createSqlApiKeyStore } from '../../../../src/storage/api-key-store.js';
import { createSqlAuditLogStore } from '../../../../src/storage/audit-log-store.js';
import { runMigrations } from '../../../../src/storage/migrations.js';
import { createPgliteSqlClient } from '../../../../src/storage/pglite-sql-client.js';
import type { SqlClient } from '../../../../src/storage/sql-client.js';

let shared: Promise<SqlClient> | undefined;
let schemas = 0;

/** The PGlite instance of this test file (starting one takes seconds). */
export function sharedPglite(): Promise<SqlClient> {
  shared ??= createPgliteSqlClient();
  return shared;
}

/** Closes the PGlite instance (afterAll). */
export async function closeSharedPglite(): Promise<void> {
  if (shared) await (await shared).close();
  shared = undefined;
}

/** A fresh migrated schema in the shared PGlite, made current. */
export async function freshDatabase(): Promise<SqlClient> {
  const client = await sharedPglite();
  const schema = `app${++schemas}`;
  await client.exec(`SET search_path TO public; CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  await runMigrations(client, { timescale: 'off' });
  return client;
}

/** Keys of every role plus a revoked one, as issued (the plain keys are only here). */
export interface TestKeys {
  readonly viewer: string;
  readonly operator: string;
  readonly admin: string;
  readonly revoked: string;
  readonly ids: Readonly<Record<Role | 'revoked', string>>;
}

/** Issues one key per role and a revoked admin key. */
export async function issueTestKeys(store: ApiKeyStore): Promise<TestKeys> {
  const now = () => Date.UTC(2026, 0, 1);
  const viewer = await issueApiKey(store, { name: 'dashboards', role: 'viewer' }, { now });
  const operator = await issueApiKey(store, { name: 'on-call', role: 'operator' }, { now });
  const admin = await issueApiKey(store, { name: 'ops-admin', role: 'admin' }, { now });
  const revoked = await issueApiKey(store, { name: 'leaked', role: 'admin' }, { now });
  await store.revoke(revoked.record.id, now());
  return {
    viewer: viewer.key,
    operator: operator.key,
    admin: admin.key,
    revoked: revoked.key,
    ids: {
      viewer: viewer.record.id,
      operator: operator.record.id,
      admin: admin.record.id,
      revoked: revoked.record.id,
    },
  };
}

/** A tiny app with the security layer: routes of each role, one without a role. */
export interface SecurityApp {
  readonly app: FastifyInstance;
  readonly security: SecuritySetup;
  readonly client: SqlClient;
  /** The keys seeded before startup; null with `seedKeys: false`. */
  readonly keys: TestKeys | null;
}

/** Options of {@link buildSecurityApp}. */
export interface SecurityAppOptions {
  readonly auth?: AuthSettingsInput;
  readonly env?: Record<string, string>;
  readonly deps?: Partial<SecurityDeps>;
  /** Issue test keys before registering (default true). */
  readonly seedKeys?: boolean;
}

/** Builds the test app on a fresh schema; returns it with the keys it seeded. */
export async function buildSecurityApp(options: SecurityAppOptions = {}): Promise<SecurityApp> {
  const client = await freshDatabase();
  const apiKeys = createSqlApiKeyStore(client);
  const keys = options.seedKeys === false ? null : await issueTestKeys(apiKeys);
  const settings = parseAuthSettings({ keyCacheTtlMs: 0, ...options.auth }, 'test');
  const app = Fastify({ logger: false });
  const security = await registerSecurity(app, {
    settings,
    secrets: readAuthSecrets(settings, options.env ?? {}),
    apiKeys,
    auditLog: createSqlAuditLogStore(client),
    ...options.deps,
  });
  const who = (request: { principal: unknown }) => ({ principal: request.principal });
  app.get('/health', { config: { role: 'public' } }, async (request) => who(request));
  app.get('/things', { config: { role: 'viewer' } }, async (request) => who(request));
  app.post('/things/:id', { config: { role: 'operator' } }, async (request) => who(request));
  app.put('/things/:name/label', { config: { role: 'operator', auditTarget: 'name' } }, async (request) =>
    who(request),
  );
  app.delete('/things/:id', { config: { role: 'admin' } }, async (request) => who(request));
  app.get('/forgotten', async () => ({ reached: true }));
  app.post('/forgotten', async () => ({ reached: true }));
  await app.ready();
  return { app, security, client, keys };
}
