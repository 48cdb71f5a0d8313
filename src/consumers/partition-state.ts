import type { Headers, LogRecord, OutgoingRecord } from './log-port.js';
import type { KeyedState, StoreBinding } from './stage.js';

/** Changelog header: the input offset of the last record applied to this key's state. */
export const SOURCE_OFFSET_HEADER = 'vigil.source-offset';

function readOffsetHeader(headers: Headers): number | undefined {
  const raw = headers[SOURCE_OFFSET_HEADER];
  if (!raw) return undefined;
  const n = Number(raw.toString('utf8'));
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The keyed state of one input partition, with the bookkeeping a checkpoint needs: which keys changed
 * since the last checkpoint, and the input offset each key's state reflects (the Quix idea of carrying
 * source offsets in the changelog, so that after a crash between changelog write and offset commit the
 * same record is never applied twice).
 */
export class PartitionState<S> implements KeyedState<S> {
  private readonly values = new Map<string, S>();
  private readonly dirty = new Set<string>();
  private readonly appliedOffsets = new Map<string, number>();
  /** Offset of the record being processed; set by the runtime before each handler call. */
  currentOffset = -1;

  constructor(
    readonly inputTopic: string,
    readonly partition: number,
    private readonly store: StoreBinding<S> | undefined,
  ) {}

  get size(): number {
    return this.values.size;
  }

  get(key: string): S | undefined {
    return this.values.get(key);
  }

  set(key: string, state: S): void {
    this.values.set(key, state);
    this.dirty.add(key);
    this.appliedOffsets.set(key, this.currentOffset);
  }

  delete(key: string): void {
    this.values.delete(key);
    this.dirty.add(key);
    this.appliedOffsets.set(key, this.currentOffset);
  }

  /** The input offset the state of `key` already includes, or -1. */
  appliedOffset(key: string): number {
    return this.appliedOffsets.get(key) ?? -1;
  }

  /**
   * Applies one changelog record during restore (null value = tombstone). Returns false when the value
   * cannot be read back (e.g. written by an incompatible version or settings): that key then starts
   * from empty state instead of stopping the restore.
   */
  restoreRecord(record: LogRecord): boolean {
    if (!this.store || record.key === null) return true;
    const key = record.key.toString('utf8');
    const applied = readOffsetHeader(record.headers);
    if (applied !== undefined) this.appliedOffsets.set(key, applied);
    if (record.value === null) {
      this.values.delete(key);
      return true;
    }
    try {
      this.values.set(key, this.store.deserialize(record.value, key));
      return true;
    } catch {
      this.values.delete(key);
      this.appliedOffsets.delete(key);
      return false;
    }
  }

  /** Changelog records for every key changed since the last checkpoint (to the same partition). */
  changelogRecords(): OutgoingRecord[] {
    const store = this.store;
    if (!store) return [];
    const records: OutgoingRecord[] = [];
    for (const key of this.dirty) {
      const state = this.values.get(key);
      records.push({
        topic: store.changelogTopic,
        partition: this.partition,
        key,
        value: state === undefined ? null : store.serialize(state),
        headers: { [SOURCE_OFFSET_HEADER]: String(this.appliedOffsets.get(key) ?? -1) },
      });
    }
    return records;
  }

  /** Forgets which keys changed (after a successful checkpoint). */
  markClean(): void {
    this.dirty.clear();
  }

  get dirtyCount(): number {
    return this.dirty.size;
  }
}
