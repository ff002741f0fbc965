import type { Migration } from './migration';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Storage, StoreItems } from 'botbuilder';
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
import { StorageConflictError } from './sqliteStorage';
import { inTransaction } from './sql';
import { rowToConfirmation, type ConfirmationRow } from './sqliteConfirmations';

/** The storage layer's own tables; the features' come from the composition root. */
const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'bot state',
    sql: `CREATE TABLE bot_state (key TEXT PRIMARY KEY, etag TEXT NOT NULL, data JSONB NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`,
  },
  {
    id: 3,
    name: 'confirmations',
    sql: `CREATE TABLE confirmations (
            id UUID PRIMARY KEY,
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
            conversation_reference JSONB,
            created_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            UNIQUE (channel_id, user_id, event_id));
          CREATE INDEX confirmations_event ON confirmations (event_id, status);
          CREATE INDEX confirmations_updated ON confirmations (updated_at);
          CREATE TABLE confirmation_history (
            id BIGSERIAL PRIMARY KEY,
            confirmation_id UUID NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
            at TIMESTAMPTZ NOT NULL,
            action TEXT NOT NULL,
            actor TEXT NOT NULL,
            changes JSONB NOT NULL);
          CREATE INDEX confirmation_history_confirmation ON confirmation_history (confirmation_id);
          CREATE TABLE processed_activities (
            activity_key TEXT PRIMARY KEY,
            confirmation_id UUID NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
            at TIMESTAMPTZ NOT NULL)`,
  },
];

/** Opens a pool on DATABASE_URL; a `schema` parameter in the URL selects (and creates) the schema. */
export async function openPostgres(url: string, features: readonly Migration[] = []): Promise<pg.Pool> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('DATABASE_URL: schema must be a lower-case SQL identifier');
  const pool = new pg.Pool({ connectionString: parsed.toString(), max: 10, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  pool.on('error', () => undefined); // an idle client's error is reported by the next query that needs it
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await migratePostgres(pool, features);
  return pool;
}

/** Applies the migrations once, under an advisory lock so that two instances starting together do not race. */
export async function migratePostgres(pool: pg.Pool, features: readonly Migration[] = []): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(4192019)');
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)');
    const done = new Set((await client.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    const applied: number[] = [];
    for (const m of [...MIGRATIONS, ...features].sort((a, b) => a.id - b.id)) {
      if (done.has(m.id)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.postgres ?? m.sql);
        await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, now())', [m.id, m.name]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
      applied.push(m.id);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock(4192019)').catch(() => undefined);
    client.release();
  }
}

/** botbuilder Storage on PostgreSQL, with the same eTag semantics as the SQLite one. */
export class PostgresStorage implements Storage {
  constructor(private readonly pool: pg.Pool) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys.length) return {};
    const { rows } = await this.pool.query<{ key: string; etag: string; data: object }>('SELECT key, etag, data FROM bot_state WHERE key = ANY($1)', [keys]);
    const items: StoreItems = {};
    for (const r of rows) items[r.key] = { ...r.data, eTag: r.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      for (const [key, item] of Object.entries(changes)) {
        const { eTag, ...data } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
        const etag = randomUUID();
        if (eTag && eTag !== '*') {
          const updated = await c.query('UPDATE bot_state SET etag = $2, data = $3, updated_at = now() WHERE key = $1 AND etag = $4', [key, etag, data, eTag]);
          if (updated.rowCount === 0) {
            const exists = await c.query('SELECT 1 FROM bot_state WHERE key = $1', [key]);
            if (exists.rowCount) throw new StorageConflictError(key);
            await c.query('INSERT INTO bot_state (key, etag, data, updated_at) VALUES ($1, $2, $3, now())', [key, etag, data]);
          }
        } else {
          await c.query(
            `INSERT INTO bot_state (key, etag, data, updated_at) VALUES ($1, $2, $3, now())
             ON CONFLICT (key) DO UPDATE SET etag = EXCLUDED.etag, data = EXCLUDED.data, updated_at = now()`,
            [key, etag, data],
          );
        }
      }
    });
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.pool.query('DELETE FROM bot_state WHERE key = ANY($1)', [keys]);
  }
}

type PgRow = ConfirmationRow;

/** The confirmations ledger on PostgreSQL: safe with several bot instances on one database. */
export class PostgresConfirmationRepository implements ConfirmationRepository {
  constructor(private readonly pool: pg.Pool) {}

  private async hydrate(c: pg.Pool | pg.PoolClient, rows: PgRow[]): Promise<Confirmation[]> {
    if (!rows.length) return [];
    const { rows: history } = await c.query<{ confirmation_id: string; at: Date; action: HistoryEntry['action']; actor: string; changes: Record<string, unknown> }>(
      'SELECT confirmation_id, at, action, actor, changes FROM confirmation_history WHERE confirmation_id = ANY($1) ORDER BY id',
      [rows.map((r) => r.id)],
    );
    return rows.map((r) =>
      rowToConfirmation(
        r,
        history.filter((h) => h.confirmation_id === r.id).map((h) => ({ at: h.at.toISOString(), action: h.action, actor: h.actor, changes: h.changes })),
      ),
    );
  }

  private async one(c: pg.Pool | pg.PoolClient, where: string, params: unknown[]): Promise<Confirmation | undefined> {
    const { rows } = await c.query<PgRow>(`SELECT * FROM confirmations WHERE ${where}`, params);
    return (await this.hydrate(c, rows))[0];
  }

  private async addHistory(c: pg.PoolClient, id: string, entry: HistoryEntry): Promise<void> {
    await c.query('INSERT INTO confirmation_history (confirmation_id, at, action, actor, changes) VALUES ($1, $2, $3, $4, $5)', [id, entry.at, entry.action, entry.actor, entry.changes]);
  }

  async record(input: ConfirmationInput, who: ParticipantKey, opts: { activityKey: string; conversationReference?: Record<string, unknown> | null; now: Date }): Promise<RecordResult> {
    try {
      return await inTransaction(this.pool, async (c) => {
        const seen = await c.query<{ confirmation_id: string }>('SELECT confirmation_id FROM processed_activities WHERE activity_key = $1', [opts.activityKey]);
        if (seen.rowCount) return { confirmation: (await this.one(c, 'id = $1', [seen.rows[0]!.confirmation_id]))!, outcome: 'duplicate' as const };
        const now = opts.now.toISOString();
        const ref = opts.conversationReference ?? null;
        // Insert, or lock the participant's existing row for this event: two instances cannot both insert.
        const inserted = await c.query<{ id: string }>(
          `INSERT INTO confirmations (id, reference, event_id, channel_id, user_id, aad_object_id, name, email, organisation, stakeholder_group, country,
             session_language, chat_language, status, follow_up, conversation_reference, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'confirmed', 'new', $14, $15, $15)
           ON CONFLICT (channel_id, user_id, event_id) DO NOTHING RETURNING id`,
          [randomUUID(), newReference(), input.eventId, who.channelId, who.userId, who.aadObjectId ?? null, input.name, input.email, input.organisation, input.group, input.country, input.sessionLanguage, input.chatLanguage, ref, now],
        );
        let id: string;
        let outcome: RecordResult['outcome'];
        if (inserted.rowCount) {
          id = inserted.rows[0]!.id;
          outcome = 'created';
          await this.addHistory(c, id, { at: now, action: 'created', actor: 'participant', changes: {} });
        } else {
          const existing = (await this.one(c, 'channel_id = $1 AND user_id = $2 AND event_id = $3 FOR UPDATE', [who.channelId, who.userId, input.eventId]))!;
          id = existing.id;
          outcome = existing.status === 'cancelled' ? 'reconfirmed' : 'updated';
          await c.query(
            `UPDATE confirmations SET name = $2, email = $3, organisation = $4, stakeholder_group = $5, country = $6, session_language = $7, chat_language = $8,
               aad_object_id = COALESCE($9, aad_object_id), conversation_reference = COALESCE($10, conversation_reference), status = 'confirmed', updated_at = $11
             WHERE id = $1`,
            [id, input.name, input.email, input.organisation, input.group, input.country, input.sessionLanguage, input.chatLanguage, who.aadObjectId ?? null, ref, now],
          );
          await this.addHistory(c, id, { at: now, action: outcome, actor: 'participant', changes: changedFields(existing, input) });
        }
        await c.query('INSERT INTO processed_activities (activity_key, confirmation_id, at) VALUES ($1, $2, $3)', [opts.activityKey, id, now]);
        return { confirmation: (await this.one(c, 'id = $1', [id]))!, outcome };
      });
    } catch (e) {
      // The same activity processed at the same moment by another instance: report what it recorded.
      if ((e as { code?: string }).code === '23505' && /processed_activities/.test((e as { constraint?: string }).constraint ?? '')) {
        const seen = await this.pool.query<{ confirmation_id: string }>('SELECT confirmation_id FROM processed_activities WHERE activity_key = $1', [opts.activityKey]);
        return { confirmation: (await this.one(this.pool, 'id = $1', [seen.rows[0]!.confirmation_id]))!, outcome: 'duplicate' };
      }
      if ((e as { code?: string }).code === '23505' && /reference/.test((e as { constraint?: string }).constraint ?? '')) return this.record(input, who, opts);
      throw e;
    }
  }

  get(id: string): Promise<Confirmation | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(undefined);
    return this.one(this.pool, 'id = $1', [id]);
  }

  byReference(reference: string): Promise<Confirmation | undefined> {
    return this.one(this.pool, 'reference = $1', [reference.toUpperCase()]);
  }

  async forParticipant(who: ParticipantKey): Promise<Confirmation[]> {
    const { rows } = await this.pool.query<PgRow>('SELECT * FROM confirmations WHERE channel_id = $1 AND user_id = $2 ORDER BY created_at, id', [who.channelId, who.userId]);
    return this.hydrate(this.pool, rows);
  }

  async list(filter: ConfirmationFilter = {}): Promise<Confirmation[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.eventId) add('event_id = ?', filter.eventId);
    if (filter.status) add('status = ?', filter.status);
    if (filter.followUp) add('follow_up = ?', filter.followUp);
    if (filter.since) add('updated_at >= ?', filter.since);
    const { rows } = await this.pool.query<PgRow>(`SELECT * FROM confirmations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`, params);
    return this.hydrate(this.pool, rows);
  }

  async cancel(id: string, opts: { actor: string; now: Date }): Promise<Confirmation | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    return inTransaction(this.pool, async (c) => {
      const current = await this.one(c, 'id = $1 FOR UPDATE', [id]);
      if (!current) return undefined;
      if (current.status !== 'cancelled') {
        await c.query("UPDATE confirmations SET status = 'cancelled', updated_at = $2 WHERE id = $1", [id, opts.now]);
        await this.addHistory(c, id, { at: opts.now.toISOString(), action: 'cancelled', actor: opts.actor, changes: { status: { from: current.status, to: 'cancelled' } } });
      }
      return this.one(c, 'id = $1', [id]);
    });
  }

  async setFollowUp(id: string, followUp: FollowUp, opts: { actor: string; now: Date }): Promise<Confirmation | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    return inTransaction(this.pool, async (c) => {
      const current = await this.one(c, 'id = $1 FOR UPDATE', [id]);
      if (!current) return undefined;
      if (current.followUp !== followUp) {
        await c.query('UPDATE confirmations SET follow_up = $2, updated_at = $3 WHERE id = $1', [id, followUp, opts.now]);
        await this.addHistory(c, id, { at: opts.now.toISOString(), action: 'follow-up', actor: opts.actor, changes: { followUp: { from: current.followUp, to: followUp } } });
      }
      return this.one(c, 'id = $1', [id]);
    });
  }

  async deleteParticipant(who: ParticipantKey): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM confirmations WHERE channel_id = $1 AND user_id = $2', [who.channelId, who.userId]);
    return rowCount ?? 0;
  }
}
