import { createHash } from 'node:crypto';
import type { Lang } from '../analyzer';
import type { Answer, AnswerSource, Citation, QuestionContext, Translate } from '../answer';
import type { KnowledgeBase } from '../knowledgeBase';
import { fold } from '../text';
import { AnswerWriter } from '../writer';
import type { Logger } from '../../logger';
import type { ScheduledEvent } from '../../schedule/schedule';
import type { Clock } from '../../schedule/time';
import { buildContext, type GenerationContext } from './context';
import { failureReason } from './failure';
import { GroundingGuard } from './guard';
import type { AnswerModel } from './model';
import { messagesFor, type GeneratedAnswer } from './prompt';
import type { SemanticIndex } from './semantic';
import type { Outcome, UsageEvent } from './usage';

export interface GenerativeDeps {
  /** The extractive answerer: it decides whether the sources answer, and its answer is the fallback. */
  readonly base: Omit<AnswerSource, 'answer'> & { answer(question: string, ctx: QuestionContext): Answer; readonly version: number };
  /** The indexed sources of the version `base` answers from. */
  readonly knowledgeBase: () => KnowledgeBase;
  readonly model: AnswerModel;
  readonly usage: { record(e: UsageEvent): Promise<void>; tokensOn(at: Date): Promise<number> };
  readonly clock: Clock;
  readonly t: Translate;
  readonly logger: Logger;
  /** Longest wait for the model, retries included. */
  readonly timeoutMs: number;
  /** Tokens per UTC day; 0: no limit. */
  readonly dailyTokenLimit: number;
  /** Answers kept per (question, language, version of the sources); default 500. */
  readonly cacheSize?: number;
  /** With an embedding model: the passages' meaning joins their words in choosing what the model is shown. */
  readonly semantic?: Pick<SemanticIndex, 'similarities'> | undefined;
}

/** What the model's answer came to, kept per question so that the same question costs one call. */
type Decision = { readonly kind: 'shown'; readonly answer: GeneratedAnswer } | { readonly kind: 'declined' } | { readonly kind: 'blocked' };

/**
 * Answers with a model's phrasing where the sources answer, and only there. The extractive answer is
 * computed first: a refusal or a partial answer is given as it is (a model never turns a refusal into
 * an answer); otherwise the model phrases an answer from the same passages and schedule facts, and
 * the grounding guard decides whether it is shown. A slow, failing or unfaithful model, and a spent
 * daily budget, all end in the extractive answer; the participant sees no difference but the wording.
 */
export class GenerativeAnswerer implements AnswerSource {
  private readonly cache = new Map<string, Decision>();

  constructor(private readonly deps: GenerativeDeps) {}

  async answer(question: string, ctx: QuestionContext): Promise<Answer> {
    // The extractive answer, the version and its index are read in one go: no swap can come between.
    const extractive = this.deps.base.answer(question, ctx);
    if (extractive.kind === 'abstain' || extractive.partial) return extractive;
    const kb = this.deps.knowledgeBase();
    const version = this.deps.base.version;
    const similarity = await this.deps.semantic?.similarities(question, version, kb);
    const context = buildContext(kb, question, ctx, extractive, this.deps.clock, similarity);
    const key = cacheKey(question, ctx.lang, version, context);
    let decision = this.cache.get(key);
    if (decision) {
      this.count({ outcome: 'cached' });
    } else {
      decision = await this.decide(kb, context, ctx.onModelCall);
      if (!decision) return extractive;
      this.remember(key, decision);
    }
    if (decision.kind === 'blocked') return extractive;
    if (decision.kind === 'declined') return new AnswerWriter(kb, this.deps.t).abstain(ctx.lang, 'no-match');
    return this.compose(kb, extractive, decision.answer);
  }

  /** Asks the model and judges its answer; undefined when there is no answer to judge (timeout, error, budget). */
  private async decide(kb: KnowledgeBase, context: GenerationContext, onModelCall?: () => void): Promise<Decision | undefined> {
    const now = this.deps.clock.now();
    if (this.deps.dailyTokenLimit > 0 && (await this.deps.usage.tokensOn(now).catch(() => 0)) >= this.deps.dailyTokenLimit) {
      this.count({ outcome: 'limited' });
      return undefined;
    }
    let generated;
    onModelCall?.();
    try {
      generated = await this.deps.model.generate(messagesFor(context), { signal: AbortSignal.timeout(this.deps.timeoutMs) });
    } catch (err) {
      const reason = failureReason(err);
      this.deps.logger.warn({ event: 'generation-failed', reason }, 'the model gave no answer; the extractive answer is shown');
      this.count({ outcome: 'fallback', reasons: [reason] });
      return undefined;
    }
    const { answer, usage } = generated;
    if (!answer.answerable) {
      this.count({ outcome: 'declined', tokens: usage });
      return { kind: 'declined' };
    }
    const verdict = new GroundingGuard(kb.analyzer).check(answer, context);
    if (!verdict.ok) {
      this.deps.logger.warn({ event: 'generation-blocked', reasons: verdict.reasons, detail: verdict.detail }, 'the grounding guard blocked a generated answer');
      this.count({ outcome: 'blocked', tokens: usage, reasons: verdict.reasons });
      return { kind: 'blocked' };
    }
    this.count({ outcome: 'shown', tokens: usage });
    return { kind: 'shown', answer };
  }

  /** The generated text in the extractive answer's frame: its suggestions and its context for follow-ups. */
  private compose(kb: KnowledgeBase, extractive: Answer, generated: GeneratedAnswer): Answer {
    const lang = extractive.lang;
    const cited = [...new Set(generated.sentences.flatMap((s) => s.sources))].map((id) => this.citation(kb, id, lang)).filter((c): c is Citation => !!c);
    const citations = cited.filter((c, i) => cited.findIndex((d) => d.passageId === c.passageId) === i);
    return { ...extractive, text: generated.sentences.map((s) => s.text.trim()).join(' '), citations: citations.length ? citations : extractive.citations, generated: true };
  }

  /** A cited id as the citation the participant sees: a Q&A pair and a schedule event by their passage in the note. */
  private citation(kb: KnowledgeBase, id: string, lang: Lang): Citation | undefined {
    const event: ScheduledEvent | undefined = id.startsWith('event:') ? kb.eventsById([id.slice(6)])[0] : undefined;
    const passageId = event ? event.passages[0] : (kb.qaById(id)?.passages[0] ?? id);
    return passageId && kb.passage(passageId, lang) ? this.deps.base.cite(passageId, lang) : undefined;
  }

  private remember(key: string, decision: Decision): void {
    // Oldest first out: a Map keeps insertion order.
    if (this.cache.size >= (this.deps.cacheSize ?? 500)) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, decision);
  }

  /** Counts the outcome of the day; a database that is down costs the count, never the answer. */
  private count(e: { outcome: Outcome; tokens?: { prompt: number; completion: number }; reasons?: readonly string[] }): void {
    void this.deps.usage.record({ at: this.deps.clock.now(), ...e }).catch((err: unknown) => this.deps.logger.warn({ err }, 'could not count the use of the model'));
  }

  eventsNamedIn(text: string): ScheduledEvent[] {
    return this.deps.base.eventsNamedIn(text);
  }

  eventsById(ids: readonly string[]): ScheduledEvent[] {
    return this.deps.base.eventsById(ids);
  }

  cite(passageId: string, lang: Lang): Citation {
    return this.deps.base.cite(passageId, lang);
  }
}

/**
 * Per (normalised question, language, version of the sources) and what the model is shown: the
 * same question about the same events in the same zone on the same day is answered once.
 */
function cacheKey(question: string, lang: Lang, version: number, context: GenerationContext): string {
  const normalised = fold(question).replace(/[^\p{L}\p{N}@.]+/gu, ' ').trim();
  const shown = JSON.stringify([context.sources.map((s) => s.id), context.facts, context.draft]);
  return createHash('sha256').update(JSON.stringify([normalised, lang, version, shown])).digest('hex');
}
