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
      db.exec(migrationSql(m, 'sqlite'));
      db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, new Date().toISOString());
    })();
    applied.push(m.id);
  }
  return applied;
}
