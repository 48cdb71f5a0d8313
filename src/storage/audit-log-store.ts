import type { SqlClient } from './sql-client.js';

/** Who made a call: an API key, a JWT subject, or nobody known (no or bad credentials, auth off). */
export type AuditActorKind = 'api-key' | 'jwt' | 'anonymous';

/** One state-changing API call, as the audit log keeps it. */
export interface AuditEntry {
  /** When the response was sent, ms since the epoch. */
  readonly atMs: number;
  readonly actorKind: AuditActorKind;
  /** API key id or JWT subject; null for `anonymous`. */
  readonly actorId: string | null;
  /** API key name (JWT: the `name` claim when present). */
  readonly actorName: string | null;
  /** Role the call was made with; null when unauthenticated. */
  readonly role: string | null;
  /** HTTP method (POST, PUT, PATCH, DELETE). */
  readonly method: string;
  /** Route pattern, e.g. `/api/v1/incidents/:id/feedback` (never the raw URL with its query). */
  readonly route: string;
  /** Id of the thing the call acts on (the route's `:id`), null when it names none. */
  readonly targetId: string | null;
  readonly statusCode: number;
  /** Fastify request id (also in the logs). */
  readonly requestId: string;
  readonly clientIp: string;
  /** Extra facts, e.g. `{ authFailure: 'revoked-key' }`. */
  readonly detail: Readonly<Record<string, unknown>>;
}

/** A stored entry with its sequence number. */
export interface AuditRecord extends AuditEntry {
  /** Increases with every insert. */
  readonly id: number;
}

/** Filters of {@link AuditLogStore.list}. */
export interface AuditQuery {
  /** Only this actor (API key id or JWT subject). */
  readonly actorId?: string;
  /** Only this target id. */
  readonly targetId?: string;
  /** Entries with a smaller id than this (keyset paging, newest first). */
  readonly beforeId?: number;
  /** 1..1000, default 100. */
  readonly limit?: number;
}

/** The `audit_log` table. */
export interface AuditLogStore {
  /** Appends entries, in order, in one statement (nothing when `entries` is empty). */
  record(entries: readonly AuditEntry[]): Promise<void>;
  /** Entries, newest first. */
  list(query?: AuditQuery): Promise<AuditRecord[]>;
}

interface AuditRow {
  id: string | number;
  at: Date | string;
  actor: string;
  actor_kind: string | null;
  actor_name: string | null;
  role: string | null;
  method: string | null;
  route: string | null;
  subject: string | null;
  status_code: number | null;
  request_id: string | null;
  client_ip: string | null;
  detail: Record<string, unknown> | string | null;
}

const ANONYMOUS = 'anonymous';

function fromRow(row: AuditRow): AuditRecord {
  const kind = row.actor_kind === 'api-key' || row.actor_kind === 'jwt' ? row.actor_kind : 'anonymous';
  const detail = typeof row.detail === 'string' ? JSON.parse(row.detail) : (row.detail ?? {});
  return {
    id: Number(row.id),
    atMs: row.at instanceof Date ? row.at.getTime() : new Date(row.at).getTime(),
    actorKind: kind,
    actorId: kind === 'anonymous' ? null : row.actor,
    actorName: row.actor_name,
    role: row.role,
    method: row.method ?? '',
    route: row.route ?? '',
    targetId: row.subject,
    statusCode: row.status_code ?? 0,
    requestId: row.request_id ?? '',
    clientIp: row.client_ip ?? '',
    detail,
  };
}

/**
 * The audit log over a {@link SqlClient} (PostgreSQL or PGlite); the migrations must have run. Besides its
 * own columns, each row fills the original ones: `actor` (key id, JWT subject or `anonymous`), `action`
 * (`<METHOD> <route>`) and `subject` (the target id).
 */
export function createSqlAuditLogStore(client: SqlClient): AuditLogStore {
  return {
    async record(entries) {
      if (entries.length === 0) return;
      const params: unknown[] = [];
      const rows = entries.map((e) => {
        const values = [
          new Date(e.atMs),
          e.actorId ?? ANONYMOUS,
          `${e.method} ${e.route}`,
          e.targetId,
          JSON.stringify(e.detail),
          e.actorKind,
          e.actorName,
          e.role,
          e.method,
          e.route,
          e.statusCode,
          e.requestId,
          e.clientIp,
        ];
        const first = params.length + 1;
        params.push(...values);
        return `(${values.map((_, i) => `$${first + i}${i === 4 ? '::jsonb' : ''}`).join(', ')})`;
      });
      await client.query(
        `INSERT INTO audit_log (at, actor, action, subject, detail, actor_kind, actor_name, role, method, route,
                                status_code, request_id, client_ip)
         VALUES ${rows.join(', ')}`,
        params,
      );
    },
    async list(query = {}) {
      const limit = Math.min(1000, Math.max(1, Math.trunc(query.limit ?? 100)));
      const where: string[] = [];
      const params: unknown[] = [];
      const param = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      if (query.actorId !== undefined)
        where.push(`actor = ${param(query.actorId)} AND actor_kind <> 'anonymous'`);
      if (query.targetId !== undefined) where.push(`subject = ${param(query.targetId)}`);
      if (query.beforeId !== undefined) where.push(`id < ${param(query.beforeId)}`);
      const rows = await client.query<AuditRow>(
        `SELECT id, at, actor, actor_kind, actor_name, role, method, route, subject, status_code, request_id,
                client_ip, detail
         FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY id DESC LIMIT ${limit}`,
        params,
      );
      return rows.map(fromRow);
    },
  };
}
