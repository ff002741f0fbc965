import { randomUUID } from 'node:crypto';
import type { Lang } from '../knowledge/analyzer';
import type { Sql } from '../storage/sql';

export interface AskedQuestion {
  readonly id: string;
  readonly groupId: string;
  readonly text: string;
  readonly language: Lang;
  /** The language the asker wants the answer in: their question's, unless they switched while sending it. */
  readonly answerLanguage: Lang;
  readonly channelId: string;
  readonly userId: string;
  readonly conversationReference: Record<string, unknown>;
  readonly email: string | null;
  readonly askedAt: string;
}

export interface OrganisersAnswer {
  readonly en: string;
  readonly fr: string;
  readonly answeredBy: string;
  readonly answeredAt: string;
  readonly taughtAt: string | null;
}

export interface QuestionGroup {
  readonly id: string;
  /** The first asker's wording. */
  readonly text: string;
  readonly language: Lang;
  readonly status: 'open' | 'answered';
  readonly createdAt: string;
  /** How many participants asked it. */
  readonly askers: number;
  readonly questions: ReadonlyArray<{ readonly text: string; readonly language: Lang; readonly askedAt: string }>;
  readonly answer: OrganisersAnswer | null;
  readonly deliveries: { readonly pending: number; readonly sent: number };
}

/** A delivery due now: the asker, their question and the answer to bring them. */
export interface DueDelivery {
  readonly asked: AskedQuestion;
  readonly answer: OrganisersAnswer;
  readonly attempts: number;
}

interface AskedRow {
  id: string;
  group_id: string;
  text: string;
  language: Lang;
  answer_language: Lang | null;
  channel_id: string;
  user_id: string;
  conversation_reference: string;
  email: string | null;
  asked_at: string;
}
const toAsked = (r: AskedRow): AskedQuestion => ({
  id: r.id,
  groupId: r.group_id,
  text: r.text,
  language: r.language,
  answerLanguage: r.answer_language ?? r.language,
  channelId: r.channel_id,
  userId: r.user_id,
  conversationReference: JSON.parse(r.conversation_reference) as Record<string, unknown>,
  email: r.email,
  askedAt: r.asked_at,
});

/**
 * A group's wording is its first asker's: once their question is gone (deleted at their request, or
 * purged), the earliest remaining asker's, or, when none remains of an answered group, the
 * organisers' answer in the group's language — never the words of a participant no longer there.
 */
const REWORD = `UPDATE question_groups SET
    text = COALESCE(
      (SELECT a.text FROM asked_questions a WHERE a.group_id = question_groups.id ORDER BY a.asked_at LIMIT 1),
      (SELECT CASE WHEN question_groups.language = 'fr' THEN q.answer_fr ELSE q.answer_en END FROM question_answers q WHERE q.group_id = question_groups.id),
      ''),
    language = COALESCE((SELECT a.language FROM asked_questions a WHERE a.group_id = question_groups.id ORDER BY a.asked_at LIMIT 1), question_groups.language)
  WHERE id = ?`;

/**
 * The organisers' question queue: groups of questions that mean the same, each participant's
 * question with the conversation to answer in, the organisers' answer, and the delivery ledger
 * (one row per asker, sent once: a row is claimed before sending and marked sent after).
 */
export class QuestionRepository {
  constructor(private readonly sql: Sql) {}

  async openGroups(): Promise<Array<{ id: string; terms: string[] }>> {
    const rows = await this.sql.all<{ id: string; terms: string }>("SELECT id, terms FROM question_groups WHERE status = 'open' ORDER BY created_at");
    return rows.map((r) => ({ id: r.id, terms: JSON.parse(r.terms) as string[] }));
  }

  /** How many of the participant's questions wait for the organisers' answer. */
  async waiting(channelId: string, userId: string): Promise<number> {
    const r = await this.sql.get<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM asked_questions a JOIN question_groups g ON g.id = a.group_id WHERE g.status = 'open' AND a.channel_id = ? AND a.user_id = ?",
      [channelId, userId],
    );
    return Number(r?.n ?? 0);
  }

  /** Queues a question, in the group given, or in a new group of its own; resolves with the group's id. */
  async add(q: Omit<AskedQuestion, 'id' | 'groupId' | 'askedAt' | 'answerLanguage'> & { answerLanguage?: Lang | undefined } & { groupId: string | undefined; terms: string[]; now: Date }): Promise<string> {
    return this.sql.tx(async (sql) => {
      const now = q.now.toISOString();
      let groupId = q.groupId;
      // The group may have been answered or emptied since it was read: a new one then.
      if (groupId && !(await sql.get("SELECT id FROM question_groups WHERE id = ? AND status = 'open'", [groupId]))) groupId = undefined;
      if (!groupId) {
        groupId = randomUUID();
        await sql.run("INSERT INTO question_groups (id, text, language, terms, status, created_at) VALUES (?, ?, ?, ?, 'open', ?)", [groupId, q.text, q.language, JSON.stringify(q.terms), now]);
      }
      // One question per participant and group: asking again in other words counts once.
      await sql.run('DELETE FROM asked_questions WHERE group_id = ? AND channel_id = ? AND user_id = ?', [groupId, q.channelId, q.userId]);
      await sql.run(
        'INSERT INTO asked_questions (id, group_id, text, language, answer_language, channel_id, user_id, conversation_reference, email, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [randomUUID(), groupId, q.text, q.language, q.answerLanguage ?? q.language, q.channelId, q.userId, JSON.stringify(q.conversationReference), q.email, now],
      );
      return groupId;
    });
  }

  async groups(status?: 'open' | 'answered', id?: string): Promise<QuestionGroup[]> {
    const where = [...(status ? ['status = ?'] : []), ...(id !== undefined ? ['id = ?'] : [])];
    const groups = await this.sql.all<{ id: string; text: string; language: Lang; status: 'open' | 'answered'; created_at: string }>(
      `SELECT id, text, language, status, created_at FROM question_groups ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at`,
      [...(status ? [status] : []), ...(id !== undefined ? [id] : [])],
    );
    const out: QuestionGroup[] = [];
    for (const g of groups) {
      const questions = await this.sql.all<{ text: string; language: Lang; asked_at: string }>('SELECT text, language, asked_at FROM asked_questions WHERE group_id = ? ORDER BY asked_at', [g.id]);
      const answer = await this.answer(g.id);
      const counts = await this.sql.all<{ status: 'pending' | 'sent'; n: number | string }>('SELECT status, COUNT(*) AS n FROM question_deliveries WHERE group_id = ? GROUP BY status', [g.id]);
      const count = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
      out.push({
        id: g.id,
        text: g.text,
        language: g.language,
        status: g.status,
        createdAt: g.created_at,
        askers: questions.length,
        questions: questions.map((q) => ({ text: q.text, language: q.language, askedAt: q.asked_at })),
        answer,
        deliveries: { pending: count('pending'), sent: count('sent') },
      });
    }
    // The most asked first: what the organisers answer first.
    return out.sort((a, b) => b.askers - a.askers);
  }

  /** One group, read alone: every participant's question reads it, however long the queue. */
  async group(id: string): Promise<QuestionGroup | undefined> {
    return (await this.groups(undefined, id))[0];
  }

  async answer(groupId: string): Promise<OrganisersAnswer | null> {
    const r = await this.sql.get<{ answer_en: string; answer_fr: string; answered_by: string; answered_at: string; taught_at: string | null }>(
      'SELECT answer_en, answer_fr, answered_by, answered_at, taught_at FROM question_answers WHERE group_id = ?',
      [groupId],
    );
    return r ? { en: r.answer_en, fr: r.answer_fr, answeredBy: r.answered_by, answeredAt: r.answered_at, taughtAt: r.taught_at } : null;
  }

  /**
   * Keeps the answer (a later one replaces it for those not yet reached) and puts one delivery row
   * per asker in the ledger; an asker already answered is not answered again. Resolves with how
   * many deliveries are now pending.
   */
  async saveAnswer(groupId: string, a: { en: string; fr: string; by: string; now: Date }): Promise<number> {
    return this.sql.tx(async (sql) => {
      const now = a.now.toISOString();
      await sql.run(
        `INSERT INTO question_answers (group_id, answer_en, answer_fr, answered_by, answered_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (group_id) DO UPDATE SET answer_en = excluded.answer_en, answer_fr = excluded.answer_fr, answered_by = excluded.answered_by, answered_at = excluded.answered_at`,
        [groupId, a.en, a.fr, a.by, now],
      );
      await sql.run("UPDATE question_groups SET status = 'answered' WHERE id = ?", [groupId]);
      await sql.run(
        `INSERT INTO question_deliveries (asked_id, group_id, status, attempts, next_attempt_at)
         SELECT id, group_id, 'pending', 0, ? FROM asked_questions WHERE 1 = 1 AND group_id = ? ON CONFLICT (asked_id) DO NOTHING`,
        [now, groupId],
      );
      const pending = await sql.get<{ n: number | string }>("SELECT COUNT(*) AS n FROM question_deliveries WHERE group_id = ? AND status = 'pending'", [groupId]);
      return Number(pending?.n ?? 0);
    });
  }

  async markTaught(groupId: string, now: Date): Promise<void> {
    await this.sql.run('UPDATE question_answers SET taught_at = ? WHERE group_id = ?', [now.toISOString(), groupId]);
  }

  /**
   * The deliveries due now, each claimed for leaseMs so that another instance (or an overlapping
   * run) leaves it alone while it is being sent.
   */
  async claimDue(now: Date, leaseMs: number, limit = 50): Promise<DueDelivery[]> {
    const at = now.toISOString();
    const rows = await this.sql.all<AskedRow & { attempts: number | string }>(
      `SELECT a.id, a.group_id, a.text, a.language, a.answer_language, a.channel_id, a.user_id, a.conversation_reference, a.email, a.asked_at, d.attempts
       FROM question_deliveries d JOIN asked_questions a ON a.id = d.asked_id
       WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND (d.claimed_until IS NULL OR d.claimed_until < ?)
       ORDER BY d.next_attempt_at LIMIT ?`,
      [at, at, limit],
    );
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const due: DueDelivery[] = [];
    for (const r of rows) {
      const claimed = await this.sql.run("UPDATE question_deliveries SET claimed_until = ? WHERE asked_id = ? AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < ?)", [until, r.id, at]);
      if (!claimed) continue;
      const answer = await this.answer(r.group_id);
      if (answer) due.push({ asked: toAsked(r), answer, attempts: Number(r.attempts) });
    }
    return due;
  }

  async markSent(askedId: string, via: 'conversation' | 'email', now: Date): Promise<void> {
    await this.sql.run("UPDATE question_deliveries SET status = 'sent', via = ?, sent_at = ?, attempts = attempts + 1, last_error = NULL, claimed_until = NULL WHERE asked_id = ?", [via, now.toISOString(), askedId]);
  }

  async markFailed(askedId: string, error: string, next: Date): Promise<void> {
    await this.sql.run('UPDATE question_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_until = NULL WHERE asked_id = ?', [error.slice(0, 500), next.toISOString(), askedId]);
  }

  /** The participant's questions, in the groups whose answer was taught to the bot: their words may be in the sources' draft. */
  async taughtWordings(channelId: string, userId: string): Promise<Array<{ groupId: string; text: string; language: Lang }>> {
    const rows = await this.sql.all<{ group_id: string; text: string; language: Lang }>(
      'SELECT a.group_id, a.text, a.language FROM asked_questions a JOIN question_answers q ON q.group_id = a.group_id WHERE q.taught_at IS NOT NULL AND a.channel_id = ? AND a.user_id = ?',
      [channelId, userId],
    );
    return rows.map((r) => ({ groupId: r.group_id, text: r.text.trim(), language: r.language }));
  }

  /** "Delete my data": the participant's questions go, the open groups only they had asked, and their wording of the others. */
  async forget(channelId: string, userId: string): Promise<number> {
    return this.sql.tx(async (sql) => {
      const groups = await sql.all<{ group_id: string }>('SELECT DISTINCT group_id FROM asked_questions WHERE channel_id = ? AND user_id = ?', [channelId, userId]);
      const n = await sql.run('DELETE FROM asked_questions WHERE channel_id = ? AND user_id = ?', [channelId, userId]);
      await sql.run("DELETE FROM question_groups WHERE status = 'open' AND NOT EXISTS (SELECT 1 FROM asked_questions a WHERE a.group_id = question_groups.id)", []);
      for (const g of groups) await sql.run(REWORD, [g.group_id]);
      return n;
    });
  }

  /** Retention: questions asked before the date go, with their delivery rows; then the groups left empty, and their wording of the others. */
  async purge(before: Date): Promise<number> {
    return this.sql.tx(async (sql) => {
      const at = before.toISOString();
      const groups = await sql.all<{ group_id: string }>('SELECT DISTINCT group_id FROM asked_questions WHERE asked_at < ?', [at]);
      const n = await sql.run('DELETE FROM asked_questions WHERE asked_at < ?', [at]);
      await sql.run('DELETE FROM question_groups WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM asked_questions a WHERE a.group_id = question_groups.id)', [at]);
      for (const g of groups) await sql.run(REWORD, [g.group_id]);
      return n;
    });
  }
}
