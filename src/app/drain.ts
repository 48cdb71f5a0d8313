import type { LogAdmin } from '../consumers/log-port.js';

/**
 * Resolves once `groupId` has committed everything in `topic` (up to the ends seen now), or rejects after
 * `timeoutMs`. Trailing transaction markers are tolerated: a partition counts as drained when its
 * committed offset is within `markerSlack` of the end.
 */
export async function waitForGroupToDrain(
  admin: LogAdmin,
  groupId: string,
  topic: string,
  options: { timeoutMs: number; markerSlack?: number; pollMs?: number; isRunning?: () => boolean },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const slack = options.markerSlack ?? 0;
  const ends = await admin.offsetRange(topic);
  for (;;) {
    const committed = await admin.committedOffsets(groupId, topic);
    const behind = [...ends].filter(([p, r]) => r.end > r.start && (committed.get(p) ?? -1) < r.end - slack);
    if (behind.length === 0) return;
    if (options.isRunning && !options.isRunning()) return;
    if (Date.now() > deadline) {
      throw new Error(
        `group ${groupId} did not consume ${topic} within ${options.timeoutMs} ms (partitions ${behind.map(([p]) => p).join(', ')} behind)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}
