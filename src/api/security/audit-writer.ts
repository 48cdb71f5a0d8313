import type { AuditEntry, AuditLogStore } from '../../storage/audit-log-store.js';

/** Options of {@link createAuditWriter}. */
export interface AuditWriterOptions {
  readonly store: Pick<AuditLogStore, 'record'>;
  /** Most entries waiting to be written (default 10000); beyond it new entries are dropped and counted. */
  readonly maxQueued?: number;
  /** Most entries per insert (default 500). */
  readonly maxBatch?: number;
  /** Called with a batch that could not be written (log it: the log is then the only record). */
  readonly onWriteError?: (error: unknown, entries: readonly AuditEntry[]) => void;
  /** Called with an entry dropped because the queue was full. */
  readonly onDrop?: (entry: AuditEntry) => void;
}

/** Counters of an {@link AuditWriter}. */
export interface AuditWriterStats {
  readonly written: number;
  readonly failed: number;
  readonly dropped: number;
  readonly queued: number;
}

/** Writes audit entries in the background, in order, batching what arrives while a write is running. */
export interface AuditWriter {
  /** Queues an entry (never blocks the request). */
  enqueue(entry: AuditEntry): void;
  /** Resolves when every entry queued before the call has been written (or has failed). */
  flush(): Promise<void>;
  stats(): AuditWriterStats;
}

/**
 * An {@link AuditWriter}: one insert at a time, each taking up to `maxBatch` queued entries, so a burst of
 * calls becomes a few multi-row inserts instead of one round trip each. The queue is bounded.
 */
export function createAuditWriter(options: AuditWriterOptions): AuditWriter {
  const maxQueued = options.maxQueued ?? 10_000;
  const maxBatch = options.maxBatch ?? 500;
  const queue: AuditEntry[] = [];
  let draining: Promise<void> | null = null;
  let written = 0;
  let failed = 0;
  let dropped = 0;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        await options.store.record(batch);
        written += batch.length;
      } catch (error) {
        failed += batch.length;
        options.onWriteError?.(error, batch);
      }
    }
    draining = null;
  }

  return {
    enqueue(entry) {
      if (queue.length >= maxQueued) {
        dropped += 1;
        options.onDrop?.(entry);
        return;
      }
      queue.push(entry);
      draining ??= drain();
    },
    async flush() {
      while (draining) await draining;
    },
    stats: () => ({ written, failed, dropped, queued: queue.length }),
  };
}
