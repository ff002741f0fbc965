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

type PendingQuestion = { text: string; language: Lang; reason: string; askedAt: Date };

/**
 * Keeps the participant's turn going when the database fails: a question that could not be stored
 * is logged, kept in memory and stored again later, with backoff, in order; nothing is dropped
 * while the process lives.
 */
export class RetryingUnansweredQuestions implements UnansweredQuestionRepository {
  private readonly pending: PendingQuestion[] = [];
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;

  constructor(
    private readonly inner: UnansweredQuestionRepository,
    private readonly onError: (error: unknown, pending: number) => void,
    private readonly baseDelayMs = 1000,
    private readonly maxDelayMs = 60000,
  ) {}

  get backlog(): number {
    return this.pending.length;
  }

  async record(q: PendingQuestion): Promise<void> {
    this.pending.push(q);
    await this.flush();
  }

  list(since?: Date): Promise<UnansweredQuestion[]> {
    return this.inner.list(since);
  }

  /** Stores what is pending, oldest first; on failure keeps the rest and tries again later. */
  async flush(): Promise<void> {
    while (this.pending.length) {
      try {
        await this.inner.record(this.pending[0]!);
        this.pending.shift();
        this.attempt = 0;
      } catch (error) {
        this.attempt++;
        this.onError(error, this.pending.length);
        this.schedule();
        return;
      }
    }
  }

  private schedule(): void {
    if (this.timer) return;
    const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (this.attempt - 1));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
