import { randomUUID } from 'node:crypto';
import type { Lang } from '../knowledge/analyzer';
import { redactContacts } from '../privacy/redaction';
import type { Sql } from '../storage/sql';

export interface Feedback {
  readonly id: string;
  readonly reaction: 'like' | 'dislike';
  readonly comment: string | null;
  /** The question and what kind of answer it got (schedule, Q&A, passage, refusal); no identity. */
  readonly question: string | null;
  readonly answerKind: string | null;
  readonly language: Lang | null;
  readonly channelId: string;
  readonly at: string;
}

export const FEEDBACK_SCHEMA = `
  CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    answer_key TEXT NOT NULL,
    reaction TEXT NOT NULL CHECK (reaction IN ('like', 'dislike')),
    comment TEXT,
    question TEXT,
    answer_kind TEXT,
    language TEXT,
    channel_id TEXT NOT NULL,
    at TEXT NOT NULL);
  CREATE INDEX feedback_at ON feedback (at);`;

/**
 * How much one vote and the whole table may hold. Keys are ours (a UUID, or the id Teams gives a
 * message) but come back from the client, so anything longer is cut; the oldest votes go first.
 */
export const FEEDBACK_LIMITS = { keyLength: 128, commentLength: 1000, questionLength: 1000, channelLength: 64, answerKindLength: 32, maxRows: 20000 } as const;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Free text for the organisers: contact details redacted, control characters removed, cut. */
function storable(text: string | undefined, max: number): string | null {
  if (text === undefined) return null;
  // eslint-disable-next-line no-control-regex
  const clean = redactContacts(text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(LONE_SURROGATE, '\ufffd')).trim();
  return clean ? clean.slice(0, max) : null;
}

/** Thumbs up and down on answers, kept for the organisers. One vote per answer: a new one replaces it. */
export class FeedbackRepository {
  constructor(
    private readonly sql: Sql,
    private readonly maxRows: number = FEEDBACK_LIMITS.maxRows,
  ) {}

  async record(f: { answerKey: string; reaction: 'like' | 'dislike'; comment?: string | undefined; question?: string | undefined; answerKind?: string | undefined; language?: Lang | undefined; channelId: string; now: Date }): Promise<void> {
    const key = f.answerKey.slice(0, FEEDBACK_LIMITS.keyLength);
    await this.sql.tx(async (sql) => {
      await sql.run('DELETE FROM feedback WHERE answer_key = ?', [key]);
      await sql.run('INSERT INTO feedback (id, answer_key, reaction, comment, question, answer_kind, language, channel_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        randomUUID(),
        key,
        f.reaction,
        storable(f.comment, FEEDBACK_LIMITS.commentLength),
        storable(f.question, FEEDBACK_LIMITS.questionLength),
        f.answerKind?.slice(0, FEEDBACK_LIMITS.answerKindLength) ?? null,
        f.language ?? null,
        f.channelId.slice(0, FEEDBACK_LIMITS.channelLength),
        f.now.toISOString(),
      ]);
      await sql.run('DELETE FROM feedback WHERE at < (SELECT at FROM feedback ORDER BY at DESC LIMIT 1 OFFSET ?)', [this.maxRows - 1]);
    });
  }

  /** Deletes the votes given before the date (retention); resolves with how many went. */
  purge(before: Date): Promise<number> {
    return this.sql.run('DELETE FROM feedback WHERE at < ?', [before.toISOString()]);
  }

  async list(since?: Date): Promise<Feedback[]> {
    const rows = await this.sql.all<{ id: string; reaction: 'like' | 'dislike'; comment: string | null; question: string | null; answer_kind: string | null; language: Lang | null; channel_id: string; at: string }>(
      'SELECT id, reaction, comment, question, answer_kind, language, channel_id, at FROM feedback WHERE at >= ? ORDER BY at DESC',
      [(since ?? new Date(0)).toISOString()],
    );
    return rows.map((r) => ({ id: r.id, reaction: r.reaction, comment: r.comment, question: r.question, answerKind: r.answer_kind, language: r.language, channelId: r.channel_id, at: r.at }));
  }
}
