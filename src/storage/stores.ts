import type { Storage } from 'botbuilder';
import type { Migration } from './migration';
import type pg from 'pg';
import { SqlBotStorage } from './botState';
import { openDatabase } from './database';
import { postgresSql, sqliteSql, type Sql } from './sql';
import { openPostgres } from './postgres';

/** Everything kept in the database, behind the same interfaces on SQLite and on PostgreSQL. */
export interface Stores {
  readonly kind: 'sqlite' | 'postgres';
  readonly botState: Storage;
  /** Plain SQL on the same database, for the features' repositories (confirmations, digests, feedback, questions …). */
  readonly sql: Sql;
  /** The PostgreSQL pool, for what needs PostgreSQL itself (LISTEN/NOTIFY, the shared rate limits); absent on SQLite. */
  readonly pool?: pg.Pool;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the database with the storage layer's tables and the features' (their migrations, from the composition root). */
export async function openStores(opts: { dataDir: string; databaseUrl?: string | undefined; features?: readonly Migration[] }): Promise<Stores> {
  if (opts.databaseUrl?.startsWith('postgres')) {
    const pool = await openPostgres(opts.databaseUrl, opts.features);
    const sql = postgresSql(pool);
    return {
      kind: 'postgres',
      botState: new SqlBotStorage(sql),
      sql,
      pool,
      ping: async () => {
        await pool.query('SELECT 1');
      },
      close: () => pool.end(),
    };
  }
  const db = openDatabase(opts.dataDir, undefined, opts.features);
  const sql = sqliteSql(db);
  return {
    kind: 'sqlite',
    botState: new SqlBotStorage(sql),
    sql,
    ping: () => {
      db.prepare('SELECT 1').get();
      return Promise.resolve();
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
