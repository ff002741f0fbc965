import type pg from 'pg';
import type { SqliteDatabase } from './database';

/**
 * The little SQL the digests need, the same on SQLite and PostgreSQL: "?" placeholders, and
 * transactions. Statements are written once, in the SQL both understand.
 */
export interface Sql {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  get<T>(sql: string, params?: unknown[]): Promise<T | undefined>;
  /** Runs a statement; resolves with the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  tx<T>(f: (sql: Sql) => Promise<T>): Promise<T>;
}

export function sqliteSql(db: SqliteDatabase): Sql {
  const self: Sql = {
    dialect: 'sqlite',
    all: <T>(sql: string, params: unknown[] = []) => Promise.resolve(db.prepare(sql).all(...params) as T[]),
    get: <T>(sql: string, params: unknown[] = []) => Promise.resolve(db.prepare(sql).get(...params) as T | undefined),
    run: (sql: string, params: unknown[] = []) => Promise.resolve(db.prepare(sql).run(...params).changes),
    tx: async <T>(f: (sql: Sql) => Promise<T>) => {
      // One connection, and the statements inside resolve at once: BEGIN IMMEDIATE takes the write lock.
      if (db.inTransaction) return f(self);
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await f(self);
        db.exec('COMMIT');
        return result;
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw e;
      }
    },
  };
  return self;
}

const numbered = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/** Runs f on one client of the pool inside BEGIN … COMMIT, rolled back if f throws. */
export async function inTransaction<T>(pool: pg.Pool, f: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await f(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

export function postgresSql(pool: pg.Pool, client?: pg.PoolClient): Sql {
  const runner = client ?? pool;
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params: unknown[] = []) => (await runner.query(numbered(sql), params)).rows as T[],
    get: async <T>(sql: string, params: unknown[] = []) => (await runner.query(numbered(sql), params)).rows[0] as T | undefined,
    run: async (sql: string, params: unknown[] = []) => (await runner.query(numbered(sql), params)).rowCount ?? 0,
    tx: async <T>(f: (sql: Sql) => Promise<T>) => {
      if (client) return f(postgresSql(pool, client));
      return inTransaction(pool, (c) => f(postgresSql(pool, c)));
    },
  };
}
