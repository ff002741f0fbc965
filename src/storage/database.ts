import { migrationSql, type Migration } from './migration';
import { BOT_STATE_MIGRATION } from './botState';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type SqliteDatabase = Database.Database;

/** The storage layer's own tables; the features' come from the composition root. Never edit a released one, add a new one. */
const MIGRATIONS: readonly Migration[] = [
  BOT_STATE_MIGRATION,
];

/** Another process holds the SQLite database: one instance per folder. */
export class DatabaseInUseError extends Error {
  constructor(readonly file: string, options: { cause: unknown }) {
    super(`The SQLite database ${file} is in use by another process. One instance of the bot owns a DATA_DIR; to run several, give them one PostgreSQL database (DATABASE_URL).`, options);
    this.name = 'DatabaseInUseError';
  }
}

/**
 * Opens (creating if needed) the SQLite database under dataDir and brings its schema up to date.
 * The process owns the file for as long as it keeps it open (exclusive locking): no other process
 * reads or writes it meanwhile, so no statement takes the file's locks again, and what this
 * process keeps in memory of the database (bot state) cannot go stale. Several instances share a
 * PostgreSQL database instead. A second process waits `busyTimeoutMs` for the file, then is refused.
 */
export function openDatabase(dataDir: string, fileName = 'assistant.sqlite', features: readonly Migration[] = [], busyTimeoutMs = 5000): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, fileName);
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    // Before WAL is entered: the WAL index is then kept in this process's memory, not in a shared file.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // The first write takes the lock for good (and fails here, not at a participant's turn, if another process has it).
    db.exec('BEGIN IMMEDIATE; COMMIT');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new DatabaseInUseError(file, { cause: e });
    throw e;
  }
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
      db.exec(migrationSql(m, 'sqlite'));
      db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, new Date().toISOString());
    })();
    applied.push(m.id);
  }
  return applied;
}
