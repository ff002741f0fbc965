import { Memo } from '../memo';
import type pg from 'pg';
import type Database from 'better-sqlite3';

/**
 * The little SQL the stores need, the same on SQLite and PostgreSQL: "?" placeholders, and
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

/**
 * Statements prepared once per text: compiling one costs more than running it. The texts are the
 * code's own (values go in as parameters), except for IN lists whose length varies: bounded.
 */
function preparedStatements(db: Database.Database): (sql: string) => Database.Statement {
  const cache = new Memo<Database.Statement>(500);
  return (sql) => cache.get(sql, () => db.prepare(sql));
}

export function sqliteSql(db: Database.Database): Sql {
  const prepared = preparedStatements(db);
  const statements = {
    dialect: 'sqlite' as const,
    all: <T>(sql: string, params: unknown[] = []) => Promise.resolve(prepared(sql).all(...params) as T[]),
    get: <T>(sql: string, params: unknown[] = []) => Promise.resolve(prepared(sql).get(...params) as T | undefined),
    run: (sql: string, params: unknown[] = []) => Promise.resolve(prepared(sql).run(...params).changes),
  };
  // Inside a transaction, a nested one is part of it.
  const inside: Sql = { ...statements, tx: (f) => f(inside) };
  const transact = async <T>(f: (sql: Sql) => Promise<T>): Promise<T> => {
    if (db.inTransaction) return f(inside);
    // BEGIN IMMEDIATE takes the write lock (other processes wait for it: busy_timeout).
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = await f(inside);
      db.exec('COMMIT');
      return result;
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw e;
    }
  };
  // One connection: a transaction waits for the one before it, or the statements of two turns would mix.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    ...statements,
    tx: <T>(f: (sql: Sql) => Promise<T>) => {
      const result = queue.then(() => transact(f));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

/** "?, ?, ?" for a list of n values. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** " FOR UPDATE" where rows can be locked; SQLite's write transaction already holds the whole database. */
export const forUpdate = (sql: Sql): string => (sql.dialect === 'postgres' ? ' FOR UPDATE' : '');

/**
 * When e is a unique-key violation, the constraint it names (PostgreSQL: its name; SQLite: the
 * message, "table.column"), to be matched by the caller; otherwise undefined.
 */
export function uniqueViolation(e: unknown): string | undefined {
  const err = e as { code?: string; constraint?: string; message?: string } | null;
  if (err?.code === '23505') return err.constraint ?? '';
  if (err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return err.message ?? '';
  return undefined;
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
