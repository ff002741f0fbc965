import { migrate, openDatabase } from '../../src/storage/database';
import { SqlBotStorage, StorageConflictError } from '../../src/storage/botState';
import { RetryingUnansweredQuestions, SqlUnansweredQuestions } from '../../src/questions/unanswered';
import { postgresSql, sqliteSql } from '../../src/storage/sql';
import type { SqliteDatabase } from '../../src/storage/database';
import { FEATURE_MIGRATIONS } from '../../src/schema';
import { tempDataDir } from '../helpers/fixtures';
import { describePg, pgSchemaUrl } from '../helpers/postgres';
import { migratePostgres, openPostgres } from '../../src/storage/postgres';

let data: ReturnType<typeof tempDataDir>;
const sqliteStorage = (db: SqliteDatabase) => new SqlBotStorage(sqliteSql(db));
beforeEach(() => (data = tempDataDir()));
afterEach(() => data.cleanup());

describe('SQLite bot state', () => {
  test('when an item is written and read back, then it is the same, with a new eTag at each write', async () => {
    const db = openDatabase(data.dir);
    const storage = sqliteStorage(db);
    await storage.write({ 'conv/1': { memory: { eventIds: ['global-forum'] } } });
    const first = await storage.read(['conv/1', 'missing']);
    expect(first['conv/1']).toMatchObject({ memory: { eventIds: ['global-forum'] } });
    expect(first['missing']).toBeUndefined();
    await storage.write({ 'conv/1': { ...first['conv/1'], memory: { eventIds: [] } } });
    const second = await storage.read(['conv/1']);
    expect(second['conv/1'].eTag).not.toBe(first['conv/1'].eTag);
    db.close();
  });

  test('when two turns write the same item from the same version, then the second is refused (optimistic concurrency)', async () => {
    const db = openDatabase(data.dir);
    const storage = sqliteStorage(db);
    await storage.write({ k: { n: 1 } });
    const { k } = await storage.read(['k']);
    await storage.write({ k: { ...k, n: 2 } });
    await expect(storage.write({ k: { ...k, n: 3 } })).rejects.toBeInstanceOf(StorageConflictError);
    await storage.write({ k: { n: 4, eTag: '*' } });
    expect((await storage.read(['k']))['k']).toMatchObject({ n: 4 });
    db.close();
  });

  test('when the database is reopened, then state is still there and deleted items are gone', async () => {
    let db = openDatabase(data.dir);
    await sqliteStorage(db).write({ a: { x: 1 }, b: { y: 2 } });
    await sqliteStorage(db).delete(['b']);
    db.close();
    db = openDatabase(data.dir);
    expect(Object.keys(await sqliteStorage(db).read(['a', 'b']))).toEqual(['a']);
    db.close();
  });

  test('when migrations run twice, then the second run applies nothing', () => {
    const db = openDatabase(data.dir);
    expect(migrate(db)).toEqual([]);
    db.close();
  });
});

describe('unanswered questions', () => {
  test('when questions are recorded, then organisers can list them since a date, oversized text cut', async () => {
    const db = openDatabase(data.dir, undefined, FEATURE_MIGRATIONS);
    const repo = new SqlUnansweredQuestions(sqliteSql(db), 100);
    await repo.record({ text: 'hotel?', language: 'en', reason: 'unknown-words', askedAt: new Date('2026-01-01T00:00:00Z') });
    await repo.record({ text: 'y'.repeat(500), language: 'fr', reason: 'no-match', askedAt: new Date('2026-02-01T00:00:00Z') });
    const since = await repo.list(new Date('2026-01-15T00:00:00Z'));
    expect(since).toHaveLength(1);
    expect(since[0]).toMatchObject({ language: 'fr', reason: 'no-match' });
    expect(since[0]!.text).toHaveLength(100);
    db.close();
  });
});

describe('when the database fails', () => {
  test('when storing an unanswered question fails, then it is kept, reported, and stored once the database is back', async () => {
    const db = openDatabase(data.dir, undefined, FEATURE_MIGRATIONS);
    const inner = new SqlUnansweredQuestions(sqliteSql(db));
    let down = true;
    const flaky = {
      record: (q: Parameters<typeof inner.record>[0]) => (down ? Promise.reject(new Error('database is locked')) : inner.record(q)),
      list: (since?: Date) => inner.list(since),
      purge: (before: Date) => inner.purge(before),
    };
    const errors: number[] = [];
    const repo = new RetryingUnansweredQuestions(flaky, (_e, pending) => errors.push(pending), 10, 20);
    await repo.record({ text: 'first', language: 'en', reason: 'no-match', askedAt: new Date('2026-01-01T00:00:00Z') });
    await repo.record({ text: 'second', language: 'fr', reason: 'no-match', askedAt: new Date('2026-01-02T00:00:00Z') });
    expect(repo.backlog).toBe(2);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    down = false;
    for (let i = 0; i < 50 && repo.backlog; i++) await new Promise((r) => setTimeout(r, 10));
    expect(repo.backlog).toBe(0);
    expect((await repo.list()).map((q) => q.text)).toEqual(['first', 'second']);
    repo.stop();
    db.close();
  });
});

describe('when questions arrive while one is being stored', () => {
  test('when three are recorded at once, then each is stored exactly once, in order', async () => {
    const stored: string[] = [];
    const slow = {
      record: async (q: { text: string }) => {
        await new Promise((r) => setTimeout(r, 5));
        stored.push(q.text);
      },
      list: () => Promise.resolve([]),
      purge: () => Promise.resolve(0),
    };
    const repo = new RetryingUnansweredQuestions(slow, () => undefined);
    const at = new Date('2026-01-01T00:00:00Z');
    await Promise.all(['one', 'two', 'three'].map((text) => repo.record({ text, language: 'en', reason: 'no-match', askedAt: at })));
    expect(stored).toEqual(['one', 'two', 'three']);
    expect(repo.backlog).toBe(0);
    repo.stop();
  });
});

describePg('bot state and unanswered questions on PostgreSQL', () => {
  let pool: Awaited<ReturnType<typeof openPostgres>>;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    const s = pgSchemaUrl();
    drop = s.drop;
    pool = await openPostgres(s.url, FEATURE_MIGRATIONS);
  });
  afterEach(async () => {
    await pool.end();
    await drop();
  });

  test('when items are written, read, conflicted and deleted, then PostgreSQL behaves as SQLite does', async () => {
    const storage = new SqlBotStorage(postgresSql(pool));
    await storage.write({ k: { n: 1, nested: { a: [1, 2] } } });
    const { k } = await storage.read(['k', 'missing']);
    expect(k).toMatchObject({ n: 1, nested: { a: [1, 2] } });
    await storage.write({ k: { ...k, n: 2 } });
    await expect(storage.write({ k: { ...k, n: 3 } })).rejects.toBeInstanceOf(StorageConflictError);
    await storage.delete(['k']);
    expect(await storage.read(['k'])).toEqual({});
  });

  test('when migrations run again (a second instance starting), then nothing is applied twice', async () => {
    expect(await migratePostgres(pool, FEATURE_MIGRATIONS)).toEqual([]);
  });

  test('when unanswered questions are recorded, then they are listed since a date', async () => {
    const repo = new SqlUnansweredQuestions(postgresSql(pool));
    await repo.record({ text: 'parking?', language: 'en', reason: 'unknown-words', askedAt: new Date('2026-01-01T00:00:00Z') });
    await repo.record({ text: 'météo ?', language: 'fr', reason: 'unknown-words', askedAt: new Date('2026-02-01T00:00:00Z') });
    expect((await repo.list(new Date('2026-01-15T00:00:00Z'))).map((q) => q.text)).toEqual(['météo ?']);
  });
});
