import pg from 'pg';
import type { Lang } from '../knowledge/analyzer';
import { BOT_STATE_MIGRATION } from './botState';
import { migrationSql, type Migration } from './migration';
import { inTransaction } from './sql';
import { storableQuestion, UNANSWERED_LIMITS, type UnansweredQuestion, type UnansweredQuestionRepository } from './unansweredQuestions';

/** The storage layer's own tables; the features' come from the composition root. */
const MIGRATIONS: readonly Migration[] = [
  BOT_STATE_MIGRATION,
  {
    id: 2,
    name: 'unanswered questions',
    sql: `CREATE TABLE unanswered_questions (
            id BIGSERIAL PRIMARY KEY,
            text TEXT NOT NULL,
            language TEXT NOT NULL CHECK (language IN ('en', 'fr')),
            reason TEXT NOT NULL,
            asked_at TIMESTAMPTZ NOT NULL);
          CREATE INDEX unanswered_questions_asked_at ON unanswered_questions (asked_at)`,
  },
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

export class PostgresUnansweredQuestions implements UnansweredQuestionRepository {
  constructor(
    private readonly pool: pg.Pool,
    private readonly maxLength: number = UNANSWERED_LIMITS.maxLength,
    private readonly maxRows: number = UNANSWERED_LIMITS.maxRows,
  ) {}

  async record(q: { text: string; language: Lang; reason: string; askedAt: Date }): Promise<void> {
    const text = storableQuestion(q.text, this.maxLength);
    if (text === undefined) return;
    await inTransaction(this.pool, async (c) => {
      await c.query('INSERT INTO unanswered_questions (text, language, reason, asked_at) VALUES ($1, $2, $3, $4)', [text, q.language, q.reason, q.askedAt]);
      await c.query('DELETE FROM unanswered_questions WHERE id <= (SELECT id FROM unanswered_questions ORDER BY id DESC LIMIT 1 OFFSET $1)', [this.maxRows]);
    });
  }

  async purge(before: Date): Promise<number> {
    return (await this.pool.query('DELETE FROM unanswered_questions WHERE asked_at < $1', [before])).rowCount ?? 0;
  }

  async list(since?: Date): Promise<UnansweredQuestion[]> {
    const { rows } = await this.pool.query<{ id: string; text: string; language: Lang; reason: string; asked_at: Date }>(
      'SELECT id, text, language, reason, asked_at FROM unanswered_questions WHERE asked_at >= $1 ORDER BY id',
      [since ?? new Date(0)],
    );
    return rows.map((r) => ({ id: Number(r.id), text: r.text, language: r.language, reason: r.reason, askedAt: r.asked_at.toISOString() }));
  }
}
