import type { Lang } from '../knowledge/analyzer';
import { onlyContacts, redactContacts } from '../privacy/redaction';
import type { Sql } from '../storage/sql';

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
  /** Deletes the questions asked before the date (retention); resolves with how many went. */
  purge(before: Date): Promise<number>;
}

/** How much is kept: the longest question stored, and the most questions (the oldest go first). */
export const UNANSWERED_LIMITS = { maxLength: 1000, maxRows: 5000 } as const;

/**
 * The text of a question as it may be stored: email addresses and phone numbers redacted (the
 * organisers read these, and a participant may paste their details), cut to maxLength. Undefined
 * when nothing but contact details is left: an answer meant for a dialog, not a question.
 */
export function storableQuestion(text: string, maxLength: number): string | undefined {
  // A NUL would fail on PostgreSQL and block the retry queue behind it: control characters go.
  // eslint-disable-next-line no-control-regex
  const redacted = redactContacts(text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ''));
  return onlyContacts(redacted) ? undefined : redacted.slice(0, maxLength);
}

const iso = (v: string | Date): string => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());

/** The log on SQLite or PostgreSQL alike (released as migration id 2, whose table it keeps). */
export class SqlUnansweredQuestions implements UnansweredQuestionRepository {
  constructor(
    private readonly sql: Sql,
    private readonly maxLength: number = UNANSWERED_LIMITS.maxLength,
    private readonly maxRows: number = UNANSWERED_LIMITS.maxRows,
  ) {}

  async record(q: { text: string; language: Lang; reason: string; askedAt: Date }): Promise<void> {
    const text = storableQuestion(q.text, this.maxLength);
    if (text === undefined) return;
    // An anonymous log for the organisers' digest, written on every refusal: kept through a crash of
    // the bot, not waited on to reach the disk (what a participant asks the organisers is, elsewhere).
    await this.sql.tx(
      async (sql) => {
        await sql.run('INSERT INTO unanswered_questions (text, language, reason, asked_at) VALUES (?, ?, ?, ?)', [text, q.language, q.reason, q.askedAt.toISOString()]);
        await sql.run('DELETE FROM unanswered_questions WHERE id <= (SELECT id FROM unanswered_questions ORDER BY id DESC LIMIT 1 OFFSET ?)', [this.maxRows]);
      },
      { durable: false },
    );
  }

  purge(before: Date): Promise<number> {
    return this.sql.run('DELETE FROM unanswered_questions WHERE asked_at < ?', [before.toISOString()]);
  }

  async list(since?: Date): Promise<UnansweredQuestion[]> {
    const rows = await this.sql.all<{ id: number | string; text: string; language: Lang; reason: string; asked_at: string | Date }>(
      'SELECT id, text, language, reason, asked_at FROM unanswered_questions WHERE asked_at >= ? ORDER BY id',
      [(since ?? new Date(0)).toISOString()],
    );
    return rows.map((r) => ({ id: Number(r.id), text: r.text, language: r.language, reason: r.reason, askedAt: iso(r.asked_at) }));
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
  /** The flush under way: questions recorded meanwhile join it, so that no two store the same one. */
  private flushing: Promise<void> | undefined;

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

  purge(before: Date): Promise<number> {
    // What waits in memory to be stored is purged too: retention holds for it as well.
    for (let i = this.pending.length - 1; i >= 0; i--) if (this.pending[i]!.askedAt < before) this.pending.splice(i, 1);
    return this.inner.purge(before);
  }

  /** Stores what is pending, oldest first; on failure keeps the rest and tries again later. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const next = this.pending[0]!;
      try {
        await this.inner.record(next);
        // A purge meanwhile may have taken it already.
        const stored = this.pending.indexOf(next);
        if (stored >= 0) this.pending.splice(stored, 1);
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
