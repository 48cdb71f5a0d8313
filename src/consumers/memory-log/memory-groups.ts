import type { TopicPartition } from '../log-port.js';

/** A member as the group sees it. */
export interface MemoryMember {
  readonly memberId: string;
  readonly topics: readonly string[];
}

/**
 * A consumer group of the in-process log: members, generation, range assignment and committed offsets.
 *
 * Rebalances are eager, as with Kafka's classic protocol: a join or leave bumps the generation; a member
 * adopts the new assignment only when no member of the group is inside a batch, so two members never
 * process the same partition at once.
 */
export class MemoryGroup {
  readonly members = new Map<string, MemoryMember>();
  generation = 0;
  /** Batches currently being processed by members of this group. */
  inFlight = 0;
  private readonly committed = new Map<string, number>();

  constructor(readonly groupId: string) {}

  join(member: MemoryMember): void {
    this.members.set(member.memberId, member);
    this.generation++;
  }

  leave(memberId: string): void {
    if (this.members.delete(memberId)) this.generation++;
  }

  /** Committed next offset of a partition, or undefined. */
  committedOffset(topic: string, partition: number): number | undefined {
    return this.committed.get(`${topic}\u0000${partition}`);
  }

  commit(topic: string, partition: number, offset: number): void {
    this.committed.set(`${topic}\u0000${partition}`, offset);
  }

  /**
   * Range assignment (Kafka's default for the classic protocol): per topic, members subscribed to it in
   * sorted order get contiguous partition ranges, the first ones one extra when it does not divide evenly.
   */
  assignmentFor(memberId: string, partitionCounts: ReadonlyMap<string, number>): TopicPartition[] {
    const me = this.members.get(memberId);
    if (!me) return [];
    const assigned: TopicPartition[] = [];
    for (const topic of me.topics) {
      const count = partitionCounts.get(topic) ?? 0;
      const subscribers = [...this.members.values()]
        .filter((m) => m.topics.includes(topic))
        .map((m) => m.memberId)
        .sort();
      const index = subscribers.indexOf(memberId);
      const per = Math.floor(count / subscribers.length);
      const extra = count % subscribers.length;
      const start = index * per + Math.min(index, extra);
      const size = per + (index < extra ? 1 : 0);
      for (let p = start; p < start + size; p++) assigned.push({ topic, partition: p });
    }
    return assigned;
  }
}
