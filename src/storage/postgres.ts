import pg from 'pg';
import { BOT_STATE_MIGRATION } from './botState';
import { migrationSql, type Migration } from './migration';

/** The storage layer's own tables; the features' come from the composition root. */
const MIGRATIONS: readonly Migration[] = [
  BOT_STATE_MIGRATION,
];

/** Opens a pool on DATABASE_URL; a `schema` parameter in the URL selects (and creates) the schema. */
export async function openPostgres(url: string, features: readonly Migration[] = []): Promise<pg.Pool> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('DATABASE_URL: schema must be a lower-case SQL identifier');
  const pool = new pg.Pool({ connectionString: parsed.toString(), max: 10, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  pool.on('error', () => undefined); // an idle client's error is reported by the next query that needs it
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await migratePostgres(pool, features);
  return pool;
}

/** Applies the migrations once, under an advisory lock so that two instances starting together do not race. */
export async function migratePostgres(pool: pg.Pool, features: readonly Migration[] = []): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(4192019)');
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)');
    const done = new Set((await client.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    const applied: number[] = [];
    for (const m of [...MIGRATIONS, ...features].sort((a, b) => a.id - b.id)) {
      if (done.has(m.id)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migrationSql(m, 'postgres'));
        await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, now())', [m.id, m.name]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
      applied.push(m.id);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock(4192019)').catch(() => undefined);
    client.release();
  }
}

