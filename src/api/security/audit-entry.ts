import type { AuditEntry } from '../../storage/audit-log-store.js';
import type { Authentication } from './principal.js';

/** Methods whose calls change state and are therefore audited. */
export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** True for POST, PUT, PATCH and DELETE. */
export function isStateChanging(method: string): boolean {
  return STATE_CHANGING_METHODS.has(method.toUpperCase());
}

/** What is known about a finished call. */
export interface CallFacts {
  readonly atMs: number;
  readonly method: string;
  /** Route pattern (`/api/v1/incidents/:id`), not the raw URL. */
  readonly route: string;
  /** The route's path parameters. */
  readonly params: unknown;
  /** Parameter naming the target (the route's `config.auditTarget`); default `id`. */
  readonly targetParam: string | undefined;
  readonly statusCode: number;
  readonly requestId: string;
  readonly clientIp: string;
  readonly authEnabled: boolean;
  readonly authentication: Authentication;
}

function targetOf(params: unknown, name: string): string | null {
  if (!params || typeof params !== 'object') return null;
  const value = (params as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * The audit entry of a finished call: who (key id and name, or JWT subject; `anonymous` when nobody was
 * authenticated), with which role, what (method, route, target id), the outcome (status code), and
 * where from (request id, client IP). Refused credentials are noted in `detail.authFailure`.
 */
export function auditEntryFor(facts: CallFacts): AuditEntry {
  const { authentication } = facts;
  const principal = authentication.outcome === 'authenticated' ? authentication.principal : null;
  const detail: Record<string, unknown> = {};
  if (!facts.authEnabled) detail.auth = 'disabled';
  if (authentication.outcome === 'rejected') detail.authFailure = authentication.failure;
  return {
    atMs: facts.atMs,
    actorKind: principal?.kind ?? 'anonymous',
    actorId: principal === null ? null : principal.kind === 'api-key' ? principal.id : principal.subject,
    actorName: principal?.name ?? null,
    role: principal?.role ?? null,
    method: facts.method.toUpperCase(),
    route: facts.route,
    targetId: targetOf(facts.params, facts.targetParam ?? 'id'),
    statusCode: facts.statusCode,
    requestId: facts.requestId,
    clientIp: facts.clientIp,
    detail,
  };
}
