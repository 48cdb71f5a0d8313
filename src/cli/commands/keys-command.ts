import { type Command, Option } from 'commander';
import { issueApiKey } from '../../api/security/issue-api-key.js';
import { ROLES, type Role } from '../../api/security/roles.js';
import { incidentStoreTarget } from '../../app/act-stage.js';
import type { AppConfig } from '../../config/app-config.js';
import { type ApiKeyRecord, createSqlApiKeyStore } from '../../storage/api-key-store.js';
import { openIncidentStore } from '../../storage/open-incident-store.js';
import type { SqlClient } from '../../storage/sql-client.js';
import { createCliContext, type GlobalFlags } from '../cli-context.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Opens (and migrates) the database the API keeps its keys in: the incident store's, i.e. `DATABASE_URL`
 * or, in Kafka mode without it, the PGlite folder `storage.dataDir`. The embedded default keeps its
 * database in memory, where no other process can reach it, so there the command refuses.
 */
async function openKeyDatabase(config: AppConfig): Promise<SqlClient> {
  const target = incidentStoreTarget(config);
  if (target.kind === 'pglite' && !target.dataDir) {
    throw new Error(
      'vigil keys needs the database the API uses: set DATABASE_URL (e.g. postgres://vigil:vigil@127.0.0.1:55432/vigil). ' +
        'Without it and without KAFKA_BROKERS, the embedded API keeps its keys in memory and prints an admin key at startup.',
    );
  }
  return (await openIncidentStore(target)).client;
}

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/** The rows of `vigil keys list`: one line per key, aligned, with a header. */
export function formatKeyTable(keys: readonly ApiKeyRecord[]): string[] {
  const rows = [
    ['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED', 'REVOKED'],
    ...keys.map((k) => [k.id, k.name, k.role, iso(k.createdAtMs), iso(k.lastUsedAtMs), iso(k.revokedAtMs)]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
}

async function withKeyDatabase<T>(command: Command, work: (client: SqlClient) => Promise<T>): Promise<T> {
  const context = createCliContext(command.optsWithGlobals<GlobalFlags>(), 'warn');
  const client = await openKeyDatabase(context.config);
  try {
    return await work(client);
  } finally {
    await client.close();
    await context.backend.close();
  }
}

/** `vigil keys create|list|revoke`: manages the API keys of the REST API (see docs/security.md). */
export function registerKeysCommand(program: Command): void {
  const keys = program
    .command('keys')
    .description('create, list or revoke API keys of the REST API')
    .addHelpText(
      'after',
      `
Keys live in the API's database (DATABASE_URL, or the PGlite folder storage.dataDir in Kafka mode).
Only a SHA-256 digest of each key is stored: a key is printed once, when it is created.
Roles: viewer (read) < operator (ingest, feedback, changes) < admin (everything).

Examples:
  DATABASE_URL=postgres://vigil:vigil@127.0.0.1:55432/vigil vigil keys create --name grafana --role viewer
  KEY=$(vigil keys create --name ci --role operator)     # the key alone goes to stdout
  vigil keys list
  vigil keys list --json
  vigil keys revoke 0123456789ab`,
    );

  keys
    .command('create')
    .description('create a key and print it once')
    .requiredOption('--name <name>', 'label of the key (who or what uses it)')
    .addOption(new Option('--role <role>', 'what the key may do').choices([...ROLES]).makeOptionMandatory())
    .action(async (options: { name: string; role: Role }, command: Command) => {
      await withKeyDatabase(command, async (client) => {
        const issued = await issueApiKey(createSqlApiKeyStore(client), options, { now: Date.now });
        note(`created API key ${issued.record.id} "${issued.record.name}" with role ${issued.record.role}.`);
        note('Store it now: it is shown only this once (Vigil keeps only its SHA-256).');
        out(issued.key);
      });
    });

  keys
    .command('list')
    .description('list keys (never the keys themselves): id, name, role, created, last used, revoked')
    .option('--json', 'one JSON object per line')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withKeyDatabase(command, async (client) => {
        const records = await createSqlApiKeyStore(client).list();
        if (options.json) {
          for (const { keyHash: _hash, ...record } of records) out(JSON.stringify(record));
        } else if (records.length === 0) {
          note('no API keys yet: create one with `vigil keys create --name <name> --role <role>`');
        } else {
          for (const line of formatKeyTable(records)) out(line);
        }
      });
    });

  keys
    .command('revoke')
    .description('revoke a key at once (refused by the API within api.auth.keyCacheTtlMs, default 5 s)')
    .argument('<id>', 'key id, as `vigil keys list` shows it (the 12 hex characters after vgl_)')
    .action(async (id: string, _options, command: Command) => {
      await withKeyDatabase(command, async (client) => {
        const outcome = await createSqlApiKeyStore(client).revoke(id, Date.now());
        if (outcome === 'not-found') throw new Error(`no API key with id ${id} (see \`vigil keys list\`)`);
        out(outcome === 'revoked' ? `revoked ${id}` : `${id} was already revoked`);
      });
    });
}
