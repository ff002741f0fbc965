import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Migration } from './migration';
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

export class StorageConflictError extends Error {
  constructor(readonly key: string) {
    super(`storage: the item "${key}" was changed by another turn (eTag mismatch)`);
    this.name = 'StorageConflictError';
  }
}

/**
 * botbuilder Storage on SQLite or PostgreSQL: conversation and user state survive a restart of the
 * bot and are shared by instances on one database. Optimistic concurrency as botbuilder expects: a
 * write carrying an eTag must match the stored one ("*" or no eTag overwrites).
 */
export class SqlBotStorage implements Storage {
  constructor(private readonly sql: Sql) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    if (!keys.length) return items;
    // PostgreSQL returns the JSON parsed, SQLite as text.
    const rows = await this.sql.all<{ key: string; etag: string; data: string | object }>(`SELECT key, etag, data FROM bot_state WHERE key IN (${placeholders(keys.length)})`, keys);
    for (const r of rows) items[r.key] = { ...(typeof r.data === 'string' ? (JSON.parse(r.data) as object) : r.data), eTag: r.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const at = new Date().toISOString();
    const entries = Object.entries(changes).map(([key, item]) => {
      const { eTag, ...data } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
      return { key, eTag: eTag && eTag !== '*' ? eTag : undefined, values: [randomUUID(), JSON.stringify(data), at] };
    });
    // A turn's state is written as it ends: kept through a crash of the bot, but not waited on to
    // reach the disk (a turn lost to a power failure is asked again).
    const relaxed = { durable: false } as const;
    // The usual write, one item overwritten, is one statement: atomic as it is.
    const lone = entries.length === 1 && !entries[0]!.eTag ? entries[0] : undefined;
    if (lone) {
      await this.sql.run(UPSERT, [...lone.values, lone.key], relaxed);
      return;
    }
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
    });
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.sql.run(`DELETE FROM bot_state WHERE key IN (${placeholders(keys.length)})`, keys);
  }
}
