import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Sql } from '../storage/sql';

/** The built-in Direct Line's tables, as both databases create them (timestamps as ISO text). */
export const DIRECTLINE_SCHEMA = `
  CREATE TABLE directline_conversations (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    next_seq INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    last_used TEXT NOT NULL);
  CREATE INDEX directline_conversations_last_used ON directline_conversations (last_used);
  CREATE TABLE directline_activities (
    conversation_id TEXT NOT NULL REFERENCES directline_conversations (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    activity TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seq));
  CREATE TABLE directline_keys (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_at TEXT NOT NULL);`;

export interface StoreLimits {
  /** Activities kept per conversation; the oldest go first. */
  readonly maxActivities: number;
  /** Conversations kept in all; the least recently used go first. */
  readonly maxConversations: number;
  /** Activities returned by one poll or one stream message. */
  readonly pageSize: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = { maxActivities: 1000, maxConversations: 100_000, pageSize: 200 };

export interface ActivityPage {
  readonly activities: Array<Partial<Activity>>;
  /** The sequence number the next poll starts from. */
  readonly watermark: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const activityId = (conversationId: string, seq: number) => `${conversationId}|${String(seq).padStart(7, '0')}`;

/**
 * The conversations of the built-in Direct Line, in the database: the participant's and the bot's
 * activities by sequence number, so that a client polls or streams them by watermark, a reloaded
 * page shows its history, a restart loses nothing and several instances share one conversation.
 */
export class DirectLineStore {
  constructor(
    private readonly sql: Sql,
    readonly limits: StoreLimits = DEFAULT_STORE_LIMITS,
  ) {}

  /** The token-signing key all instances share, made on first use; tokens outlive restarts. */
  async signingKey(): Promise<Buffer> {
    const fresh = randomBytes(32).toString('base64');
    await this.sql.run('INSERT INTO directline_keys (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', ['tokens', fresh, iso(Date.now())]);
    const row = await this.sql.get<{ value: string }>('SELECT value FROM directline_keys WHERE name = ?', ['tokens']);
    return Buffer.from(row!.value, 'base64');
  }

  async create(id: string, userId: string, now: number): Promise<void> {
    await this.sql.run('INSERT INTO directline_conversations (id, user_id, next_seq, created_at, last_used) VALUES (?, ?, 0, ?, ?) ON CONFLICT (id) DO NOTHING', [id, userId, iso(now), iso(now)]);
  }

  /** The user a conversation belongs to; undefined when it does not exist (or expired). */
  async owner(id: string): Promise<string | undefined> {
    return (await this.sql.get<{ user_id: string }>('SELECT user_id FROM directline_conversations WHERE id = ?', [id]))?.user_id;
  }

  /** Appends an activity, giving it its id ("conversation|0000042"); undefined for an unknown conversation. */
  async append(id: string, activity: Partial<Activity>, now: number): Promise<string | undefined> {
    return this.sql.tx(async (sql) => {
      const row = await sql.get<{ seq: number }>('UPDATE directline_conversations SET next_seq = next_seq + 1, last_used = ? WHERE id = ? RETURNING next_seq - 1 AS seq', [iso(now), id]);
      if (!row) return undefined;
      const seq = Number(row.seq);
      const stored = { ...activity, id: activityId(id, seq) };
      await sql.run('INSERT INTO directline_activities (conversation_id, seq, activity) VALUES (?, ?, ?)', [id, seq, JSON.stringify(stored)]);
      if (seq >= this.limits.maxActivities) await sql.run('DELETE FROM directline_activities WHERE conversation_id = ? AND seq <= ?', [id, seq - this.limits.maxActivities]);
      return stored.id;
    });
  }

  /** The activities from the watermark on (at most a page), and the watermark after them. */
  async since(id: string, watermark: number): Promise<ActivityPage | undefined> {
    const conversation = await this.sql.get<{ next_seq: number }>('SELECT next_seq FROM directline_conversations WHERE id = ?', [id]);
    if (!conversation) return undefined;
    const rows = await this.sql.all<{ seq: number; activity: string }>('SELECT seq, activity FROM directline_activities WHERE conversation_id = ? AND seq >= ? ORDER BY seq LIMIT ?', [id, watermark, this.limits.pageSize]);
    const next = rows.length === this.limits.pageSize ? Number(rows.at(-1)!.seq) + 1 : Number(conversation.next_seq);
    return { activities: rows.map((r) => JSON.parse(r.activity) as Partial<Activity>), watermark: String(next) };
  }

  /**
   * Retention and bounds: conversations idle since before `before` go with their activities, then the
   * least recently used beyond the cap. Resolves with how many conversations went.
   */
  async purge(before: Date): Promise<number> {
    let removed = await this.sql.run('DELETE FROM directline_conversations WHERE last_used < ?', [before.toISOString()]);
    const count = Number((await this.sql.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM directline_conversations'))?.n ?? 0);
    if (count > this.limits.maxConversations) {
      const cut = await this.sql.get<{ last_used: string }>('SELECT last_used FROM directline_conversations ORDER BY last_used DESC LIMIT 1 OFFSET ?', [this.limits.maxConversations]);
      if (cut) removed += await this.sql.run('DELETE FROM directline_conversations WHERE last_used <= ?', [cut.last_used]);
    }
    return removed;
  }
}
