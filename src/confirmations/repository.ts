import { randomUUID } from 'node:crypto';
import type { Migration } from '../storage/migration';
import { forUpdate, placeholders, uniqueViolation, type Sql } from '../storage/sql';
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
} from './confirmation';

/** The column types that differ between the two databases. */
interface LedgerTypes {
  readonly uuid: string;
  readonly json: string;
  readonly time: string;
  /** An ever-growing integer key. */
  readonly serial: string;
}

const ledgerTables = (t: LedgerTypes): string => `CREATE TABLE confirmations (
            id ${t.uuid} PRIMARY KEY,
            reference TEXT NOT NULL UNIQUE,
            event_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            aad_object_id TEXT,
            name TEXT NOT NULL,
            email TEXT NOT NULL,
            organisation TEXT NOT NULL,
            stakeholder_group TEXT NOT NULL,
            country TEXT NOT NULL,
            session_language TEXT NOT NULL,
            chat_language TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
            follow_up TEXT NOT NULL CHECK (follow_up IN ('new', 'registration-link-sent', 'test-session-done')),
            conversation_reference ${t.json},
            created_at ${t.time} NOT NULL,
            updated_at ${t.time} NOT NULL,
            UNIQUE (channel_id, user_id, event_id));
          CREATE INDEX confirmations_event ON confirmations (event_id, status);
          CREATE INDEX confirmations_updated ON confirmations (updated_at);
          CREATE TABLE confirmation_history (
            id ${t.serial},
            confirmation_id ${t.uuid} NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
            at ${t.time} NOT NULL,
            action TEXT NOT NULL,
            actor TEXT NOT NULL,
            changes ${t.json} NOT NULL);
          CREATE INDEX confirmation_history_confirmation ON confirmation_history (confirmation_id);
          CREATE TABLE processed_activities (
            activity_key TEXT PRIMARY KEY,
            confirmation_id ${t.uuid} NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
            at ${t.time} NOT NULL)`;

/** The ledger's tables (migration 3): the same shape on both databases, in each one's types. */
export const CONFIRMATIONS_SCHEMA: Migration['sql'] = {
  sqlite: ledgerTables({ uuid: 'TEXT', json: 'TEXT', time: 'TEXT', serial: 'INTEGER PRIMARY KEY AUTOINCREMENT' }),
  postgres: ledgerTables({ uuid: 'UUID', json: 'JSONB', time: 'TIMESTAMPTZ', serial: 'BIGSERIAL PRIMARY KEY' }),
};

/** A confirmations row as either database returns it (PostgreSQL: dates and JSON already parsed). */
interface ConfirmationRow {
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

interface HistoryRow {
  confirmation_id: string;
  at: string | Date;
  action: HistoryEntry['action'];
  actor: string;
  changes: string | Record<string, unknown>;
}

type RecordOptions = Parameters<ConfirmationRepository['record']>[2];

const iso = (d: string | Date): string => (d instanceof Date ? d.toISOString() : d);
const json = <T>(v: string | T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
/** Ids are UUIDs; anything else names no confirmation (and PostgreSQL would refuse to compare it). */
const UUID = /^[0-9a-f-]{36}$/i;
/** Ids per query when fetching histories: well under both databases' limits on parameters. */
const CHUNK = 500;

function rowToConfirmation(r: ConfirmationRow, history: HistoryEntry[]): Confirmation {
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
    conversationReference: r.conversation_reference === null ? null : json<Record<string, unknown>>(r.conversation_reference),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    history,
  };
}

/**
 * The confirmations ledger, on SQLite or PostgreSQL: each operation is one transaction, and several
 * bot instances on one PostgreSQL database never create duplicates (a unique key and row locks).
 */
export class SqlConfirmationRepository implements ConfirmationRepository {
  constructor(private readonly sql: Sql) {}

  private async hydrate(sql: Sql, rows: ConfirmationRow[]): Promise<Confirmation[]> {
    const history = new Map<string, HistoryEntry[]>();
    for (let i = 0; i < rows.length; i += CHUNK) {
      const ids = rows.slice(i, i + CHUNK).map((r) => r.id);
      const found = await sql.all<HistoryRow>(`SELECT confirmation_id, at, action, actor, changes FROM confirmation_history WHERE confirmation_id IN (${placeholders(ids.length)}) ORDER BY id`, ids);
      for (const h of found) {
        const entries = history.get(h.confirmation_id) ?? [];
        entries.push({ at: iso(h.at), action: h.action, actor: h.actor, changes: json<Record<string, unknown>>(h.changes) });
        history.set(h.confirmation_id, entries);
      }
    }
    return rows.map((r) => rowToConfirmation(r, history.get(r.id) ?? []));
  }

  private async one(sql: Sql, where: string, params: unknown[]): Promise<Confirmation | undefined> {
    return (await this.hydrate(sql, await sql.all<ConfirmationRow>(`SELECT * FROM confirmations WHERE ${where}`, params)))[0];
  }

  private async addHistory(sql: Sql, id: string, entry: HistoryEntry): Promise<void> {
    await sql.run('INSERT INTO confirmation_history (confirmation_id, at, action, actor, changes) VALUES (?, ?, ?, ?, ?)', [id, entry.at, entry.action, entry.actor, JSON.stringify(entry.changes)]);
  }

  record(input: ConfirmationInput, who: ParticipantKey, opts: RecordOptions): Promise<RecordResult> {
    return this.recordAttempt(input, who, opts, 0);
  }

  private async recordAttempt(input: ConfirmationInput, who: ParticipantKey, opts: RecordOptions, attempt: number): Promise<RecordResult> {
    try {
      return await this.sql.tx((sql) => this.recordIn(sql, input, who, opts));
    } catch (e) {
      const violated = uniqueViolation(e);
      // The same activity processed at the same moment by another instance: report what it recorded.
      if (violated !== undefined && /processed_activities/.test(violated)) {
        const seen = await this.sql.get<{ confirmation_id: string }>('SELECT confirmation_id FROM processed_activities WHERE activity_key = ?', [opts.activityKey]);
        if (seen) return { confirmation: (await this.one(this.sql, 'id = ?', [seen.confirmation_id]))!, outcome: 'duplicate' };
      }
      // A new reference drawn twice: draw another.
      if (violated !== undefined && /confirmations[._]reference/.test(violated) && attempt < 5) return this.recordAttempt(input, who, opts, attempt + 1);
      throw e;
    }
  }

  private async recordIn(sql: Sql, input: ConfirmationInput, who: ParticipantKey, opts: RecordOptions): Promise<RecordResult> {
    const seen = await sql.get<{ confirmation_id: string }>('SELECT confirmation_id FROM processed_activities WHERE activity_key = ?', [opts.activityKey]);
    if (seen) return { confirmation: (await this.one(sql, 'id = ?', [seen.confirmation_id]))!, outcome: 'duplicate' };
    const now = opts.now.toISOString();
    const ref = opts.conversationReference ? JSON.stringify(opts.conversationReference) : null;
    const fields = [input.name, input.email, input.organisation, input.group, input.country, input.sessionLanguage, input.chatLanguage];
    // Insert, or lock the participant's existing row for this event: two instances cannot both insert.
    const inserted = await sql.get<{ id: string }>(
      `INSERT INTO confirmations (id, reference, event_id, channel_id, user_id, aad_object_id, name, email, organisation, stakeholder_group, country,
         session_language, chat_language, status, follow_up, conversation_reference, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'confirmed', 'new', ?, ?, ?)
       ON CONFLICT (channel_id, user_id, event_id) DO NOTHING RETURNING id`,
      [randomUUID(), newReference(), input.eventId, who.channelId, who.userId, who.aadObjectId ?? null, ...fields, ref, now, now],
    );
    let id: string;
    let outcome: RecordResult['outcome'];
    if (inserted) {
      id = inserted.id;
      outcome = 'created';
      await this.addHistory(sql, id, { at: now, action: 'created', actor: 'participant', changes: {} });
    } else {
      const existing = (await this.one(sql, `channel_id = ? AND user_id = ? AND event_id = ?${forUpdate(sql)}`, [who.channelId, who.userId, input.eventId]))!;
      id = existing.id;
      outcome = existing.status === 'cancelled' ? 'reconfirmed' : 'updated';
      await sql.run(
        `UPDATE confirmations SET name = ?, email = ?, organisation = ?, stakeholder_group = ?, country = ?, session_language = ?, chat_language = ?,
           aad_object_id = COALESCE(?, aad_object_id), conversation_reference = COALESCE(?, conversation_reference), status = 'confirmed', updated_at = ?
         WHERE id = ?`,
        [...fields, who.aadObjectId ?? null, ref, now, id],
      );
      await this.addHistory(sql, id, { at: now, action: outcome, actor: 'participant', changes: changedFields(existing, input) });
    }
    await sql.run('INSERT INTO processed_activities (activity_key, confirmation_id, at) VALUES (?, ?, ?)', [opts.activityKey, id, now]);
    return { confirmation: (await this.one(sql, 'id = ?', [id]))!, outcome };
  }

  get(id: string): Promise<Confirmation | undefined> {
    return UUID.test(id) ? this.one(this.sql, 'id = ?', [id]) : Promise.resolve(undefined);
  }

  byReference(reference: string): Promise<Confirmation | undefined> {
    return this.one(this.sql, 'reference = ?', [reference.toUpperCase()]);
  }

  async forParticipant(who: ParticipantKey): Promise<Confirmation[]> {
    return this.hydrate(this.sql, await this.sql.all<ConfirmationRow>('SELECT * FROM confirmations WHERE channel_id = ? AND user_id = ? ORDER BY created_at, id', [who.channelId, who.userId]));
  }

  async list(filter: ConfirmationFilter = {}): Promise<Confirmation[]> {
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
    const rows = await this.sql.all<ConfirmationRow>(`SELECT * FROM confirmations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`, params);
    return this.hydrate(this.sql, rows);
  }

  cancel(id: string, opts: { actor: string; now: Date }): Promise<Confirmation | undefined> {
    return this.change(id, (c) => (c.status === 'cancelled' ? undefined : { column: 'status', value: 'cancelled', action: 'cancelled', changes: { status: { from: c.status, to: 'cancelled' } } }), opts);
  }

  setFollowUp(id: string, followUp: FollowUp, opts: { actor: string; now: Date }): Promise<Confirmation | undefined> {
    return this.change(id, (c) => (c.followUp === followUp ? undefined : { column: 'follow_up', value: followUp, action: 'follow-up', changes: { followUp: { from: c.followUp, to: followUp } } }), opts);
  }

  /** Changes one column of a confirmation under a lock, with its history entry; nothing when `what` says there is nothing to change. */
  private async change(
    id: string,
    what: (c: Confirmation) => { column: 'status' | 'follow_up'; value: string; action: HistoryEntry['action']; changes: Record<string, unknown> } | undefined,
    opts: { actor: string; now: Date },
  ): Promise<Confirmation | undefined> {
    if (!UUID.test(id)) return undefined;
    return this.sql.tx(async (sql) => {
      const current = await this.one(sql, `id = ?${forUpdate(sql)}`, [id]);
      if (!current) return undefined;
      const change = what(current);
      if (change) {
        const now = opts.now.toISOString();
        await sql.run(`UPDATE confirmations SET ${change.column} = ?, updated_at = ? WHERE id = ?`, [change.value, now, id]);
        await this.addHistory(sql, id, { at: now, action: change.action, actor: opts.actor, changes: change.changes });
      }
      return this.one(sql, 'id = ?', [id]);
    });
  }

  deleteParticipant(who: ParticipantKey): Promise<number> {
    const mine = 'SELECT id FROM confirmations WHERE channel_id = ? AND user_id = ?';
    const key = [who.channelId, who.userId];
    // Explicitly, not only by cascade: a SQLite connection may have foreign keys off.
    return this.sql.tx(async (sql) => {
      await sql.run(`DELETE FROM processed_activities WHERE confirmation_id IN (${mine})`, key);
      await sql.run(`DELETE FROM confirmation_history WHERE confirmation_id IN (${mine})`, key);
      return sql.run('DELETE FROM confirmations WHERE channel_id = ? AND user_id = ?', key);
    });
  }
}
