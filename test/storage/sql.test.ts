import { migrate, openDatabase } from '../../src/storage/database';
import { migratePostgres, openPostgres } from '../../src/storage/postgres';
import { sqliteSql, type Sql } from '../../src/storage/sql';
import { FEATURE_MIGRATIONS } from '../../src/schema';
import { tempDataDir } from '../helpers/fixtures';
import { describePg, pgSchemaUrl } from '../helpers/postgres';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => (data = tempDataDir()));
afterEach(() => data.cleanup());

describe('the SQL layer on SQLite', () => {
  test('when two transactions run at once and the second fails, then the first is kept whole and nothing of the second', async () => {
    const db = openDatabase(data.dir, undefined, FEATURE_MIGRATIONS);
    const sql = sqliteSql(db);
    const write = (tx: Sql, key: string) => tx.run("INSERT INTO bot_state (key, etag, data, updated_at) VALUES (?, 'e', '{}', 'now')", [key]);
    const first = sql.tx(async (tx) => {
      await write(tx, 'first/a');
      await new Promise((r) => setTimeout(r, 20));
      await write(tx, 'first/b');
    });
    const second = sql.tx(async (tx) => {
      await write(tx, 'second/a');
      throw new Error('the turn failed');
    });
    await first;
    await expect(second).rejects.toThrow('the turn failed');
    const keys = (await sql.all<{ key: string }>('SELECT key FROM bot_state ORDER BY key')).map((r) => r.key);
    expect(keys).toEqual(['first/a', 'first/b']);
    db.close();
  });

  test('when another turn writes while a transaction is open and that transaction fails, then the other turn’s write is kept, made after it', async () => {
    const db = openDatabase(data.dir, undefined, FEATURE_MIGRATIONS);
    const sql = sqliteSql(db);
    const write = (s: Sql, key: string, options?: { durable: boolean }) => s.run("INSERT INTO bot_state (key, etag, data, updated_at) VALUES (?, 'e', '{}', 'now')", [key], options);
    let seenInside: string[] = [];
    const failing = sql.tx(async (tx) => {
      await write(tx, 'tx/a');
      await new Promise((r) => setTimeout(r, 20));
      seenInside = (await tx.all<{ key: string }>('SELECT key FROM bot_state ORDER BY key')).map((r) => r.key);
      throw new Error('the turn failed');
    });
    await new Promise((r) => setTimeout(r, 5));
    // Another turn's statements while the transaction is open: neither part of it nor seeing it.
    const other = write(sql, 'other/state', { durable: false });
    const read = sql.all<{ key: string }>('SELECT key FROM bot_state ORDER BY key');
    await expect(failing).rejects.toThrow('the turn failed');
    expect(await other).toBe(1);
    expect(seenInside).toEqual(['tx/a']);
    expect((await read).map((r) => r.key)).toEqual(['other/state']);
    // Writes that need not wait for the disk leave the connection's other writes waiting for it.
    await sql.tx((tx) => write(tx, 'relaxed/tx'), { durable: false });
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  test('when two parts of the program take the SQL layer of one connection and one holds a transaction across a timer, then the other waits for it and timers still run', async () => {
    const db = openDatabase(data.dir, undefined, FEATURE_MIGRATIONS);
    const [one, two] = [sqliteSql(db), sqliteSql(db)];
    const events: string[] = [];
    const timer = new Promise<void>((resolve) => setTimeout(() => (events.push('timer'), resolve()), 30));
    const held = one.tx(async (tx) => {
      await tx.run("INSERT INTO bot_state (key, etag, data, updated_at) VALUES ('held', 'e', '{}', 'now')");
      await new Promise((r) => setTimeout(r, 100));
      events.push('committing');
    });
    await new Promise((r) => setImmediate(r));
    const read = two.get<{ n: number }>("SELECT count(*) AS n FROM bot_state WHERE key = 'held'").then((row) => (events.push('read'), row));
    await timer;
    await held;
    expect((await read)!.n).toBe(1);
    expect(events).toEqual(['timer', 'committing', 'read']);
    db.close();
  });

  test('when a database is opened again with the features, then no migration is applied twice', () => {
    const db = openDatabase(data.dir, undefined, FEATURE_MIGRATIONS);
    expect(migrate(db, FEATURE_MIGRATIONS)).toEqual([]);
    const ids = (db.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
    expect(ids.slice(0, 3)).toEqual([1, 2, 3]);
    db.close();
  });
});

describePg('migrations on PostgreSQL', () => {
  test('when the schema is created, then bot state and confirmations keep PostgreSQL types (JSONB, UUID, TIMESTAMPTZ), and a second run applies nothing', async () => {
    const { url, drop } = pgSchemaUrl();
    const pool = await openPostgres(url, FEATURE_MIGRATIONS);
    try {
      const { rows } = await pool.query<{ table_name: string; column_name: string; data_type: string }>(
        `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema()
           AND (table_name, column_name) IN (('bot_state', 'data'), ('bot_state', 'updated_at'), ('confirmations', 'id'), ('confirmations', 'conversation_reference'), ('confirmation_history', 'changes'))
         ORDER BY table_name, column_name`,
      );
      expect(rows.map((r) => `${r.table_name}.${r.column_name}: ${r.data_type}`)).toEqual([
        'bot_state.data: jsonb',
        'bot_state.updated_at: timestamp with time zone',
        'confirmation_history.changes: jsonb',
        'confirmations.conversation_reference: jsonb',
        'confirmations.id: uuid',
      ]);
      expect(await migratePostgres(pool, FEATURE_MIGRATIONS)).toEqual([]);
    } finally {
      await pool.end();
      await drop();
    }
  });
});
