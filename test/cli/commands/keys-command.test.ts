import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatKeyTable, registerKeysCommand } from '../../../src/cli/commands/keys-command.js';
import { createSqlApiKeyStore } from '../../../src/storage/api-key-store.js';
import { createPgliteSqlClient } from '../../../src/storage/pglite-sql-client.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Kafka mode (no broker is contacted by `keys`) keeps the database in the PGlite folder VIGIL_DATA_DIR.
const ENV = { KAFKA_BROKERS: '127.0.0.1:1', VIGIL_DATA_DIR: join(dir, 'db') };
const CLEARED = ['DATABASE_URL', 'VIGIL_CONFIG', 'LOG_LEVEL', 'KAFKA_BROKERS', 'VIGIL_DATA_DIR'];
let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(CLEARED.map((name) => [name, process.env[name]]));
  for (const name of CLEARED) delete process.env[name];
  Object.assign(process.env, ENV);
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  vi.restoreAllMocks();
});

/** Runs `vigil keys …` in this process and returns what it wrote, line by line. */
async function vigilKeys(...args: string[]): Promise<{ stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) => (chunk: string | Uint8Array) => {
    into.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture(stdout));
  vi.spyOn(process.stderr, 'write').mockImplementation(capture(stderr));
  const program = new Command('vigil').exitOverride();
  registerKeysCommand(program);
  try {
    await program.parseAsync(['keys', ...args], { from: 'user' });
  } finally {
    vi.restoreAllMocks();
  }
  return { stdout, stderr };
}

describe('vigil keys', () => {
  it('creates a key printed once on stdout, lists it without the key, and revokes it', async () => {
    const created = await vigilKeys('create', '--name', 'ci', '--role', 'operator');
    expect(created.stdout).toHaveLength(1);
    const key = created.stdout[0]!;
    expect(key).toMatch(/^vgl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const id = key.slice(4, 16);
    expect(created.stderr.join('\n')).toContain(`created API key ${id} "ci" with role operator`);

    const listed = await vigilKeys('list', '--json');
    const rows = listed.stdout.map((line) => JSON.parse(line));
    expect(rows).toEqual([expect.objectContaining({ id, name: 'ci', role: 'operator', revokedAtMs: null })]);
    expect(listed.stdout.join('\n')).not.toContain(key.slice(17));
    expect(Object.keys(rows[0])).not.toContain('keyHash');

    expect((await vigilKeys('revoke', id)).stdout).toEqual([`revoked ${id}`]);
    expect((await vigilKeys('revoke', id)).stdout).toEqual([`${id} was already revoked`]);
    await expect(vigilKeys('revoke', 'ffffffffffff')).rejects.toThrow('no API key with id ffffffffffff');

    // What the CLI wrote is what the API will read.
    const client = await createPgliteSqlClient({ dataDir: ENV.VIGIL_DATA_DIR });
    try {
      const stored = await createSqlApiKeyStore(client).findById(id);
      expect(stored?.revokedAtMs).not.toBeNull();
    } finally {
      await client.close();
    }
  }, 120_000);

  it('refuses a role that does not exist', async () => {
    await expect(vigilKeys('create', '--name', 'x', '--role', 'root')).rejects.toThrow(
      "argument 'root' is invalid. Allowed choices are viewer, operator, admin",
    );
  });

  it('refuses on the embedded default, whose database no other process can reach', async () => {
    delete process.env.KAFKA_BROKERS;
    await expect(vigilKeys('list')).rejects.toThrow(
      'vigil keys needs the database the API uses: set DATABASE_URL',
    );
  });

  it('formats the list as aligned columns', () => {
    const lines = formatKeyTable([
      {
        id: '0123456789ab',
        name: 'grafana',
        role: 'viewer',
        keyHash: 'f'.repeat(64),
        createdAtMs: Date.UTC(2026, 0, 1),
        lastUsedAtMs: null,
        revokedAtMs: Date.UTC(2026, 0, 2),
      },
    ]);
    expect(lines).toEqual([
      'ID            NAME     ROLE    CREATED                   LAST USED  REVOKED',
      '0123456789ab  grafana  viewer  2026-01-01T00:00:00.000Z  -          2026-01-02T00:00:00.000Z',
    ]);
  });
});
