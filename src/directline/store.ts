import type { Activity } from 'botbuilder';

interface Conversation {
  readonly id: string;
  readonly activities: Array<Partial<Activity>>;
  lastUsed: number;
}

/**
 * The conversations of the built-in Direct Line endpoint, in memory: each keeps its activities (the
 * participant's and the bot's) so that a client polls them by watermark and a reloaded page shows the
 * history again. Bounded: idle conversations expire, old activities of a long one are dropped.
 */
export class ConversationStore {
  private readonly conversations = new Map<string, Conversation>();

  constructor(
    private readonly opts: { maxConversations: number; maxActivities: number; idleMs: number } = { maxConversations: 10_000, maxActivities: 1_000, idleMs: 24 * 3600_000 },
  ) {}

  create(id: string, now: number): void {
    this.sweep(now);
    if (!this.conversations.has(id)) this.conversations.set(id, { id, activities: [], lastUsed: now });
  }

  has(id: string): boolean {
    return this.conversations.has(id);
  }

  /** Appends an activity, giving it its id ("conversation|000042"); returns the id. */
  append(id: string, activity: Partial<Activity>, now: number): string | undefined {
    const c = this.conversations.get(id);
    if (!c) return undefined;
    c.lastUsed = now;
    const seq = (c.activities.at(-1) ? Number(String(c.activities.at(-1)!.id).split('|')[1]) + 1 : 0) || c.activities.length;
    const activityId = `${id}|${String(seq).padStart(7, '0')}`;
    c.activities.push({ ...activity, id: activityId });
    if (c.activities.length > this.opts.maxActivities) c.activities.splice(0, c.activities.length - this.opts.maxActivities);
    return activityId;
  }

  /** The activities after the watermark (a sequence number), and the new watermark. */
  since(id: string, watermark: number, now: number): { activities: Array<Partial<Activity>>; watermark: string } | undefined {
    const c = this.conversations.get(id);
    if (!c) return undefined;
    c.lastUsed = now;
    const activities = c.activities.filter((a) => Number(String(a.id).split('|')[1]) >= watermark);
    const last = c.activities.at(-1);
    return { activities, watermark: String(last ? Number(String(last.id).split('|')[1]) + 1 : 0) };
  }

  private sweep(now: number): void {
    for (const [id, c] of this.conversations) if (now - c.lastUsed > this.opts.idleMs) this.conversations.delete(id);
    while (this.conversations.size >= this.opts.maxConversations) {
      const oldest = [...this.conversations.values()].sort((a, b) => a.lastUsed - b.lastUsed)[0]!;
      this.conversations.delete(oldest.id);
    }
  }
}
