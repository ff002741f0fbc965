import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { SqliteDatabase } from './database';

export class StorageConflictError extends Error {
  constructor(readonly key: string) {
    super(`storage: the item "${key}" was changed by another turn (eTag mismatch)`);
    this.name = 'StorageConflictError';
  }
}

/**
 * botbuilder Storage over SQLite: conversation and user state survive a restart of the bot.
 * Optimistic concurrency as botbuilder expects: a write carrying an eTag must match the stored one
 * ("*" or no eTag overwrites).
 */
export class SqliteStorage implements Storage {
  private readonly select;
  private readonly upsert;
  private readonly remove;

  constructor(private readonly db: SqliteDatabase) {
    this.select = db.prepare<[string], { etag: string; data: string }>('SELECT etag, data FROM bot_state WHERE key = ?');
    this.upsert = db.prepare(
      `INSERT INTO bot_state (key, etag, data, updated_at) VALUES (@key, @etag, @data, @at)
       ON CONFLICT(key) DO UPDATE SET etag = excluded.etag, data = excluded.data, updated_at = excluded.updated_at`,
    );
    this.remove = db.prepare('DELETE FROM bot_state WHERE key = ?');
  }

  read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const key of keys) {
      const row = this.select.get(key);
      if (row) items[key] = { ...(JSON.parse(row.data) as object), eTag: row.etag };
    }
    return Promise.resolve(items);
  }

  write(changes: StoreItems): Promise<void> {
    try {
      this.db.transaction(() => {
        for (const [key, item] of Object.entries(changes)) {
          const value = (item ?? {}) as Record<string, unknown> & { eTag?: string };
          const current = this.select.get(key);
          if (current && value.eTag && value.eTag !== '*' && value.eTag !== current.etag) throw new StorageConflictError(key);
          const { eTag: _ignored, ...data } = value;
          this.upsert.run({ key, etag: randomUUID(), data: JSON.stringify(data), at: new Date().toISOString() });
        }
      })();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  delete(keys: string[]): Promise<void> {
    this.db.transaction(() => {
      for (const key of keys) this.remove.run(key);
    })();
    return Promise.resolve();
  }
}
