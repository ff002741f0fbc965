import type { Migration } from './migration';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type SqliteDatabase = Database.Database;

/** Schema changes, applied in order once each; never edit a released one, add a new one. */
/** The storage layer's own tables; the features' come from the composition root. */
const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'bot state',
    sql: `CREATE TABLE bot_state (
            key TEXT PRIMARY KEY,
            etag TEXT NOT NULL,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL
          );`,
  },
  {
    id: 3,
    name: 'confirmations',
    sql: `CREATE TABLE confirmations (
            id TEXT PRIMARY KEY,
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
            conversation_reference TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (channel_id, user_id, event_id)
          );
          CREATE INDEX confirmations_event ON confirmations (event_id, status);
          CREATE INDEX confirmations_updated ON confirmations (updated_at);
          CREATE TABLE confirmation_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            confirmation_id TEXT NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            actor TEXT NOT NULL,
            changes TEXT NOT NULL
          );
          CREATE INDEX confirmation_history_confirmation ON confirmation_history (confirmation_id);
          CREATE TABLE processed_activities (
            activity_key TEXT PRIMARY KEY,
            confirmation_id TEXT NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
            at TEXT NOT NULL
          );`,
  },
];

/** Opens (creating if needed) the SQLite database under dataDir and brings its schema up to date. */
export function openDatabase(dataDir: string, fileName = 'assistant.sqlite', features: readonly Migration[] = []): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, fileName));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db, features);
  return db;
}

export function migrate(db: SqliteDatabase, features: readonly Migration[] = []): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const done = new Set((db.prepare('SELECT id FROM schema_migrations').all() as Array<{ id: number }>).map((r) => r.id));
  const applied: number[] = [];
  for (const m of [...MIGRATIONS, ...features].sort((a, b) => a.id - b.id)) {
    if (done.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, new Date().toISOString());
    })();
    applied.push(m.id);
  }
  return applied;
}
