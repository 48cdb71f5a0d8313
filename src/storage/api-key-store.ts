import type { SqlClient } from './sql-client.js';

/** Roles an API key can carry, lowest first: each one may do what the ones before it may. */
export const API_KEY_ROLES = ['viewer', 'operator', 'admin'] as const;

/** Role of an API key. */
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** A stored API key. The key itself is never stored, only its SHA-256 digest. */
export interface ApiKeyRecord {
  /** Public id, also the prefix of the key (`vgl_<id>_…`), so a lookup is one primary-key read. */
  readonly id: string;
  readonly name: string;
  readonly role: ApiKeyRole;
  /** SHA-256 of the whole key, lower-case hex (64 chars). */
  readonly keyHash: string;
  readonly createdAtMs: number;
  /** Last time a request authenticated with it (updated at most once a minute or so); null = never. */
  readonly lastUsedAtMs: number | null;
  /** When it was revoked; null = active. */
  readonly revokedAtMs: number | null;
}

/** What {@link ApiKeyStore.insert} stores. */
export type NewApiKey = Pick<ApiKeyRecord, 'id' | 'name' | 'role' | 'keyHash' | 'createdAtMs'>;

/** Outcome of {@link ApiKeyStore.revoke}. */
export type RevokeOutcome = 'revoked' | 'already-revoked' | 'not-found';

/** The `api_keys` table. */
export interface ApiKeyStore {
  /** Stores a new key; rejects when the id exists. */
  insert(key: NewApiKey): Promise<void>;
  /** The key with this id, revoked or not; null when there is none. */
  findById(id: string): Promise<ApiKeyRecord | null>;
  /** Every key, revoked ones included, oldest first. */
  list(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked at `atMs` (a revoked key stays revoked; its first revocation time is kept). */
  revoke(id: string, atMs: number): Promise<RevokeOutcome>;
  /** Records a use of the key at `atMs` (never moves `last_used_at` back). */
  markUsed(id: string, atMs: number): Promise<void>;
  /** Number of keys that are not revoked. */
  countActive(): Promise<number>;
}

interface ApiKeyRow {
  id: string;
  name: string;
  role: string;
  key_hash: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

const toMs = (value: Date | string): number =>
  value instanceof Date ? value.getTime() : new Date(value).getTime();

function isRole(value: string): value is ApiKeyRole {
  return (API_KEY_ROLES as readonly string[]).includes(value);
}

function fromRow(row: ApiKeyRow): ApiKeyRecord {
  // The CHECK constraint keeps other values out; a row that slipped past it gets no rights.
  if (!isRole(row.role)) throw new Error(`api_keys row ${row.id} has an unknown role ${row.role}`);
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    keyHash: row.key_hash,
    createdAtMs: toMs(row.created_at),
    lastUsedAtMs: row.last_used_at === null ? null : toMs(row.last_used_at),
    revokedAtMs: row.revoked_at === null ? null : toMs(row.revoked_at),
  };
}

const COLUMNS = 'id, name, role, key_hash, created_at, last_used_at, revoked_at';

/**
 * The API key store over a {@link SqlClient} (PostgreSQL or PGlite). The tables come from the migrations
 * (`runMigrations`), which must have run.
 */
export function createSqlApiKeyStore(client: SqlClient): ApiKeyStore {
  return {
    async insert(key) {
      await client.query(
        'INSERT INTO api_keys (id, name, role, key_hash, created_at) VALUES ($1, $2, $3, $4, $5)',
        [key.id, key.name, key.role, key.keyHash, new Date(key.createdAtMs)],
      );
    },
    async findById(id) {
      const rows = await client.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
      return rows[0] ? fromRow(rows[0]) : null;
    },
    async list() {
      const rows = await client.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`);
      return rows.map(fromRow);
    },
    async revoke(id, atMs) {
      const rows = await client.query<{ revoked_now: boolean }>(
        `WITH prior AS (SELECT revoked_at FROM api_keys WHERE id = $1 FOR UPDATE)
         UPDATE api_keys SET revoked_at = COALESCE(prior.revoked_at, $2::timestamptz)
         FROM prior WHERE api_keys.id = $1
         RETURNING prior.revoked_at IS NULL AS revoked_now`,
        [id, new Date(atMs)],
      );
      if (!rows[0]) return 'not-found';
      return rows[0].revoked_now ? 'revoked' : 'already-revoked';
    },
    async markUsed(id, atMs) {
      await client.query(
        `UPDATE api_keys SET last_used_at = $2
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)`,
        [id, new Date(atMs)],
      );
    },
    async countActive() {
      const rows = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM api_keys WHERE revoked_at IS NULL',
      );
      return rows[0]?.n ?? 0;
    },
  };
}
