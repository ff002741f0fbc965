import { randomUUID } from 'node:crypto';
import type { Lang } from '../knowledge/analyzer';
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

/** Thumbs up and down on answers, kept for the organisers. One vote per answer: a new one replaces it. */
export class FeedbackRepository {
  constructor(private readonly sql: Sql) {}

  async record(f: { answerKey: string; reaction: 'like' | 'dislike'; comment?: string | undefined; question?: string | undefined; answerKind?: string | undefined; language?: Lang | undefined; channelId: string; now: Date }): Promise<void> {
    await this.sql.tx(async (sql) => {
      await sql.run('DELETE FROM feedback WHERE answer_key = ?', [f.answerKey]);
      await sql.run('INSERT INTO feedback (id, answer_key, reaction, comment, question, answer_kind, language, channel_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        randomUUID(),
        f.answerKey,
        f.reaction,
        f.comment?.slice(0, 2000) ?? null,
        f.question?.slice(0, 2000) ?? null,
        f.answerKind ?? null,
        f.language ?? null,
        f.channelId,
        f.now.toISOString(),
      ]);
    });
  }

  async list(since?: Date): Promise<Feedback[]> {
    const rows = await this.sql.all<{ id: string; reaction: 'like' | 'dislike'; comment: string | null; question: string | null; answer_kind: string | null; language: Lang | null; channel_id: string; at: string }>(
      'SELECT id, reaction, comment, question, answer_kind, language, channel_id, at FROM feedback WHERE at >= ? ORDER BY at DESC',
      [(since ?? new Date(0)).toISOString()],
    );
    return rows.map((r) => ({ id: r.id, reaction: r.reaction, comment: r.comment, question: r.question, answerKind: r.answer_kind, language: r.language, channelId: r.channel_id, at: r.at }));
  }
}
