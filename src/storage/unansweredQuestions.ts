import type { Lang } from '../knowledge/analyzer';
import type { SqliteDatabase } from './database';

export interface UnansweredQuestion {
  readonly id: number;
  readonly text: string;
  readonly language: Lang;
  readonly reason: string;
  readonly askedAt: string;
}

/** Questions the sources could not answer, kept for the organisers: text, language, time; no identity. */
export interface UnansweredQuestionRepository {
  record(q: { text: string; language: Lang; reason: string; askedAt: Date }): Promise<void>;
  list(since?: Date): Promise<UnansweredQuestion[]>;
}

export class SqliteUnansweredQuestions implements UnansweredQuestionRepository {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly maxLength = 2000,
  ) {}

  record(q: { text: string; language: Lang; reason: string; askedAt: Date }): Promise<void> {
    this.db
      .prepare('INSERT INTO unanswered_questions (text, language, reason, asked_at) VALUES (?, ?, ?, ?)')
      .run(q.text.slice(0, this.maxLength), q.language, q.reason, q.askedAt.toISOString());
    return Promise.resolve();
  }

  list(since?: Date): Promise<UnansweredQuestion[]> {
    const rows = this.db
      .prepare<[string], { id: number; text: string; language: Lang; reason: string; asked_at: string }>(
        'SELECT id, text, language, reason, asked_at FROM unanswered_questions WHERE asked_at >= ? ORDER BY id',
      )
      .all((since ?? new Date(0)).toISOString());
    return Promise.resolve(rows.map((r) => ({ id: r.id, text: r.text, language: r.language, reason: r.reason, askedAt: r.asked_at })));
  }
}
