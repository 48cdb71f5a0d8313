import type { LogAdmin, LogBackend } from '../consumers/log-port.js';

/** Options of {@link waitForGroupToDrain}. */
export interface DrainOptions {
  readonly timeoutMs: number;
  /**
   * Offsets a committed position may stay below the end and still count as drained (transaction
   * markers). Exact only when one transactional producer writes the topic; see `tailReader`.
   */
  readonly markerSlack?: number;
  /**
   * When given, a partition whose committed offset is a little below the end (at most 64 offsets) and has
   * not moved for `settleMs` is checked by reading `[committed, end)`: it is drained when no committed
   * record is left there (only transaction markers or aborted records), whatever the number of producers.
   */
  readonly tailReader?: Pick<LogBackend, 'readRanges'>;
  /** How long a committed offset must stay put before its tail is read (default 500 ms). */
  readonly settleMs?: number;
  readonly pollMs?: number;
  readonly isRunning?: () => boolean;
}

/**
 * Longest tail read as "markers only": one marker per transactional producer that wrote the partition
 * (at most one per upstream partition). A group that has committed nothing yet is never checked this way.
 */
const MAX_MARKER_TAIL = 64;

async function recordsBetween(
  reader: Pick<LogBackend, 'readRanges'>,
  topic: string,
  partition: number,
  from: number,
  to: number,
): Promise<number> {
  let count = 0;
  await reader.readRanges({
    topic,
    ranges: new Map([[partition, { from, to }]]),
    onRecords: (records) => {
      count += records.length;
    },
  });
  return count;
}

/**
 * Resolves once `groupId` has committed everything in `topic` (up to the ends seen now), or rejects after
 * `timeoutMs`. Transaction markers after the last record are tolerated: within `markerSlack` offsets, or,
 * with a `tailReader`, however many there are (several transactional producers writing one partition
 * leave one marker each).
 */
export async function waitForGroupToDrain(
  admin: LogAdmin,
  groupId: string,
  topic: string,
  options: DrainOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const slack = options.markerSlack ?? 0;
  const settleMs = options.settleMs ?? 500;
  const ends = await admin.offsetRange(topic);
  const seen = new Map<number, { offset: number; sinceMs: number }>();
  const drainedTail = new Set<number>();
  for (;;) {
    const committed = await admin.committedOffsets(groupId, topic);
    const behind: number[] = [];
    for (const [p, r] of ends) {
      const at = committed.get(p) ?? -1;
      if (r.end <= r.start || at >= r.end - slack || drainedTail.has(p)) continue;
      const last = seen.get(p);
      if (!last || last.offset !== at) seen.set(p, { offset: at, sinceMs: Date.now() });
      else if (
        options.tailReader &&
        at >= r.start &&
        r.end - at <= MAX_MARKER_TAIL &&
        Date.now() - last.sinceMs >= settleMs &&
        (await recordsBetween(options.tailReader, topic, p, Math.max(at, r.start), r.end)) === 0
      ) {
        drainedTail.add(p);
        continue;
      }
      behind.push(p);
    }
    if (behind.length === 0) return;
    if (options.isRunning && !options.isRunning()) return;
    if (Date.now() > deadline) {
      throw new Error(
        `group ${groupId} did not consume ${topic} within ${options.timeoutMs} ms (partitions ${behind.join(', ')} behind)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}
