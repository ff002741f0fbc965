import type { Storage } from 'botbuilder';
import { TurnLeases } from '../../src/bot/turnOrder';
import { SqlBotStorage, StorageConflictError } from '../../src/storage/botState';
import { DatabaseInUseError, openDatabase } from '../../src/storage/database';
import { openPostgres } from '../../src/storage/postgres';
import { postgresSql, sqliteSql } from '../../src/storage/sql';
import { FEATURE_MIGRATIONS } from '../../src/schema';
import { tempDataDir } from '../helpers/fixtures';
import { describePg, pgSchemaUrl } from '../helpers/postgres';

/** Two handles on one database, as two turns (or two instances) see it. */
interface Opened {
  first: Storage;
  second: Storage;
  /** On PostgreSQL, the turn leases of each handle. */
  leases?: [TurnLeases, TurnLeases];
  close: () => Promise<void>;
}

/** What botbuilder expects of its Storage: every implementation must pass the same tests. */
function contract(name: string, open: () => Promise<Opened>): void {
  describe(`bot state on ${name}`, () => {
    let s: Opened;
    beforeEach(async () => (s = await open()));
    afterEach(async () => s.close());

    test('when keys were never written, then reading them gives nothing, alone or beside stored ones', async () => {
      expect(await s.first.read(['conversation/none'])).toEqual({});
      expect(await s.first.read([])).toEqual({});
      await s.first.write({ 'user/amina': { profile: { language: 'fr' } } });
      const items = await s.second.read(['user/amina', 'conversation/none']);
      expect(Object.keys(items)).toEqual(['user/amina']);
      expect(items['user/amina']).toMatchObject({ profile: { language: 'fr' }, eTag: expect.any(String) });
    });

    test('when an item is written with text in any language, then it reads back the same, with a new eTag at each write', async () => {
      const memory = { lastQuestion: 'Où se tient la session « Afrique » ?', eventIds: ['global-forum'], nested: { a: [1, 2, null] } };
      await s.first.write({ 'conv/1': { memory } });
      const { 'conv/1': first } = await s.first.read(['conv/1']);
      expect(first).toMatchObject({ memory });
      await s.first.write({ 'conv/1': { ...first, memory: { ...memory, eventIds: [] } } });
      const { 'conv/1': second } = await s.second.read(['conv/1']);
      expect(second).toMatchObject({ memory: { eventIds: [] } });
      expect(second!.eTag).not.toBe(first!.eTag);
    });

    test('when the very object read is changed and written back, then the change is what is stored', async () => {
      await s.first.write({ k: { memory: { eventIds: ['a'] } } });
      const { k } = await s.first.read(['k']);
      (k as { memory: { eventIds: string[] } }).memory.eventIds.push('b');
      await s.first.write({ k });
      expect((await s.second.read(['k']))['k']).toMatchObject({ memory: { eventIds: ['a', 'b'] } });
    });

    test('when two turns write the same item from the same version, then the second is refused and the first kept', async () => {
      await s.first.write({ k: { n: 1 } });
      const { k } = await s.first.read(['k']);
      await s.first.write({ k: { ...k, n: 2 } });
      await expect(s.second.write({ k: { ...k, n: 3 } })).rejects.toBeInstanceOf(StorageConflictError);
      expect((await s.second.read(['k']))['k']).toMatchObject({ n: 2 });
    });

    test('when one item of a write conflicts, then none of that write is stored', async () => {
      await s.first.write({ a: { n: 1 }, b: { n: 1 } });
      const stale = await s.first.read(['a', 'b']);
      await s.first.write({ b: { ...stale['b'], n: 2 } });
      await expect(s.second.write({ a: { ...stale['a'], n: 9 }, b: { ...stale['b'], n: 9 } })).rejects.toBeInstanceOf(StorageConflictError);
      expect(await s.first.read(['a', 'b'])).toMatchObject({ a: { n: 1 }, b: { n: 2 } });
    });

    test('when a write carries "*" or no eTag, then it overwrites whatever is stored', async () => {
      await s.first.write({ k: { n: 1 } });
      await s.first.write({ k: { n: 2 } });
      await s.second.write({ k: { n: 3, eTag: '*' } });
      expect((await s.first.read(['k']))['k']).toMatchObject({ n: 3 });
    });

    test('when items are deleted, then they are gone, others stay, and a later write with the old eTag stores it anew', async () => {
      await s.first.write({ a: { x: 1 }, b: { y: 2 }, c: { z: 3 } });
      const { a } = await s.first.read(['a']);
      await s.second.delete(['a', 'b', 'never-written']);
      await s.second.delete([]);
      expect(Object.keys(await s.first.read(['a', 'b', 'c']))).toEqual(['c']);
      await s.first.write({ a: { ...a, x: 2 } });
      expect((await s.first.read(['a']))['a']).toMatchObject({ x: 2 });
    });

    test('when many turns write the same item from the same version at once, then exactly one succeeds and its value is stored', async () => {
      await s.first.write({ k: { n: 0 } });
      const { k } = await s.first.read(['k']);
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => (i % 2 ? s.second : s.first).write({ k: { ...k, n: i + 1 } })));
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i + 1] : []));
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StorageConflictError);
      expect((await s.first.read(['k']))['k']).toMatchObject({ n: won[0] });
    });
  });
}

/** What orders a conversation's turns between instances: one holder at a time, until the lease runs out (by the database's clock). */
function leaseContract(name: string, open: () => Promise<Opened>): void {
  describe(`turn leases on ${name}`, () => {
    let s: Opened;
    let one: TurnLeases;
    let two: TurnLeases;
    beforeEach(async () => {
      s = await open();
      [one, two] = s.leases!;
    });
    afterEach(async () => s.close());
    const expire = () => new Promise((r) => setTimeout(r, 250));

    test('when a turn holds a conversation, then another turn cannot take it until it is given back, and other conversations are free', async () => {
      expect(await one.acquire('["webchat","c1"]', 'turn-a', 30_000)).toBe(true);
      expect(await two.acquire('["webchat","c1"]', 'turn-b', 30_000)).toBe(false);
      expect(await two.acquire('["msteams","c2"]', 'turn-c', 30_000)).toBe(true);
      // Only its holder gives a lease back, or renews it.
      await two.release('["webchat","c1"]', 'turn-b');
      expect(await two.renew('["webchat","c1"]', 'turn-b', 30_000)).toBe(false);
      expect(await two.acquire('["webchat","c1"]', 'turn-b', 30_000)).toBe(false);
      expect(await one.renew('["webchat","c1"]', 'turn-a', 30_000)).toBe(true);
      await one.release('["webchat","c1"]', 'turn-a');
      expect(await two.acquire('["webchat","c1"]', 'turn-b', 30_000)).toBe(true);
    });

    test('when the holder neither renews nor gives it back, then the lease runs out, is taken over, and is purged once out', async () => {
      expect(await one.acquire('["webchat","c1"]', 'turn-a', 100)).toBe(true);
      expect(await two.acquire('["webchat","c1"]', 'turn-b', 100)).toBe(false);
      await expire();
      expect(await two.acquire('["webchat","c1"]', 'turn-b', 30_000)).toBe(true);
      // The late holder can neither renew nor give back the new holder's lease.
      expect(await one.renew('["webchat","c1"]', 'turn-a', 30_000)).toBe(false);
      await one.release('["webchat","c1"]', 'turn-a');
      expect(await one.acquire('["webchat","c1"]', 'turn-c', 30_000)).toBe(false);
      expect(await one.acquire('["msteams","c2"]', 'turn-d', 100)).toBe(true);
      expect(await one.purge()).toBe(0);
      await expire();
      expect(await one.purge()).toBe(1);
    });

    test('when a conversation id is as long as a channel allows, in any script, then its lease works like any other', async () => {
      const id = `a:${'会議'.repeat(600)}`;
      expect(await one.acquire(JSON.stringify(['msteams', id]), 'turn-a', 30_000)).toBe(true);
      expect(await two.acquire(JSON.stringify(['msteams', id]), 'turn-b', 30_000)).toBe(false);
      // Ids that differ only at their end are different conversations.
      expect(await two.acquire(JSON.stringify(['msteams', `${id}!`]), 'turn-b', 30_000)).toBe(true);
    });
  });
}

const openSqlite = async (): Promise<Opened> => {
  const data = tempDataDir();
  const db = openDatabase(data.dir, undefined, FEATURE_MIGRATIONS);
  const sql = sqliteSql(db);
  return {
    first: new SqlBotStorage(sql),
    second: new SqlBotStorage(sql),
    close: () => {
      db.close();
      data.cleanup();
      return Promise.resolve();
    },
  };
};
contract('SQLite', openSqlite);

describe('bot state on SQLite, as this process keeps it in memory', () => {
  let data: ReturnType<typeof tempDataDir>;
  beforeEach(() => (data = tempDataDir()));
  afterEach(() => data.cleanup());
  const open = () => {
    const db = openDatabase(data.dir, undefined, FEATURE_MIGRATIONS);
    return { db, storage: new SqlBotStorage(sqliteSql(db)) };
  };

  test('when a second process opens the same folder, then it is refused, saying why, and the first goes on', async () => {
    const first = open();
    await first.storage.write({ 'conv/1': { n: 1 } });
    expect(() => openDatabase(data.dir, undefined, FEATURE_MIGRATIONS, 50)).toThrow(DatabaseInUseError);
    expect(() => openDatabase(data.dir, undefined, FEATURE_MIGRATIONS, 50)).toThrow(/in use by another process.*DATABASE_URL/);
    await first.storage.write({ 'conv/1': { n: 2 } });
    expect((await first.storage.read(['conv/1']))['conv/1']).toMatchObject({ n: 2 });
    first.db.close();
    const again = open();
    expect((await again.storage.read(['conv/1']))['conv/1']).toMatchObject({ n: 2 });
    again.db.close();
  });

  test('when turns write, read and delete one key around another turn’s transaction, then what is read is always what the file holds', async () => {
    // Another turn's transaction is open for a few awaits; turn A's statement waits for it, turn B's
    // comes n ticks after it ends: the state kept in memory must change in the file's own order.
    for (const kind of ['write', 'delete'] as const) {
      for (let n = 0; n < 6; n++) {
        const sub = tempDataDir();
        const db = openDatabase(sub.dir, undefined, FEATURE_MIGRATIONS);
        const sql = sqliteSql(db);
        const storage = new SqlBotStorage(sql);
        await storage.write({ k: { v: 0 } });
        if (kind === 'delete') {
          // Nothing kept in memory for k, so that turn A reads it from the file.
          await storage.delete(['k']);
          db.prepare(`INSERT INTO bot_state (key, etag, data, updated_at) VALUES ('k', 'e0', '{"v":0}', 'x')`).run();
        }
        let a!: Promise<unknown>;
        const other = sql.tx(async (tx) => {
          await tx.run("INSERT INTO bot_state (key, etag, data, updated_at) VALUES ('t', 'e', '{}', 'x')");
          a = kind === 'write' ? storage.write({ k: { v: 1 } }) : storage.read(['k']);
          await null;
        });
        await other.then(async () => {
          for (let i = 0; i < n; i++) await null;
          return kind === 'write' ? storage.write({ k: { v: 2 } }) : storage.delete(['k']);
        });
        await a;
        const inFile = db.prepare("SELECT data FROM bot_state WHERE key = 'k'").get() as { data: string } | undefined;
        const read = (await storage.read(['k']))['k'] as { v?: number } | undefined;
        expect({ kind, n, read: read?.v ?? null }).toEqual({ kind, n, read: inFile ? (JSON.parse(inFile.data) as { v: number }).v : null });
        db.close();
        sub.cleanup();
      }
    }
  });

  test('when a turn changes the state it read without writing it, then the next read gives the state as stored', async () => {
    const { db, storage } = open();
    await storage.write({ 'conv/1': { memory: { eventIds: ['a'] } } });
    const first = (await storage.read(['conv/1']))['conv/1'] as { memory: { eventIds: string[] } };
    first.memory.eventIds.push('b');
    expect((await storage.read(['conv/1']))['conv/1']).toMatchObject({ memory: { eventIds: ['a'] } });
    db.close();
  });
});

describePg('on the PostgreSQL server', () => {
  // Two pools on one schema: two instances of the bot sharing the database.
  const openTwoPools = async (): Promise<Opened> => {
    const { url, drop } = pgSchemaUrl();
    const one = await openPostgres(url, FEATURE_MIGRATIONS);
    const two = await openPostgres(url, FEATURE_MIGRATIONS);
    return {
      first: new SqlBotStorage(postgresSql(one)),
      second: new SqlBotStorage(postgresSql(two)),
      leases: [new TurnLeases(postgresSql(one)), new TurnLeases(postgresSql(two))],
      close: async () => {
        await Promise.all([one.end(), two.end()]);
        await drop();
      },
    };
  };
  contract('PostgreSQL, two pools on one schema', openTwoPools);
  leaseContract('PostgreSQL, two pools on one schema', openTwoPools);
});
