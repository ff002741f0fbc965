import { randomUUID } from 'node:crypto';
import {
  changedFields,
  newReference,
  type Confirmation,
  type ConfirmationFilter,
  type ConfirmationInput,
  type ConfirmationRepository,
  type FollowUp,
  type HistoryEntry,
  type ParticipantKey,
  type RecordResult,
} from '../confirmations/confirmation';
import type { SqliteDatabase } from './database';

/** A confirmations row as either database returns it (PostgreSQL: dates and JSON already parsed). */
export interface ConfirmationRow {
  id: string;
  reference: string;
  event_id: string;
  channel_id: string;
  user_id: string;
  aad_object_id: string | null;
  name: string;
  email: string;
  organisation: string;
  stakeholder_group: string;
  country: string;
  session_language: string;
  chat_language: string;
  status: string;
  follow_up: string;
  conversation_reference: string | Record<string, unknown> | null;
  created_at: string | Date;
  updated_at: string | Date;
}
type Row = ConfirmationRow;

const iso = (d: string | Date): string => (d instanceof Date ? d.toISOString() : d);

export function rowToConfirmation(r: Row, history: HistoryEntry[]): Confirmation {
  return {
    id: r.id,
    reference: r.reference,
    eventId: r.event_id,
    channelId: r.channel_id,
    userId: r.user_id,
    ...(r.aad_object_id ? { aadObjectId: r.aad_object_id } : {}),
    name: r.name,
    email: r.email,
    organisation: r.organisation,
    group: r.stakeholder_group as Confirmation['group'],
    country: r.country,
    sessionLanguage: r.session_language as Confirmation['sessionLanguage'],
    chatLanguage: r.chat_language as Confirmation['chatLanguage'],
    status: r.status as Confirmation['status'],
    followUp: r.follow_up as Confirmation['followUp'],
    conversationReference: typeof r.conversation_reference === 'string' ? (JSON.parse(r.conversation_reference) as Record<string, unknown>) : r.conversation_reference,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    history,
  };
}

/** The confirmations ledger on SQLite: each operation is one transaction. */
export class SqliteConfirmationRepository implements ConfirmationRepository {
  constructor(private readonly db: SqliteDatabase) {}

  private history(id: string): HistoryEntry[] {
    return (this.db.prepare('SELECT at, action, actor, changes FROM confirmation_history WHERE confirmation_id = ? ORDER BY id').all(id) as Array<{ at: string; action: HistoryEntry['action']; actor: string; changes: string }>).map(
      (h) => ({ at: h.at, action: h.action, actor: h.actor, changes: JSON.parse(h.changes) as Record<string, unknown> }),
    );
  }

  private load(where: string, ...params: unknown[]): Confirmation | undefined {
    const row = this.db.prepare(`SELECT * FROM confirmations WHERE ${where}`).get(...params) as Row | undefined;
    return row ? rowToConfirmation(row, this.history(row.id)) : undefined;
  }

  private addHistory(id: string, entry: HistoryEntry): void {
    this.db.prepare('INSERT INTO confirmation_history (confirmation_id, at, action, actor, changes) VALUES (?, ?, ?, ?, ?)').run(id, entry.at, entry.action, entry.actor, JSON.stringify(entry.changes));
  }

  record(input: ConfirmationInput, who: ParticipantKey, opts: { activityKey: string; conversationReference?: Record<string, unknown> | null; now: Date }): Promise<RecordResult> {
    const now = opts.now.toISOString();
    const result = this.db.transaction((): RecordResult => {
      const seen = this.db.prepare('SELECT confirmation_id FROM processed_activities WHERE activity_key = ?').get(opts.activityKey) as { confirmation_id: string } | undefined;
      if (seen) return { confirmation: this.load('id = ?', seen.confirmation_id)!, outcome: 'duplicate' };
      const existing = this.load('channel_id = ? AND user_id = ? AND event_id = ?', who.channelId, who.userId, input.eventId);
      let id: string;
      let outcome: RecordResult['outcome'];
      const values = {
        name: input.name,
        email: input.email,
        organisation: input.organisation,
        group: input.group,
        country: input.country,
        session_language: input.sessionLanguage,
        chat_language: input.chatLanguage,
        aad: who.aadObjectId ?? null,
        ref: opts.conversationReference ? JSON.stringify(opts.conversationReference) : null,
        now,
      };
      if (existing) {
        id = existing.id;
        outcome = existing.status === 'cancelled' ? 'reconfirmed' : 'updated';
        this.db
          .prepare(
            `UPDATE confirmations SET name = @name, email = @email, organisation = @organisation, stakeholder_group = @group, country = @country,
               session_language = @session_language, chat_language = @chat_language, aad_object_id = COALESCE(@aad, aad_object_id),
               conversation_reference = COALESCE(@ref, conversation_reference), status = 'confirmed', updated_at = @now WHERE id = @id`,
          )
          .run({ ...values, id });
        this.addHistory(id, { at: now, action: outcome, actor: 'participant', changes: changedFields(existing, input) });
      } else {
        id = randomUUID();
        outcome = 'created';
        for (let attempt = 0; ; attempt++) {
          try {
            this.db
              .prepare(
                `INSERT INTO confirmations (id, reference, event_id, channel_id, user_id, aad_object_id, name, email, organisation, stakeholder_group, country,
                   session_language, chat_language, status, follow_up, conversation_reference, created_at, updated_at)
                 VALUES (@id, @reference, @event, @channel, @user, @aad, @name, @email, @organisation, @group, @country, @session_language, @chat_language,
                   'confirmed', 'new', @ref, @now, @now)`,
              )
              .run({ ...values, id, reference: newReference(), event: input.eventId, channel: who.channelId, user: who.userId });
            break;
          } catch (e) {
            if (attempt < 5 && /UNIQUE constraint failed: confirmations\.reference/.test((e as Error).message)) continue;
            throw e;
          }
        }
        this.addHistory(id, { at: now, action: 'created', actor: 'participant', changes: {} });
      }
      this.db.prepare('INSERT INTO processed_activities (activity_key, confirmation_id, at) VALUES (?, ?, ?)').run(opts.activityKey, id, now);
      return { confirmation: this.load('id = ?', id)!, outcome };
    })();
    return Promise.resolve(result);
  }

  get(id: string): Promise<Confirmation | undefined> {
    return Promise.resolve(this.load('id = ?', id));
  }

  byReference(reference: string): Promise<Confirmation | undefined> {
    return Promise.resolve(this.load('reference = ?', reference.toUpperCase()));
  }

  forParticipant(who: ParticipantKey): Promise<Confirmation[]> {
    const rows = this.db.prepare('SELECT * FROM confirmations WHERE channel_id = ? AND user_id = ? ORDER BY created_at, id').all(who.channelId, who.userId) as Row[];
    return Promise.resolve(rows.map((r) => rowToConfirmation(r, this.history(r.id))));
  }

  list(filter: ConfirmationFilter = {}): Promise<Confirmation[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      where.push(sql);
      params.push(value);
    };
    if (filter.eventId) add('event_id = ?', filter.eventId);
    if (filter.status) add('status = ?', filter.status);
    if (filter.followUp) add('follow_up = ?', filter.followUp);
    if (filter.since) add('updated_at >= ?', filter.since.toISOString());
    const rows = this.db.prepare(`SELECT * FROM confirmations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`).all(...params) as Row[];
    return Promise.resolve(rows.map((r) => rowToConfirmation(r, this.history(r.id))));
  }

  cancel(id: string, opts: { actor: string; now: Date }): Promise<Confirmation | undefined> {
    return Promise.resolve(
      this.db.transaction(() => {
        const c = this.load('id = ?', id);
        if (!c) return undefined;
        if (c.status !== 'cancelled') {
          this.db.prepare("UPDATE confirmations SET status = 'cancelled', updated_at = ? WHERE id = ?").run(opts.now.toISOString(), id);
          this.addHistory(id, { at: opts.now.toISOString(), action: 'cancelled', actor: opts.actor, changes: { status: { from: c.status, to: 'cancelled' } } });
        }
        return this.load('id = ?', id);
      })(),
    );
  }

  setFollowUp(id: string, followUp: FollowUp, opts: { actor: string; now: Date }): Promise<Confirmation | undefined> {
    return Promise.resolve(
      this.db.transaction(() => {
        const c = this.load('id = ?', id);
        if (!c) return undefined;
        if (c.followUp !== followUp) {
          this.db.prepare('UPDATE confirmations SET follow_up = ?, updated_at = ? WHERE id = ?').run(followUp, opts.now.toISOString(), id);
          this.addHistory(id, { at: opts.now.toISOString(), action: 'follow-up', actor: opts.actor, changes: { followUp: { from: c.followUp, to: followUp } } });
        }
        return this.load('id = ?', id);
      })(),
    );
  }

  deleteParticipant(who: ParticipantKey): Promise<number> {
    return Promise.resolve(
      this.db.transaction(() => {
        const ids = (this.db.prepare('SELECT id FROM confirmations WHERE channel_id = ? AND user_id = ?').all(who.channelId, who.userId) as Array<{ id: string }>).map((r) => r.id);
        for (const id of ids) {
          this.db.prepare('DELETE FROM processed_activities WHERE confirmation_id = ?').run(id);
          this.db.prepare('DELETE FROM confirmation_history WHERE confirmation_id = ?').run(id);
          this.db.prepare('DELETE FROM confirmations WHERE id = ?').run(id);
        }
        return ids.length;
      })(),
    );
  }
}
