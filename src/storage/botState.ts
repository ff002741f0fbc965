import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Migration } from './migration';
import { Memo } from '../memo';
import { placeholders, type Sql } from './sql';

/** The storage layer's own table: botbuilder's conversation and user state. */
export const BOT_STATE_MIGRATION: Migration = {
  id: 1,
  name: 'bot state',
  sql: {
    sqlite: `CREATE TABLE bot_state (
            key TEXT PRIMARY KEY,
            etag TEXT NOT NULL,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL
          );`,
    postgres: `CREATE TABLE bot_state (key TEXT PRIMARY KEY, etag TEXT NOT NULL, data JSONB NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`,
  },
};

const UPSERT = `INSERT INTO bot_state (etag, data, updated_at, key) VALUES (?, ?, ?, ?)
  ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, data = excluded.data, updated_at = excluded.updated_at`;

/** An item as read: its data parsed anew (a turn changes it), its eTag, and its JSON as stored. */
function item(row: { etag: string; data: string }): object {
  const state = { ...(JSON.parse(row.data) as object), eTag: row.etag };
  Object.defineProperty(state, JSON_AS_READ, { value: row.data, enumerable: false });
  return state;
}

export class StorageConflictError extends Error {
  constructor(readonly key: string) {
    super(`storage: the item "${key}" was changed by another turn (eTag mismatch)`);
    this.name = 'StorageConflictError';
  }
}

/** On an item read (not enumerable): its data's JSON as stored, without the eTag, so that it need not be serialized again to be compared. */
export const JSON_AS_READ: unique symbol = Symbol('JSON as read');
/**
 * On an item to write, set by its writer on a fresh copy: its data's JSON, without the eTag, just
 * made, so that it is not serialized a second time. (Never the mark of an item read: that item may
 * have been changed since.)
 */
export const JSON_TO_WRITE: unique symbol = Symbol('JSON to write');

/** A row as stored: its eTag and its data's JSON; null when there is no row. */
type Row = { etag: string; data: string } | null;

/**
 * The rows of bot_state as this process last read or wrote them, on SQLite: a turn reads its
 * state from memory instead of the file. Sound because the process owns the file while it runs
 * (openDatabase's exclusive lock), every write to bot_state goes through this class, and each
 * change to what is kept is made as its statement runs (the SQL layer's hooks), so in the
 * database's own order. One per connection, shared by every storage on it. Bounded: a state is a
 * few kilobytes, and the least recently used go first.
 */
type RowCache = Memo<Row>;

const caches = new WeakMap<Sql, RowCache>();

function rowCache(sql: Sql): RowCache | undefined {
  if (sql.dialect !== 'sqlite') return undefined;
  let cache = caches.get(sql);
  if (!cache) caches.set(sql, (cache = new Memo<Row>(2_000)));
  return cache;
}

/**
 * botbuilder Storage on SQLite or PostgreSQL: conversation and user state survive a restart of the
 * bot and are shared by instances on one database. Optimistic concurrency as botbuilder expects: a
 * write carrying an eTag must match the stored one ("*" or no eTag overwrites).
 */
export class SqlBotStorage implements Storage {
  private readonly cache: RowCache | undefined;

  constructor(private readonly sql: Sql) {
    this.cache = rowCache(sql);
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    if (!keys.length) return items;
    const cache = this.cache;
    const missing: string[] = [];
    for (const key of keys) {
      const row = cache?.peek(key);
      if (row === undefined) missing.push(key);
      else if (row) items[key] = item(row);
    }
    if (!missing.length) return items;
    type Stored = { key: string; etag: string; data: string | object };
    // Kept as read, absent rows too, the moment the statement runs.
    const keep = (rows: Stored[]) => {
      const found = new Map(rows.map((r) => [r.key, { etag: r.etag, data: r.data as string }]));
      for (const key of missing) cache!.set(key, found.get(key) ?? null);
    };
    const rows = await this.sql.all<Stored>(`SELECT key, etag, data FROM bot_state WHERE key IN (${placeholders(missing.length)})`, missing, cache ? { read: keep } : undefined);
    // PostgreSQL returns the JSON parsed, SQLite as text.
    for (const r of rows) items[r.key] = typeof r.data === 'string' ? item({ etag: r.etag, data: r.data }) : { ...r.data, eTag: r.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const at = new Date().toISOString();
    const entries = Object.entries(changes).map(([key, item]) => {
      const { eTag, ...data } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
      const json = (item as { [JSON_TO_WRITE]?: string } | undefined)?.[JSON_TO_WRITE] ?? JSON.stringify(data);
      return { key, eTag: eTag && eTag !== '*' ? eTag : undefined, values: [randomUUID(), json, at] as const };
    });
    const cache = this.cache;
    try {
      // A turn's state is written as it ends: kept through a crash of the bot, but not waited on to
      // reach the disk (a turn lost to a power failure is asked again).
      const relaxed = { durable: false } as const;
      // The usual write, one item overwritten, is one statement: atomic as it is.
      const lone = entries.length === 1 && !entries[0]!.eTag ? entries[0] : undefined;
      if (lone) {
        const [etag, data] = lone.values;
        await this.sql.run(UPSERT, [...lone.values, lone.key], { ...relaxed, ran: () => cache?.set(lone.key, { etag, data }) });
        return;
      }
      const committed = () => entries.forEach(({ key }) => cache?.delete(key));
      await this.sql.tx(async (sql) => {
        for (const { key, eTag, values } of entries) {
          if (!eTag) {
            await sql.run(UPSERT, [...values, key], relaxed);
            continue;
          }
          // The row is changed only if it still carries the eTag the turn read (on PostgreSQL, a
          // concurrent writer's update is waited for, then the condition checked again).
          if (await sql.run('UPDATE bot_state SET etag = ?, data = ?, updated_at = ? WHERE key = ? AND etag = ?', [...values, key, eTag], relaxed)) continue;
          // No such row: the item was deleted meanwhile (or never stored) and is written anew; a row under another eTag is a conflict.
          if (!(await sql.run('INSERT INTO bot_state (etag, data, updated_at, key) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING', [...values, key], relaxed))) throw new StorageConflictError(key);
        }
      }, { committed });
    } catch (e) {
      // What the database holds for these keys is read again next time.
      for (const { key } of entries) cache?.delete(key);
      throw e;
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys.length) return;
    const forget = () => keys.forEach((key) => this.cache?.delete(key));
    try {
      await this.sql.run(`DELETE FROM bot_state WHERE key IN (${placeholders(keys.length)})`, keys, { ran: forget });
    } catch (e) {
      forget();
      throw e;
    }
  }
}
