import { describe, expect, it } from 'vitest';
import { createAuditWriter } from '../../../src/api/security/audit-writer.js';
import type { AuditEntry } from '../../../src/storage/audit-log-store.js';
import { auditEntry } from '../../storage/api-security-store-contract.js';

/** A store whose writes wait until released, so a test controls when each insert finishes. */
function gatedStore() {
  const batches: string[][] = [];
  const gates: Array<() => void> = [];
  let failNext = false;
  return {
    batches,
    release: () => gates.shift()?.(),
    failNextWrite: () => {
      failNext = true;
    },
    async record(entries: readonly AuditEntry[]) {
      batches.push(entries.map((e) => e.requestId));
      await new Promise<void>((resolve) => gates.push(resolve));
      if (failNext) {
        failNext = false;
        throw new Error('insert failed');
      }
    },
  };
}

const entry = (n: number) => auditEntry({ requestId: `r${n}` });

describe('audit writer', () => {
  it('writes in order, batching what arrives while an insert runs, and flush waits for all of it', async () => {
    const store = gatedStore();
    const writer = createAuditWriter({ store, maxBatch: 2 });
    writer.enqueue(entry(1));
    for (let n = 2; n <= 6; n++) writer.enqueue(entry(n));
    const flushed = writer.flush();
    for (let i = 0; i < 4; i++) {
      await Promise.resolve();
      store.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await flushed;
    expect(store.batches).toEqual([['r1'], ['r2', 'r3'], ['r4', 'r5'], ['r6']]);
    expect(writer.stats()).toEqual({ written: 6, failed: 0, dropped: 0, queued: 0 });
  });

  it('drops and counts entries beyond maxQueued and reports a failed batch', async () => {
    const store = gatedStore();
    const dropped: string[] = [];
    const failed: string[][] = [];
    const writer = createAuditWriter({
      store,
      maxQueued: 2,
      onDrop: (e) => dropped.push(e.requestId),
      onWriteError: (_error, entries) => failed.push(entries.map((e) => e.requestId)),
    });
    writer.enqueue(entry(1)); // taken by the first insert at once
    writer.enqueue(entry(2));
    writer.enqueue(entry(3));
    writer.enqueue(entry(4)); // queue holds 2 and 3: dropped
    expect(dropped).toEqual(['r4']);
    store.failNextWrite();
    const flushed = writer.flush();
    store.release();
    await new Promise((resolve) => setImmediate(resolve));
    store.release();
    await flushed;
    expect(failed).toEqual([['r1']]);
    expect(store.batches).toEqual([['r1'], ['r2', 'r3']]);
    expect(writer.stats()).toEqual({ written: 2, failed: 1, dropped: 1, queued: 0 });
  });
});
