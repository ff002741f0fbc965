import type { Lang } from '../knowledge/analyzer';
import type { Sql } from '../storage/sql';

/** An organisers' conversation that receives the "new question" cards (one subscribed to the digests). */
export interface CardDestination {
  readonly key: string;
  readonly reference: Record<string, unknown>;
  readonly language: Lang;
}

/** A card to post or to update now, claimed for a while. */
export interface DueCard {
  readonly groupId: string;
  readonly destination: CardDestination;
  /** The activity posted, once it was: the card to update in place. */
  readonly activityId: string | null;
  readonly shown: 'none' | 'open' | 'answered';
  readonly attempts: number;
}

/**
 * The cards of each question in each organisers' conversation, as a ledger like the answers'
 * deliveries: a row is due when its card must be posted (a new question) or updated (an answer),
 * claimed before the connector is called, done or retried later with backoff.
 */
export class QuestionCardLedger {
  constructor(private readonly sql: Sql) {}

  /** A new question: its card is due in each organisers' conversation. */
  async queue(groupId: string, destinations: readonly CardDestination[], now: Date): Promise<void> {
    for (const d of destinations) {
      await this.sql.run(
        `INSERT INTO question_cards (group_id, conversation_key, conversation_reference, language, shown, attempts, due_at)
         VALUES (?, ?, ?, ?, 'none', 0, ?) ON CONFLICT (group_id, conversation_key) DO NOTHING`,
        [groupId, d.key, JSON.stringify(d.reference), d.language, now.toISOString()],
      );
    }
  }

  /** The question was answered (or answered again): each of its cards is due to show it. */
  async answered(groupId: string, now: Date): Promise<void> {
    await this.sql.run('UPDATE question_cards SET due_at = ?, attempts = 0, claimed_until = NULL WHERE group_id = ?', [now.toISOString(), groupId]);
  }

  async claimDue(now: Date, leaseMs: number, limit = 50): Promise<DueCard[]> {
    const at = now.toISOString();
    const rows = await this.sql.all<{ group_id: string; conversation_key: string; conversation_reference: string; language: Lang; activity_id: string | null; shown: DueCard['shown']; attempts: number | string }>(
      `SELECT group_id, conversation_key, conversation_reference, language, activity_id, shown, attempts FROM question_cards
       WHERE due_at IS NOT NULL AND due_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY due_at LIMIT ?`,
      [at, at, limit],
    );
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const due: DueCard[] = [];
    for (const r of rows) {
      const claimed = await this.sql.run('UPDATE question_cards SET claimed_until = ? WHERE group_id = ? AND conversation_key = ? AND (claimed_until IS NULL OR claimed_until < ?)', [until, r.group_id, r.conversation_key, at]);
      if (!claimed) continue;
      due.push({
        groupId: r.group_id,
        destination: { key: r.conversation_key, reference: JSON.parse(r.conversation_reference) as Record<string, unknown>, language: r.language },
        activityId: r.activity_id,
        shown: r.shown,
        attempts: Number(r.attempts),
      });
    }
    return due;
  }

  /** The card now shows what it should; nothing more to do until the next answer. */
  async done(card: DueCard, shown: DueCard['shown'], activityId: string | null): Promise<void> {
    await this.sql.run('UPDATE question_cards SET shown = ?, activity_id = ?, due_at = NULL, attempts = 0, last_error = NULL, claimed_until = NULL WHERE group_id = ? AND conversation_key = ?', [
      shown,
      activityId,
      card.groupId,
      card.destination.key,
    ]);
  }

  async failed(card: DueCard, error: string, next: Date): Promise<void> {
    await this.sql.run('UPDATE question_cards SET attempts = attempts + 1, last_error = ?, due_at = ?, claimed_until = NULL WHERE group_id = ? AND conversation_key = ?', [
      error.slice(0, 500),
      next.toISOString(),
      card.groupId,
      card.destination.key,
    ]);
  }
}
