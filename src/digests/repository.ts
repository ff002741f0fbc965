import { randomUUID } from 'node:crypto';
import type { Lang } from '../knowledge/analyzer';
import type { Sql } from '../storage/sql';

export type ItemKind = 'confirmation' | 'cancellation' | 'unanswered';

export interface PreparedDigest {
  readonly id: string;
  readonly destination: string;
  readonly attempts: number;
  readonly items: Readonly<Record<ItemKind, string[]>>;
}

export interface Subscription {
  readonly conversationKey: string;
  readonly conversationReference: Record<string, unknown>;
  readonly language: Lang;
}

export interface DigestRecord {
  readonly id: string;
  readonly destination: string;
  readonly status: 'pending' | 'sent';
  readonly trigger: string;
  readonly createdAt: string;
  readonly sentAt: string | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly items: number;
}

/**
 * The digests' ledger. Each item (a new confirmation, a cancellation, an unanswered question) is
 * assigned to exactly one digest per destination (a primary key says so); a digest stays pending,
 * and gathers what arrives meanwhile, until its sending has been acknowledged.
 */
export class DigestRepository {
  constructor(private readonly sql: Sql) {}

  async subscribe(s: Subscription & { createdBy: string; now: Date }): Promise<boolean> {
    const changed = await this.sql.run(
      `INSERT INTO digest_subscriptions (conversation_key, conversation_reference, language, created_by, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (conversation_key) DO UPDATE SET conversation_reference = excluded.conversation_reference, language = excluded.language`,
      [s.conversationKey, JSON.stringify(s.conversationReference), s.language, s.createdBy, s.now.toISOString()],
    );
    return changed > 0;
  }

  async unsubscribe(conversationKey: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM digest_subscriptions WHERE conversation_key = ?', [conversationKey])) > 0;
  }

  async subscriptions(): Promise<Subscription[]> {
    const rows = await this.sql.all<{ conversation_key: string; conversation_reference: string; language: Lang }>('SELECT conversation_key, conversation_reference, language FROM digest_subscriptions ORDER BY created_at');
    return rows.map((r) => ({ conversationKey: r.conversation_key, conversationReference: JSON.parse(r.conversation_reference) as Record<string, unknown>, language: r.language }));
  }

  /** Takes a named lease for ttlMs unless another holder has it; true when this holder has it now. */
  async acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    const expires = new Date(now.getTime() + ttlMs).toISOString();
    const changed = await this.sql.run(
      `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at < ?`,
      [name, holder, expires, now.toISOString()],
    );
    return changed > 0;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.sql.run('DELETE FROM leases WHERE name = ? AND holder = ?', [name, holder]);
  }

  /** Records that a schedule tick ran; false when another instance already ran it. */
  async claimTick(tick: string, now: Date): Promise<boolean> {
    return (await this.sql.run('INSERT INTO digest_runs (tick, at) VALUES (?, ?) ON CONFLICT (tick) DO NOTHING', [tick, now.toISOString()])) > 0;
  }

  /**
   * The destination's pending digest (a new one if none), with every item not yet in a digest
   * for this destination added to it. Undefined when there is nothing to send and empty digests are off.
   */
  async prepare(destination: string, trigger: string, now: Date, sendEmpty: boolean): Promise<PreparedDigest | undefined> {
    return this.sql.tx(async (sql) => {
      const pending = await sql.get<{ id: string; attempts: number }>("SELECT id, attempts FROM digests WHERE destination = ? AND status = 'pending' ORDER BY created_at LIMIT 1", [destination]);
      const id = pending?.id ?? randomUUID();
      if (!pending) await sql.run("INSERT INTO digests (id, destination, status, trigger, created_at, attempts) VALUES (?, ?, 'pending', ?, ?, 0)", [id, destination, trigger, now.toISOString()]);
      // "WHERE 1 = 1" lets SQLite read ON CONFLICT after INSERT … SELECT.
      await sql.run(
        `INSERT INTO digest_items (destination, kind, item_id, digest_id)
         SELECT ?, 'confirmation', CAST(id AS TEXT), ? FROM confirmations WHERE 1 = 1 AND status = 'confirmed' ON CONFLICT DO NOTHING`,
        [destination, id],
      );
      await sql.run(
        `INSERT INTO digest_items (destination, kind, item_id, digest_id)
         SELECT ?, 'cancellation', CAST(id AS TEXT) || '@' || CAST(updated_at AS TEXT), ? FROM confirmations WHERE 1 = 1 AND status = 'cancelled' ON CONFLICT DO NOTHING`,
        [destination, id],
      );
      await sql.run(
        `INSERT INTO digest_items (destination, kind, item_id, digest_id)
         SELECT ?, 'unanswered', CAST(id AS TEXT), ? FROM unanswered_questions WHERE 1 = 1 ON CONFLICT DO NOTHING`,
        [destination, id],
      );
      const rows = await sql.all<{ kind: ItemKind; item_id: string }>('SELECT kind, item_id FROM digest_items WHERE digest_id = ? ORDER BY kind, item_id', [id]);
      if (!rows.length && !sendEmpty) {
        await sql.run('DELETE FROM digests WHERE id = ?', [id]);
        return undefined;
      }
      const items: Record<ItemKind, string[]> = { confirmation: [], cancellation: [], unanswered: [] };
      for (const r of rows) items[r.kind].push(r.item_id);
      return { id, destination, attempts: pending?.attempts ?? 0, items };
    });
  }

  /** What the destination's next digest would hold now, without assigning anything: for a preview. */
  async unassigned(destination: string): Promise<Record<ItemKind, string[]>> {
    const ids = async (kind: ItemKind, select: string) =>
      (await this.sql.all<{ item_id: string }>(`SELECT item_id FROM (${select}) candidates WHERE NOT EXISTS (SELECT 1 FROM digest_items i WHERE i.destination = ? AND i.kind = ? AND i.item_id = candidates.item_id AND i.digest_id IN (SELECT id FROM digests WHERE status = 'sent'))`, [destination, kind])).map((r) => r.item_id);
    return {
      confirmation: await ids('confirmation', "SELECT CAST(id AS TEXT) AS item_id FROM confirmations WHERE status = 'confirmed'"),
      cancellation: await ids('cancellation', "SELECT CAST(id AS TEXT) || '@' || CAST(updated_at AS TEXT) AS item_id FROM confirmations WHERE status = 'cancelled'"),
      unanswered: await ids('unanswered', 'SELECT CAST(id AS TEXT) AS item_id FROM unanswered_questions'),
    };
  }

  async markSent(id: string, now: Date): Promise<void> {
    await this.sql.run("UPDATE digests SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL WHERE id = ?", [now.toISOString(), id]);
  }

  async markFailed(id: string, error: string, nextAttemptAt: Date): Promise<void> {
    await this.sql.run('UPDATE digests SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?', [error.slice(0, 500), nextAttemptAt.toISOString(), id]);
  }

  /** Destinations whose pending digest is due for another attempt. */
  async dueRetries(now: Date): Promise<string[]> {
    const rows = await this.sql.all<{ destination: string }>("SELECT destination FROM digests WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)", [now.toISOString()]);
    return rows.map((r) => r.destination);
  }

  async history(limit = 50): Promise<DigestRecord[]> {
    const rows = await this.sql.all<{ id: string; destination: string; status: 'pending' | 'sent'; trigger: string; created_at: string; sent_at: string | null; attempts: number; last_error: string | null; items: number | string }>(
      `SELECT d.id, d.destination, d.status, d.trigger, d.created_at, d.sent_at, d.attempts, d.last_error, (SELECT COUNT(*) FROM digest_items i WHERE i.digest_id = d.id) AS items
       FROM digests d ORDER BY d.created_at DESC LIMIT ?`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, destination: r.destination, status: r.status, trigger: r.trigger, createdAt: r.created_at, sentAt: r.sent_at, attempts: Number(r.attempts), lastError: r.last_error, items: Number(r.items) }));
  }
}
