import type { ApiPlugin } from '../api/build-app.js';
import { registerSecurity, type SecuritySetup } from '../api/security/register-security.js';
import type { AppConfig } from '../config/app-config.js';
import { createSqlApiKeyStore } from '../storage/api-key-store.js';
import { createSqlAuditLogStore } from '../storage/audit-log-store.js';
import type { SqlClient } from '../storage/sql-client.js';

/** The API's security plugin, and what it set up once the API is built. */
export interface ApiSecurity {
  readonly plugin: ApiPlugin;
  /** Set once `plugin` has run (null before). */
  setup(): SecuritySetup | null;
}

/**
 * The security layer of `vigil run api|all` on the incident store's database: API keys and the audit log
 * live next to the incidents. On the embedded default the database lives in memory, where no `vigil keys`
 * command can reach it, so a missing key is created (and printed by the caller) instead of stopping
 * startup; everywhere else a missing key stops startup with the command that creates one.
 */
export function apiSecurity(config: AppConfig, client: SqlClient): ApiSecurity {
  let setup: SecuritySetup | null = null;
  const inMemoryStore = config.mode === 'embedded' && !config.storage.databaseUrl;
  return {
    plugin: async (app) => {
      setup = await registerSecurity(app, {
        settings: config.api.auth,
        secrets: config.secrets.apiAuth,
        apiKeys: createSqlApiKeyStore(client),
        auditLog: createSqlAuditLogStore(client),
        whenNoCredentials: inMemoryStore ? 'create-admin-key' : 'fail',
      });
    },
    setup: () => setup,
  };
}
