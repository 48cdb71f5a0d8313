import { VigilError } from '../errors.js';
import type { SqlClient } from './sql-client.js';

/** What migrations may depend on. */
export interface MigrationContext {
  /** True when the `timescaledb` extension is installed (or could be created) in this database. */
  readonly timescale: boolean;
}

/** One versioned schema change. `up` returns a note stored in `schema_migrations.detail`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(tx: SqlClient, context: MigrationContext): Promise<string>;
}

/** Tables whose rows are events in time; hypertables under TimescaleDB. */
export const TIME_SERIES_TABLES: ReadonlyArray<{ readonly table: string; readonly timeColumn: string }> = [
  { table: 'anomalies', timeColumn: 'occurred_at' },
  { table: 'actions', timeColumn: 'at' },
];

const CORE_TABLES = `
CREATE TABLE incidents (
  id              text PRIMARY KEY,
  correlation_key text NOT NULL,
  opened_at       timestamptz NOT NULL,
  last_anomaly_at timestamptz NOT NULL,
  severity        text NOT NULL,
  severity_rank   smallint NOT NULL,
  status          text NOT NULL DEFAULT 'open',
  revision        integer NOT NULL,
  series          text[] NOT NULL DEFAULT '{}',
  components      text[] NOT NULL DEFAULT '{}',
  anomaly_ids     text[] NOT NULL DEFAULT '{}',
  top_cause       text,
  top_confidence  double precision,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_recent_idx ON incidents (last_anomaly_at DESC, id DESC);
CREATE INDEX incidents_series_idx ON incidents USING gin (series);
CREATE INDEX incidents_components_idx ON incidents USING gin (components);

-- The time column is part of the key so the table can become a hypertable (TimescaleDB requires it).
CREATE TABLE anomalies (
  id          text NOT NULL,
  occurred_at timestamptz NOT NULL,
  incident_id text,
  series      text NOT NULL,
  value       double precision NOT NULL,
  direction   text NOT NULL,
  score       double precision NOT NULL,
  severity    text NOT NULL,
  labels      jsonb NOT NULL,
  detectors   jsonb NOT NULL,
  baseline    jsonb NOT NULL,
  config_id   text NOT NULL,
  PRIMARY KEY (id, occurred_at)
);
CREATE INDEX anomalies_incident_idx ON anomalies (incident_id, occurred_at);
CREATE INDEX anomalies_series_idx ON anomalies (series, occurred_at DESC);

CREATE TABLE contexts (
  id              text PRIMARY KEY,
  anomaly_id      text NOT NULL,
  incident_id     text,
  occurred_at     timestamptz NOT NULL,
  correlation_key text NOT NULL,
  summary_text    text NOT NULL,
  similar_incidents jsonb NOT NULL,
  degraded        text,
  embedding_model text NOT NULL
);
CREATE INDEX contexts_incident_idx ON contexts (incident_id, occurred_at);

CREATE TABLE hypotheses (
  id                text PRIMARY KEY,
  incident_id       text NOT NULL,
  revision          integer NOT NULL,
  engine            text NOT NULL,
  fallback_reason   text,
  hypotheses        jsonb NOT NULL,
  ranked_components jsonb NOT NULL,
  trigger_id        text NOT NULL,
  occurred_at       timestamptz NOT NULL
);
CREATE INDEX hypotheses_incident_idx ON hypotheses (incident_id, revision);

-- Action ids are deterministic but their time is the stage clock's, so re-delivery is made idempotent by
-- inserting only when no row has the id (see the store); (id, at) is the key a hypertable allows.
CREATE TABLE actions (
  id          text NOT NULL,
  at          timestamptz NOT NULL,
  seq         bigserial,
  incident_id text NOT NULL,
  kind        text NOT NULL,
  target      text NOT NULL,
  status      text NOT NULL,
  detail      text NOT NULL,
  attempts    integer NOT NULL,
  runbook     text,
  step        text,
  PRIMARY KEY (id, at)
);
CREATE INDEX actions_id_idx ON actions (id);
CREATE INDEX actions_incident_idx ON actions (incident_id, at, seq);

-- Reserved for the API (who acknowledged, approved or changed what); nothing writes it yet.
CREATE TABLE audit_log (
  id      bigserial PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text NOT NULL,
  action  text NOT NULL,
  subject text NOT NULL,
  detail  jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_subject_idx ON audit_log (subject, at);
`;

/** The migrations, in version order. Append only: never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'incidents, anomalies, contexts, hypotheses, actions, audit_log',
    async up(tx) {
      await tx.exec(CORE_TABLES);
      return 'created';
    },
  },
  {
    version: 2,
    name: 'hypertables for the time-series tables when TimescaleDB is available',
    async up(tx, context) {
      if (!context.timescale) return 'plain tables (timescaledb extension not available)';
      for (const { table, timeColumn } of TIME_SERIES_TABLES) {
        await tx.query(
          `SELECT create_hypertable($1::regclass, $2::name, if_not_exists => TRUE, migrate_data => TRUE)`,
          [table, timeColumn],
        );
      }
      return `hypertables: ${TIME_SERIES_TABLES.map((t) => t.table).join(', ')}`;
    },
  },
  {
    version: 3,
    name: 'api_keys (hashed API keys with roles) and the audit_log columns of the API',
    async up(tx) {
      // Keys are stored as the SHA-256 of the whole key only; `id` is the key's public prefix.
      // audit_log (version 1) had no writer until now, so its new columns can be nullable additions.
      await tx.exec(`
CREATE TABLE api_keys (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  role         text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  key_hash     text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  created_at   timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at   timestamptz
);
ALTER TABLE audit_log
  ALTER COLUMN subject DROP NOT NULL,
  ADD COLUMN actor_kind  text,
  ADD COLUMN actor_name  text,
  ADD COLUMN role        text,
  ADD COLUMN method      text,
  ADD COLUMN route       text,
  ADD COLUMN status_code integer,
  ADD COLUMN request_id  text,
  ADD COLUMN client_ip   text;
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at);`);
      return 'created';
    },
  },
  {
    version: 4,
    name: 'incident_feedback (operator verdicts given through the API)',
    async up(tx) {
      await tx.exec(`
CREATE TABLE incident_feedback (
  id             bigserial PRIMARY KEY,
  incident_id    text NOT NULL,
  verdict        text NOT NULL CHECK (verdict IN ('confirmed', 'corrected', 'false-positive')),
  root_cause     text,
  note           text,
  actor          text NOT NULL,
  at             timestamptz NOT NULL,
  memory_outcome text NOT NULL
);
CREATE INDEX incident_feedback_incident_idx ON incident_feedback (incident_id, at, id);`);
      return 'created';
    },
  },
]);

/** Whether to use TimescaleDB: `auto` = when the extension exists, `off` = never. */
export type TimescaleMode = 'auto' | 'off';

/** What {@link runMigrations} did. */
export interface MigrationReport {
  /** Versions applied by this call, in order (empty when the schema was up to date). */
  readonly applied: readonly number[];
  /** Highest version now in the database. */
  readonly version: number;
  readonly timescale: boolean;
}

const MIGRATION_LOCK_ID = 7_324_001;

/** True when the `timescaledb` extension is installed in this database. */
export async function timescaleInstalled(tx: SqlClient): Promise<boolean> {
  const rows = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'timescaledb'`,
  );
  return (rows[0]?.n ?? 0) > 0;
}

/**
 * Detects TimescaleDB: true when the extension is installed, or available and creatable here (it is then
 * created). A failed `CREATE EXTENSION` (e.g. the library is not preloaded) is rolled back to a savepoint
 * and the store uses plain tables.
 */
export async function detectTimescale(tx: SqlClient): Promise<boolean> {
  if (await timescaleInstalled(tx)) return true;
  const available = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'timescaledb'`,
  );
  if ((available[0]?.n ?? 0) === 0) return false;
  await tx.exec('SAVEPOINT vigil_timescale');
  try {
    await tx.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
    await tx.exec('RELEASE SAVEPOINT vigil_timescale');
    return true;
  } catch {
    await tx.exec('ROLLBACK TO SAVEPOINT vigil_timescale');
    return false;
  }
}

/**
 * Brings the schema up to date: in one transaction holding an advisory lock (so concurrent starters
 * serialise), creates `schema_migrations` if needed and applies, in order, every migration not yet
 * recorded there. Idempotent: a second run applies nothing. Refuses a database whose schema is newer
 * than this code.
 */
export async function runMigrations(
  client: SqlClient,
  options: { readonly timescale?: TimescaleMode; readonly migrations?: readonly Migration[] } = {},
): Promise<MigrationReport> {
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  return client.transaction(async (tx) => {
    await tx.exec(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      detail     text NOT NULL DEFAULT '',
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    const done = new Set(rows.map((r) => r.version));
    const known = migrations.at(-1)?.version ?? 0;
    const newest = rows.at(-1)?.version ?? 0;
    if (newest > known) {
      throw new VigilError(
        'VIGIL_ERR_STORE_SCHEMA_TOO_NEW',
        `the database schema is at version ${newest} but this Vigil knows migrations up to ${known}; upgrade Vigil`,
      );
    }
    const pending = migrations.filter((m) => !done.has(m.version));
    const timescale =
      options.timescale === 'off'
        ? false
        : pending.length > 0
          ? await detectTimescale(tx)
          : await timescaleInstalled(tx);
    const applied: number[] = [];
    for (const migration of pending) {
      const detail = await migration.up(tx, { timescale });
      await tx.query('INSERT INTO schema_migrations (version, name, detail) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        detail,
      ]);
      applied.push(migration.version);
    }
    return { applied, version: Math.max(newest, ...applied, 0), timescale };
  });
}
