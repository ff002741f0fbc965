import { Memo } from '../memo';
import type pg from 'pg';
import type Database from 'better-sqlite3';

/**
 * The little SQL the stores need, the same on SQLite and PostgreSQL: "?" placeholders, and
 * transactions. Statements are written once, in the SQL both understand.
 */
export interface Sql {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: unknown[], options?: ReadOptions<T>): Promise<T[]>;
  get<T>(sql: string, params?: unknown[]): Promise<T | undefined>;
  /** Runs a statement; resolves with the number of rows it changed. */
  run(sql: string, params?: unknown[], options?: RunOptions): Promise<number>;
  tx<T>(f: (sql: Sql) => Promise<T>, options?: TxOptions): Promise<T>;
}

/**
 * On SQLite, the hooks below are called as the statement runs, before any other statement of the
 * connection: what a caller keeps in memory of the database then changes in the same order as the
 * database itself (a promise's continuation comes a varying number of ticks later). On PostgreSQL
 * they are called when the statement's result arrives.
 */
export interface ReadOptions<T> {
  readonly read?: (rows: T[]) => void;
}

export interface RunOptions {
  /**
   * false: the write may be lost to a power failure or a crash of the machine (never to a crash of
   * the bot: it is in the database file's log), in exchange for not waiting for the disk. For what a
   * turn can do without (conversation state), never for what someone was told is recorded. SQLite
   * only (its WAL is then not flushed at this commit, but at the next durable one or checkpoint);
   * PostgreSQL commits as its server is configured.
   */
  readonly durable?: boolean;
  /** Called with the number of rows changed as soon as the statement has run (see ReadOptions). */
  readonly ran?: (changes: number) => void;
}

export interface TxOptions {
  /** As RunOptions.durable, for the whole transaction. */
  readonly durable?: boolean;
  /** Called as soon as the transaction has committed (see ReadOptions). */
  readonly committed?: () => void;
}

/**
 * Statements prepared once per text: compiling one costs more than running it. The texts are the
 * code's own (values go in as parameters), except for IN lists whose length varies: bounded.
 */
function preparedStatements(db: Database.Database): (sql: string) => Database.Statement {
  const cache = new Memo<Database.Statement>(500);
  return (sql) => cache.get(sql, () => db.prepare(sql));
}

/** One Sql per connection: its transactions' queue (and what its users keep beside it) must be the connection's. */
const connections = new WeakMap<Database.Database, Sql>();

export function sqliteSql(db: Database.Database): Sql {
  let sql = connections.get(db);
  if (!sql) connections.set(db, (sql = openSqliteSql(db)));
  return sql;
}

function openSqliteSql(db: Database.Database): Sql {
  const prepared = preparedStatements(db);
  // Durable by default: each commit waits for the disk (WAL mode would otherwise only sync at checkpoints).
  db.pragma('synchronous = FULL');
  const relaxed = db.prepare('PRAGMA synchronous = NORMAL');
  const durable = db.prepare('PRAGMA synchronous = FULL');
  const run = (sql: string, params: unknown[], options?: RunOptions): number => {
    let changes: number;
    if (options?.durable !== false || db.inTransaction) changes = prepared(sql).run(...params).changes;
    else {
      relaxed.run();
      try {
        changes = prepared(sql).run(...params).changes;
      } finally {
        durable.run();
      }
    }
    options?.ran?.(changes);
    return changes;
  };
  const all = <T>(sql: string, params: unknown[], options?: ReadOptions<T>): T[] => {
    const rows = prepared(sql).all(...params) as T[];
    options?.read?.(rows);
    return rows;
  };
  // Inside a transaction, a nested one is part of it.
  const inside: Sql = {
    dialect: 'sqlite',
    all: <T>(sql: string, params: unknown[] = [], options?: ReadOptions<T>) => Promise.resolve(all(sql, params, options)),
    get: <T>(sql: string, params: unknown[] = []) => Promise.resolve(prepared(sql).get(...params) as T | undefined),
    run: (sql: string, params: unknown[] = [], options?: RunOptions) => Promise.resolve(run(sql, params, options)),
    tx: (f) => f(inside),
  };
  /** Whether one of this connection's transactions is open (between its BEGIN and its COMMIT or ROLLBACK). */
  let open = false;
  const transact = async <T>(f: (sql: Sql) => Promise<T>, options?: TxOptions): Promise<T> => {
    const relax = options?.durable === false;
    if (relax) relaxed.run();
    try {
      // BEGIN IMMEDIATE takes the write lock (other processes wait for it: busy_timeout).
      db.exec('BEGIN IMMEDIATE');
      open = true;
      try {
        const result = await f(inside);
        db.exec('COMMIT');
        open = false;
        options?.committed?.();
        return result;
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw e;
      } finally {
        open = false;
      }
    } finally {
      if (relax) durable.run();
    }
  };
  // One connection: a transaction waits for the one before it, or the statements of two turns would mix.
  let queue: Promise<unknown> = Promise.resolve();
  /**
   * A statement from outside the open transaction (another turn's, between two of its awaits) waits
   * for it to end: run on the one connection, it would otherwise become part of it, see its
   * uncommitted writes and be rolled back with it.
   */
  const outside = <T>(f: () => T): Promise<T> => (open ? queue.then(() => outside(f)) : new Promise<T>((resolve) => resolve(f())));
  return {
    dialect: 'sqlite',
    all: <T>(sql: string, params: unknown[] = [], options?: ReadOptions<T>) => outside(() => all(sql, params, options)),
    get: <T>(sql: string, params: unknown[] = []) => outside(() => prepared(sql).get(...params) as T | undefined),
    run: (sql: string, params: unknown[] = [], options?: RunOptions) => outside(() => run(sql, params, options)),
    tx: <T>(f: (sql: Sql) => Promise<T>, options?: TxOptions) => {
      const result = queue.then(() => transact(f, options));
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
    all: async <T>(sql: string, params: unknown[] = [], options?: ReadOptions<T>) => {
      const rows = (await runner.query(numbered(sql), params)).rows as T[];
      options?.read?.(rows);
      return rows;
    },
    get: async <T>(sql: string, params: unknown[] = []) => (await runner.query(numbered(sql), params)).rows[0] as T | undefined,
    run: async (sql: string, params: unknown[] = [], options?: RunOptions) => {
      const changes = (await runner.query(numbered(sql), params)).rowCount ?? 0;
      options?.ran?.(changes);
      return changes;
    },
    tx: async <T>(f: (sql: Sql) => Promise<T>, options?: TxOptions) => {
      if (client) return f(postgresSql(pool, client));
      const result = await inTransaction(pool, (c) => f(postgresSql(pool, c)));
      options?.committed?.();
      return result;
    },
  };
}
