import type { EmailSender } from '../digests/service';
import type { Analyzer, Lang } from '../knowledge/analyzer';
import type { QaPair } from '../knowledge/sources';
import type { Logger } from '../logger';
import type { Clock } from '../schedule/time';
import type { Translate } from '../vocabulary';
import type { CardDestination, DueCard, QuestionCardLedger } from './cardLedger';
import { answerMail, answerMessage, type CardPoster, type ConversationSender } from './delivery';
import type { DueDelivery, QuestionGroup, QuestionRepository } from './repository';
import { closeness, questionTerms, SAME_QUESTION } from './similarity';
import { storableQuestion, UNANSWERED_LIMITS } from './unanswered';

/** Why the organisers' answer was refused: a language missing (no machine translation), or no such group. */
export class QuestionError extends Error {
  constructor(
    readonly code: 'MISSING_LANGUAGE' | 'NOT_FOUND' | 'NOT_ANSWERED',
    message: string,
    readonly missing: readonly Lang[] = [],
  ) {
    super(message);
    this.name = 'QuestionError';
  }
}

/**
 * The most questions one participant may have waiting for the organisers at once: more are refused
 * until some are answered, so that one conversation cannot flood the queue and the organisers' Teams.
 */
export const MAX_OPEN_PER_PARTICIPANT = 5;

/** What became of a participant's question: queued (in a group of how many askers), or why not. */
export type AskOutcome = { readonly queued: true; readonly groupId: string; readonly askers: number } | { readonly queued: false; readonly reason: 'empty' | 'too-many' };

/** The longest answer, in each language, the organisers may give. */
export const ANSWER_MAX_LENGTH = 4000;

export interface QuestionSettings {
  readonly emailFrom: string;
  /** Delay before the n-th retry of a delivery: base × 2^(n-1), capped. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** After this many failed attempts at the conversation, an asker who left an email is written to. */
  readonly emailAfterAttempts: number;
}

export interface QuestionDeps {
  readonly repo: QuestionRepository;
  /** The live sources' analyzer: the retriever's reading of a question. */
  readonly analyzer: () => Pick<Analyzer, 'analyze'>;
  readonly conversation: ConversationSender;
  readonly email?: EmailSender | undefined;
  /** Puts a Q&A pair into the sources' draft; resolves with the draft's number. */
  readonly teach: (pair: QaPair, actor: string) => Promise<number>;
  /** Takes a participant's words out of a pair of the sources' draft (never out of a published version). */
  readonly untaught?: ((pairId: string, phrasings: { en: string[]; fr: string[] }, actor: string) => Promise<boolean>) | undefined;
  /**
   * The organisers' Teams conversations: each gets a card for a question no one asked before,
   * updated in place once it is answered; posts and updates are retried as deliveries are.
   */
  readonly organisers?:
    | {
        readonly ledger: QuestionCardLedger;
        readonly destinations: () => Promise<readonly CardDestination[]>;
        readonly cards: CardPoster;
        /** The card in a conversation's language: the question and its form, or, answered, the answer. */
        readonly render: (lang: Lang, group: QuestionGroup) => { card: Record<string, unknown>; summary: string };
      }
    | undefined;
  readonly clock: Clock;
  readonly t: Translate;
  readonly logger: Logger;
  readonly settings: QuestionSettings;
}

const LEASE_MS = 120_000;

/** The Q&A pair an answered group is taught as. */
const taughtPairId = (groupId: string): string => `qa.organisers.${groupId.slice(0, 8)}`;

/** A connector's refusal that retrying will not change: the conversation or the bot is gone from it. */
const unreachable = (e: unknown) => [403, 404].includes(Number((e as { statusCode?: number }).statusCode));

/**
 * Questions the sources cannot answer, asked of the organisers: queued in groups that mean the same,
 * answered once in both languages, brought back to each asker exactly once (retried with backoff
 * through outages and restarts, by email when the conversation is gone), and taught to the bot.
 */
export class QuestionService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly deps: QuestionDeps) {}

  /** Queues a participant's question, unless nothing of it may be stored (only contact details) or they have too many waiting. */
  async ask(q: { text: string; language: Lang; answerLanguage?: Lang | undefined; channelId: string; userId: string; reference: Record<string, unknown>; email?: string | undefined }): Promise<AskOutcome> {
    const text = storableQuestion(q.text, UNANSWERED_LIMITS.maxLength);
    if (!text) return { queued: false, reason: 'empty' };
    if ((await this.deps.repo.waiting(q.channelId, q.userId)) >= MAX_OPEN_PER_PARTICIPANT) {
      this.deps.logger.warn({ event: 'question-refused', reason: 'too-many', channel: q.channelId }, 'question not queued: the participant has too many waiting');
      return { queued: false, reason: 'too-many' };
    }
    const terms = questionTerms(this.deps.analyzer(), text, q.language);
    const open = await this.deps.repo.openGroups();
    const best = open.map((g) => ({ id: g.id, score: closeness(terms, g.terms) })).sort((a, b) => b.score - a.score)[0];
    const groupId = await this.deps.repo.add({
      groupId: best && best.score >= SAME_QUESTION ? best.id : undefined,
      terms,
      text,
      language: q.language,
      answerLanguage: q.answerLanguage,
      channelId: q.channelId,
      userId: q.userId,
      conversationReference: q.reference,
      email: q.email ?? null,
      now: this.deps.clock.now(),
    });
    const group = await this.deps.repo.group(groupId);
    this.deps.logger.info({ event: 'question-queued', language: q.language, askers: group?.askers }, 'question queued for the organisers');
    if (group?.askers === 1 && this.deps.organisers) await this.queueCards(groupId);
    return { queued: true, groupId, askers: group?.askers ?? 1 };
  }

  groups(status?: 'open' | 'answered'): Promise<QuestionGroup[]> {
    return this.deps.repo.groups(status);
  }

  /** The organisers' answer, in both languages; each asker is then answered in theirs. */
  async answer(groupId: string, answer: { en?: string | undefined; fr?: string | undefined }, by: string): Promise<QuestionGroup> {
    if (!(await this.deps.repo.group(groupId))) throw new QuestionError('NOT_FOUND', 'No question group has this id.');
    const missing = (['en', 'fr'] as const).filter((l) => !answer[l]?.trim());
    if (missing.length) throw new QuestionError('MISSING_LANGUAGE', `The answer is needed in ${missing.map((l) => (l === 'en' ? 'English' : 'French')).join(' and ')} too: each participant is answered in their language.`, missing);
    await this.deps.repo.saveAnswer(groupId, { en: answer.en!.trim(), fr: answer.fr!.trim(), by, now: this.deps.clock.now() });
    await this.deps.organisers?.ledger.answered(groupId, this.deps.clock.now());
    // Delivered at once where possible; what fails waits in the ledger for the next run.
    void this.deliverDue().catch((err: unknown) => this.deps.logger.error({ err }, 'question delivery failed; it will be retried'));
    return (await this.deps.repo.group(groupId))!;
  }

  /** Sends every delivery that is due; resolves with how many were sent. One run at a time per instance. */
  deliverDue(): Promise<number> {
    this.running ??= this.deliverAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async deliverAll(): Promise<number> {
    let sent = 0;
    for (const d of await this.deps.repo.claimDue(this.deps.clock.now(), LEASE_MS)) if (await this.deliver(d)) sent++;
    if (this.deps.organisers) for (const c of await this.deps.organisers.ledger.claimDue(this.deps.clock.now(), LEASE_MS)) await this.syncCard(c);
    return sent;
  }

  /** A new question's card is due in each organisers' conversation; it is posted now, or retried. */
  private async queueCards(groupId: string): Promise<void> {
    try {
      await this.deps.organisers!.ledger.queue(groupId, await this.deps.organisers!.destinations(), this.deps.clock.now());
    } catch (err) {
      this.deps.logger.warn({ err }, 'could not tell the organisers of a new question; the digest lists it');
      return;
    }
    void this.deliverDue().catch((err: unknown) => this.deps.logger.error({ err }, 'question card not posted; it will be retried'));
  }

  /**
   * Brings one organisers' card up to date: posted while the question is open, replaced once it is
   * answered (a card never posted before the answer is not posted at all: nothing is left to do).
   * A failure is logged and retried with backoff; it never touches the answer or its deliveries.
   */
  private async syncCard(c: DueCard): Promise<void> {
    const o = this.deps.organisers!;
    const group = await this.deps.repo.group(c.groupId);
    try {
      if (!group || (group.status === 'answered' && !c.activityId)) return await o.ledger.done(c, c.shown, c.activityId);
      const { card, summary } = o.render(c.destination.language, group);
      if (!c.activityId) {
        const id = await o.cards.post(c.destination.reference, card, summary);
        await o.ledger.done(c, 'open', id ?? null);
        this.deps.logger.info({ event: 'question-card-posted' }, "new question posted to the organisers' conversation");
      } else if (group.status === 'answered') {
        await o.cards.update(c.destination.reference, c.activityId, card, summary);
        await o.ledger.done(c, 'answered', c.activityId);
        this.deps.logger.info({ event: 'question-card-updated' }, "organisers' card updated with the answer");
      } else await o.ledger.done(c, c.shown, c.activityId);
    } catch (error) {
      const next = new Date(this.deps.clock.now().getTime() + Math.min(this.deps.settings.retryMaxMs, this.deps.settings.retryBaseMs * 2 ** c.attempts));
      const message = (error as Error)?.message ?? String(error);
      await o.ledger.failed(c, message, next);
      this.deps.logger.warn({ event: 'question-card-failed', attempt: c.attempts + 1, nextAttemptAt: next.toISOString(), err: message }, "organisers' card not posted or updated; it will be retried");
    }
  }

  private async deliver(d: DueDelivery): Promise<boolean> {
    const { asked, answer } = d;
    let error: unknown;
    try {
      await this.deps.conversation(asked.conversationReference, answerMessage(this.deps.t, asked, answer));
      await this.deps.repo.markSent(asked.id, 'conversation', this.deps.clock.now());
      this.deps.logger.info({ event: 'answer-delivered', via: 'conversation', channel: asked.channelId }, "organisers' answer delivered");
      return true;
    } catch (e) {
      error = e;
    }
    if (asked.email && this.deps.email && (unreachable(error) || d.attempts + 1 >= this.deps.settings.emailAfterAttempts)) {
      try {
        const mail = answerMail(this.deps.t, asked, answer);
        await this.deps.email.send({ from: this.deps.settings.emailFrom, to: [asked.email], ...mail, messageId: `<answer-${asked.id}@participant-assistant>`, attachments: [] });
        await this.deps.repo.markSent(asked.id, 'email', this.deps.clock.now());
        this.deps.logger.info({ event: 'answer-delivered', via: 'email' }, "organisers' answer delivered by email");
        return true;
      } catch (e) {
        error = e;
      }
    }
    const delay = Math.min(this.deps.settings.retryMaxMs, this.deps.settings.retryBaseMs * 2 ** d.attempts);
    const next = new Date(this.deps.clock.now().getTime() + delay);
    const message = (error as Error)?.message ?? String(error);
    await this.deps.repo.markFailed(asked.id, message, next);
    this.deps.logger.warn({ event: 'answer-not-delivered', attempt: d.attempts + 1, nextAttemptAt: next.toISOString(), err: message }, "organisers' answer not delivered; it will be retried");
    return false;
  }

  /** Turns an answered group into a Q&A pair of the sources' draft, to be previewed and published. */
  async teach(groupId: string, actor: string): Promise<{ draft: number; pairId: string }> {
    const group = await this.deps.repo.group(groupId);
    if (!group) throw new QuestionError('NOT_FOUND', 'No question group has this id.');
    if (!group.answer) throw new QuestionError('NOT_ANSWERED', 'The question has no answer yet: answer it first.');
    const phrasings = (lang: Lang) => [...new Set(group.questions.filter((q) => q.language === lang).map((q) => q.text.trim()))];
    const en = phrasings('en');
    const fr = phrasings('fr');
    const pairId = taughtPairId(groupId);
    const pair: QaPair = {
      id: pairId,
      passages: [],
      // A language no one asked in is phrased by the organisers' answer itself.
      q: { en: en.length ? en : [group.answer.en], fr: fr.length ? fr : [group.answer.fr] },
      a: { en: group.answer.en, fr: group.answer.fr },
      origin: { by: 'organisers', date: group.answer.answeredAt.slice(0, 10) },
    };
    const draft = await this.deps.teach(pair, actor);
    await this.deps.repo.markTaught(groupId, this.deps.clock.now());
    return { draft, pairId };
  }

  /**
   * "Delete my data": the participant's questions, and their words in any Q&A pair taught from them
   * that waits in the sources' draft. A published version is the organisers' content and stays.
   */
  async forget(channelId: string, userId: string): Promise<number> {
    const taught = this.deps.untaught ? await this.deps.repo.taughtWordings(channelId, userId) : [];
    const n = await this.deps.repo.forget(channelId, userId);
    for (const groupId of new Set(taught.map((w) => w.groupId))) {
      const mine = (lang: Lang) => taught.filter((w) => w.groupId === groupId && w.language === lang).map((w) => w.text);
      await this.deps.untaught!(taughtPairId(groupId), { en: mine('en'), fr: mine('fr') }, 'participant-data-deletion');
    }
    return n;
  }

  purge(before: Date): Promise<number> {
    return this.deps.repo.purge(before);
  }

  /** Retries what is due every interval, as the digests' scheduler does. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.deliverDue().catch((err: unknown) => this.deps.logger.error({ err }, 'question delivery failed; it will be retried'));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
