/**
 * The little SQL surface the incident store needs. Two adapters implement it — `pg` (any PostgreSQL) and
 * PGlite (embedded) — and the store sends both the same SQL text with `$n` parameters.
 */
export interface SqlClient {
  /** `postgres` or `pglite`, for logs and error messages. */
  readonly kind: 'postgres' | 'pglite';
  /** One statement with `$1…$n` parameters; resolves with the rows. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction (commit on success, rollback on error). Nested calls reuse it. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Closes the connection(s) (idempotent). */
  close(): Promise<void>;
  /** Live counts of the connection pool, when there is one (PostgreSQL), for the pool metrics. */
  readonly pool?: SqlPoolStats;
}

/** Connection pool counts, read live (a `pg.Pool` has exactly these). */
export interface SqlPoolStats {
  readonly totalCount: number;
  readonly idleCount: number;
  /** Queries waiting for a connection: non-zero means every connection is busy. */
  readonly waitingCount: number;
  readonly options?: { readonly max?: number | undefined };
}
