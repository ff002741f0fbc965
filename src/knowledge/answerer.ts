import type { Lang } from './analyzer';
import type { KnowledgeBase } from './knowledgeBase';
import type { Passage } from './note';
import { datesIn, expandShorthand, monthsIn, needsOf, TIME_WORDS, type Need } from './intent';
import { fold, tokenize } from './text';
import type { RetrievalHit, RetrievalResult } from './retriever';
import type { ScheduledEvent } from '../schedule/schedule';
import { matchEvents } from '../schedule/matching';
import { describeDuration, describeInZone, describeWhen, eventInterval, isValidZone, timing, type Clock } from '../schedule/time';

/** Looks up a user-facing string in the given language (i18next under the hood). */
export type Translate = (lang: Lang, key: string, vars?: Record<string, string | number>) => string;

export interface Citation {
  readonly passageId: string;
  readonly sectionId: string;
  /** "information note, §3 Proposed schedule …" in the answer's language. */
  readonly label: string;
  readonly excerpt: string;
  readonly lang: Lang;
}

export interface Answer {
  readonly kind: 'schedule' | 'qa' | 'passage' | 'abstain';
  readonly lang: Lang;
  /** The direct answer: one or two sentences, Markdown. */
  readonly text: string;
  readonly citations: Citation[];
  /** Next things the participant may want to ask, in the answer's language. */
  readonly suggestions: string[];
  /** Events the answer is about: the context for a follow-up question. */
  readonly eventIds: string[];
  readonly sectionId?: string;
  /** What the question asked for (a date, a time …): the context for "and the forum?". */
  readonly needs?: string[];
  /** Why the sources could not answer (abstentions only). */
  readonly reason?: 'unknown-words' | 'no-match';
}

/** What the bot asks of the knowledge: an answer, the events a text names, citations. */
export interface AnswerSource {
  answer(question: string, ctx: QuestionContext): Answer;
  eventsNamedIn(text: string): ScheduledEvent[];
  eventsById(ids: readonly string[]): ScheduledEvent[];
  cite(passageId: string, lang: Lang): Citation;
}

/** What the conversation so far tells about a new question. */
export interface QuestionContext {
  readonly lang: Lang;
  /** The participant's zone as the channel reports it (IANA name). */
  readonly timezone?: string | undefined;
  readonly previous?:
    | { readonly eventIds: readonly string[]; readonly sectionId?: string | undefined; readonly needs?: readonly string[] | undefined }
    | undefined;
}

/** Least share of a question's weight a passage must match to answer it. */
const MIN_COVERAGE = 0.4;

/** Words that ask for the whole schedule rather than one event. */
const SCHEDULE_WORDS: ReadonlySet<string> = new Set(['schedule', 'calendar', 'timetable', 'programme', 'program', 'calendrier', 'planning', 'agenda', 'events', 'evenements', 'sessions', 'seances', 'meetings', 'reunions', 'upcoming', 'next', 'prochaines', 'prochains', 'consultations']);

/** Needs that do not ask for a particular fact: "which briefing is in French?" still asks which one, and when. */
const SOFT_NEEDS: ReadonlySet<Need> = new Set<Need>(['languages', 'yesno', 'who', 'how']);

const DEICTIC = /\b(it|that|this|this one|that one|then|there|ca|cela|celle-ci|celui-ci|elle|la-bas|cette seance|cet evenement|y)\b/;
const FOLLOW_UP_START = /^(and|et|also|aussi|what about|et pour|et si|how about|same|meme)\b/;

/**
 * Answers a participant's question from the sources: from the typed schedule when it asks when,
 * what time, how long or how many about an event; otherwise from the best Q&A pair or passage.
 * Says so, and gives the organisers' addresses, when the sources do not answer.
 */
export class Answerer implements AnswerSource {
  constructor(
    private readonly kb: KnowledgeBase,
    private readonly clock: Clock,
    private readonly t: Translate,
  ) {}

  answer(asked: string, ctx: QuestionContext): Answer {
    const retrieved = this.kb.retriever.search(expandShorthand(asked), 20);
    const question = applyCorrections(expandShorthand(asked), retrieved.corrections);
    const needs = needsOf(question);
    // "and the sub-regional consultation?" asks again, about another event, what the previous question asked.
    if (!needs.size && ctx.previous?.needs?.length && FOLLOW_UP_START.test(fold(question).trim())) {
      const named = matchEvents(this.kb.sources.schedule, { concepts: retrieved.concepts, dates: datesIn(question) }).events;
      if (named.length && this.contentWords(question).length <= 4) for (const n of ctx.previous.needs) needs.add(n as Need);
    }
    return { ...this.compose(question, needs, retrieved, ctx), needs: [...needs] };
  }

  private compose(question: string, needs: Set<Need>, retrieved: RetrievalResult, ctx: QuestionContext): Answer {
    const lang = ctx.lang;
    const concepts = retrieved.concepts;
    const unknown = retrieved.unknownWords;
    const content = this.contentWords(question);

    // Words the sources have never seen mean a topic they do not cover, unless the rest of the
    // question is matched strongly: then they are only ways of asking ("abordées", "utilisée").
    const bestCoverage = retrieved.hits.reduce((m, h) => Math.max(m, h.coverage), 0);
    const topical = content.filter((w) => !/\d/.test(w) && !TIME_WORDS.has(w) && !this.kb.gazetteer.words.has(w));
    if (unknown.length && (topical.every((w) => unknown.includes(w)) || (unknown.length / Math.max(1, content.length) >= 0.25 && bestCoverage < 0.6))) {
      return this.abstain(lang, 'unknown-words');
    }

    let match = matchEvents(this.kb.sources.schedule, { concepts, dates: datesIn(question), months: monthsIn(question) });
    const followUp = DEICTIC.test(fold(question)) || FOLLOW_UP_START.test(fold(question).trim()) || content.length <= 2;
    if (!match.events.length && ctx.previous?.eventIds.length && followUp && this.asksAboutEvent(needs, concepts)) {
      match = { events: this.kb.eventsById(ctx.previous.eventIds), selective: true };
    }
    const place = this.kb.gazetteer.find(question);
    const zone = place?.zone ?? (ctx.timezone && isValidZone(ctx.timezone) ? ctx.timezone : undefined);

    // "What are the dates?", "Quel est le calendrier ?": the whole schedule.
    if (!match.events.length && (needs.has('date') || concepts.has('schedule')) && content.every((w) => TIME_WORDS.has(w) || SCHEDULE_WORDS.has(w))) {
      return this.whenAnswer(this.kb.sources.schedule.events.filter((e) => e.kind !== 'milestone'), lang, zone ? { zone, name: place?.name } : undefined, needs);
    }

    if (match.events.length) {
      const events = match.events;
      if (needs.has('duration') && events.some((e) => e.durationMinutes)) return this.durationAnswer(events, lang);
      if (needs.has('count') && events.some((e) => e.size || e.meetings)) return this.countAnswer(events, lang, question);
      const local = zone ? { zone, name: place?.name } : undefined;
      if (needs.has('date') || needs.has('time') || needs.has('localTime') || (needs.has('place') && events.some((e) => e.place))) return this.whenAnswer(events, lang, local, needs);
      if (this.asksAboutRegistration(concepts) && events.every((e) => e.registration)) return this.registrationAnswer(events, lang);
      if (this.asksAboutAudience(needs, concepts) && events.every((e) => e.audience)) return this.audienceAnswer(events, lang, needs, concepts);
      if (match.selective && [...needs].every((n) => SOFT_NEEDS.has(n))) return this.whenAnswer(events, lang, local, needs);
    }
    return this.retrievalAnswer(question, lang, needs, retrieved.hits, this.questionMatches(question), match.events[0]?.section ?? ctx.previous?.sectionId);
  }

  private contentWords(question: string): string[] {
    return this.kb.analyzer.analyzeTokens(tokenize(question), 'en').words.map((w) => w.word);
  }

  private asksAboutEvent(needs: Set<Need>, concepts: Set<string>): boolean {
    return ['date', 'time', 'localTime', 'duration', 'count', 'place'].some((n) => needs.has(n as Need)) || this.asksAboutRegistration(concepts) || this.asksAboutAudience(needs, concepts);
  }

  private asksAboutRegistration(concepts: Set<string>): boolean {
    return ['register', 'confirm', 'email'].some((c) => concepts.has(c));
  }

  private asksAboutAudience(needs: Set<Need>, concepts: Set<string>): boolean {
    return needs.has('who') || ['invitation', 'public', 'participants'].some((c) => concepts.has(c));
  }

  /** Who may take part in an event; a yes or no first when the question is one ("is it open to the public?"). */
  private audienceAnswer(events: ScheduledEvent[], lang: Lang, needs: Set<Need>, concepts: Set<string>): Answer {
    let verdict = '';
    if (needs.has('yesno')) {
      const flag = concepts.has('invitation') ? (e: ScheduledEvent) => e.invitationOnly : concepts.has('public') ? (e: ScheduledEvent) => e.openToPublic : undefined;
      const values = flag ? new Set(events.map(flag)) : new Set();
      if (values.size === 1 && !values.has(undefined)) verdict = this.t(lang, values.has(true) ? 'answer.yes' : 'answer.no') + ' ';
    }
    const lines = groupByText(events, (e) => e.audience![lang]).map(([group, audience]) => this.t(lang, 'audience.line', { event: names(group, lang), audience }));
    return this.eventAnswer(events, lang, verdict + lines.join('\n'), false);
  }

  private abstain(lang: Lang, reason: 'unknown-words' | 'no-match'): Answer {
    const [first, second] = this.kb.sources.schedule.organisers;
    return {
      kind: 'abstain',
      lang,
      text: this.t(lang, 'answer.abstain', { first: first!, second: second ?? first! }),
      citations: [],
      suggestions: [this.t(lang, 'suggest.dates'), this.t(lang, 'suggest.register')],
      eventIds: [],
      reason,
    };
  }

  private whenAnswer(events: ScheduledEvent[], lang: Lang, local: { zone: string; name?: string | undefined } | undefined, needs: Set<Need>): Answer {
    const schedule = this.kb.sources.schedule;
    const sourceZone = schedule.timezone;
    const zoneLabel = schedule.zoneLabel[lang];
    const lines: string[] = [];
    const now = this.clock.now();
    for (const e of events.slice(0, 8)) {
      const when = describeWhen(e.when, sourceZone, lang);
      const dated = e.when.type === 'day' && e.when.by ? this.t(lang, 'when.by', { when }) : when;
      let line = this.t(lang, 'when.line', { event: capitalise(e.short[lang]), when: e.when.type === 'exact' ? this.t(lang, 'when.inZone', { when: dated, zone: zoneLabel }) : dated });
      if (e.place) line += ` — ${e.place[lang]}`;
      line += '.';
      if (local) {
        const inZone = describeInZone(e.when, sourceZone, local.zone, lang);
        const nairobiOffset = eventInterval(e.when, sourceZone).start.offset;
        const localOffset = eventInterval(e.when, sourceZone).start.setZone(local.zone).offset;
        if (inZone && localOffset !== nairobiOffset) {
          line += ' ' + (local.name ? this.t(lang, 'when.inPlace', { place: capitalise(local.name), when: inZone }) : this.t(lang, 'when.inYourZone', { zone: local.zone, when: inZone }));
        } else if (inZone) {
          line += ' ' + this.t(lang, 'when.sameZone');
        } else if (needs.has('time') || needs.has('localTime')) {
          line += ' ' + this.t(lang, 'when.noTime');
        }
      } else if ((needs.has('time') || needs.has('localTime')) && e.when.type !== 'exact') {
        line += ' ' + this.t(lang, 'when.noTime');
      }
      const state = timing(e.when, sourceZone, now);
      line += ' ' + (state.state === 'past' ? this.t(lang, 'when.past', { days: state.days }) : state.state === 'today' ? this.t(lang, 'when.today') : this.t(lang, 'when.future', { days: state.days }));
      if (e.notice && (needs.has('time') || needs.has('localTime') || e.when.type !== 'exact')) line += ' ' + e.notice[lang];
      lines.push(line);
    }
    const intro = events.length > 1 ? this.t(lang, 'when.several', { count: events.length }) + '\n\n' : '';
    return this.eventAnswer(events, lang, intro + lines.map((l) => (events.length > 1 ? `- ${l}` : l)).join('\n'), true);
  }

  private durationAnswer(events: ScheduledEvent[], lang: Lang): Answer {
    const describe = (e: ScheduledEvent): string => {
      let text = describeDuration(e.durationMinutes!, lang);
      if (e.when.type === 'exact') {
        const { start, end } = eventInterval(e.when, this.kb.sources.schedule.timezone);
        const slot = Math.round(end.diff(start, 'minutes').minutes);
        if (slot !== e.durationMinutes) text += ' ' + this.t(lang, 'duration.slotDiffers', { slot: describeDuration(slot, lang) });
      }
      return text;
    };
    const lines = groupByText(events.filter((e) => e.durationMinutes), describe).map(([group, duration]) =>
      this.t(lang, 'duration.line', { event: names(group, lang), duration }),
    );
    return this.eventAnswer(events, lang, lines.join('\n'), false);
  }

  private countAnswer(events: ScheduledEvent[], lang: Lang, question: string): Answer {
    const f = fold(question);
    const aboutMeetings = /\b(meetings?|sessions?|events?|consultations?|briefings?|forums?|reunions?|seances?|evenements?)\b/.test(f) && !/\b(people|persons|participants|personnes)\b/.test(f);
    const key = aboutMeetings ? 'count.meetings' : 'count.people';
    const counted = events.filter((e) => (aboutMeetings ? e.meetings : e.size));
    const lines = groupByText(counted, (e) => (aboutMeetings ? e.meetings! : e.size!)[lang]).map(([group, value]) =>
      this.t(lang, key, { event: names(group, lang), meetings: value, size: value }),
    );
    return this.eventAnswer(events, lang, lines.join('\n'), false);
  }

  private registrationAnswer(events: ScheduledEvent[], lang: Lang): Answer {
    const lines = groupByText(events, (e) => e.registration![lang]).map(([group, text]) => this.t(lang, 'when.line', { event: names(group, lang), when: text }));
    return this.eventAnswer(events, lang, lines.join('\n'), false);
  }

  private eventAnswer(events: ScheduledEvent[], lang: Lang, text: string, dated: boolean): Answer {
    // A date is cited from the event's own line; a duration, size or registration from its details.
    const ids = dedupe(events.map((e) => (dated ? e.passages[0]! : (e.passages.find((p) => p.endsWith('.details')) ?? e.passages[0]!))));
    const citations = ids.map((id) => this.cite(id, lang));
    const suggestions = events.some((e) => e.confirmationNeeded) ? [this.t(lang, 'suggest.confirm'), this.t(lang, 'suggest.otherDates')] : [this.t(lang, 'suggest.otherDates')];
    return { kind: 'schedule', lang, text, citations, suggestions, eventIds: events.map((e) => e.id), sectionId: events[0]!.section };
  }

  /** For each Q&A pair, how much of the question its closest phrasing covers (0..1). */
  private questionMatches(question: string): Map<string, number> {
    const best = new Map<string, number>();
    for (const h of this.kb.questionRetriever.search(question, 20).hits) {
      const id = h.id.slice(0, h.id.indexOf('#'));
      best.set(id, Math.max(best.get(id) ?? 0, h.coverage));
    }
    return best;
  }

  private retrievalAnswer(question: string, lang: Lang, needs: Set<Need>, hits: RetrievalHit[], phrasing: Map<string, number>, contextSection: string | undefined): Answer {
    const inSection = (sectionId: string | undefined): boolean => !!contextSection && !!sectionId && (sectionId === contextSection || sectionId.startsWith(`${contextSection}.`));
    // Only documents that match a fair share of the question compete; re-ranking then picks among them.
    const ranked = hits
      .filter((h) => h.coverage >= MIN_COVERAGE)
      .map((h) => {
        const pair = this.kb.qaById(h.id);
        const text = pair ? pair.a[lang] : (this.kb.passage(h.id, lang)?.text ?? '');
        const sections = (pair ? pair.passages : [h.id]).map((id) => this.kb.passage(id, lang)?.sectionId);
        // A pair whose own phrasing of the question matches is the likeliest answer.
        const asked = pair ? 1 + (phrasing.get(h.id) ?? 0) ** 2 : 1;
        return { ...h, score: h.score * asked * answerTypeBoost(needs, text) * (sections.some(inSection) ? 1.3 : 1) };
      })
      .sort((a, b) => b.score - a.score);
    const best = ranked[0];
    if (!best) return this.abstain(lang, 'no-match');
    const suggestions = [this.t(lang, 'suggest.dates'), this.t(lang, 'suggest.register')];
    const pair = this.kb.qaById(best.id);
    if (pair) {
      const preferred = pair.passages.find((id) => inSection(this.kb.passage(id, lang)?.sectionId)) ?? pair.passages[0]!;
      return {
        kind: 'qa',
        lang,
        text: pair.a[lang],
        citations: [this.cite(preferred, lang)],
        suggestions,
        eventIds: this.eventsCiting(pair.passages),
        sectionId: this.kb.passage(preferred, lang)?.sectionId ?? '',
      };
    }
    const passage = this.kb.passage(best.id, lang)!;
    return {
      kind: 'passage',
      lang,
      text: this.bestSentences(question, passage, lang),
      citations: [this.cite(passage.id, lang)],
      suggestions,
      eventIds: this.eventsCiting([passage.id]),
      sectionId: passage.sectionId,
    };
  }

  /** The one or two sentences of a passage that best answer the question. */
  private bestSentences(question: string, passage: Passage, lang: Lang): string {
    const sentences = splitSentences(passage.text);
    if (sentences.length <= 2) return passage.text;
    const q = new Set(this.kb.analyzer.analyze(question, lang).terms);
    const scored = sentences.map((s, i) => ({ s, i, score: this.kb.analyzer.analyze(s, lang).terms.filter((t) => q.has(t)).length }));
    const ranked = [...scored].sort((a, b) => b.score - a.score || a.i - b.i);
    const chosen = ranked.slice(0, ranked[1] && ranked[1].score >= ranked[0]!.score * 0.75 && ranked[1].score > 0 ? 2 : 1).sort((a, b) => a.i - b.i);
    return chosen.map((c) => c.s).join(' ');
  }

  private eventsCiting(passageIds: readonly string[]): string[] {
    return this.kb.sources.schedule.events.filter((e) => e.passages.some((p) => passageIds.includes(p))).map((e) => e.id);
  }

  eventsById(ids: readonly string[]): ScheduledEvent[] {
    return this.kb.eventsById(ids);
  }

  /** The schedule's events a text names ("the 23 July briefing", "le forum mondial"), if any. */
  eventsNamedIn(text: string): ScheduledEvent[] {
    const concepts = this.kb.analyzer.conceptsOf(tokenize(expandShorthand(text)));
    return matchEvents(this.kb.sources.schedule, { concepts, dates: datesIn(text), months: monthsIn(text) }).events;
  }

  cite(passageId: string, lang: Lang): Citation {
    const passage = this.kb.passage(passageId, lang)!;
    return {
      passageId,
      sectionId: passage.sectionId,
      label: this.t(lang, 'citation.label', { section: this.kb.sectionLabel(passage.sectionId, lang) }),
      excerpt: passage.text,
      lang,
    };
  }
}

/** How much a text looks like the kind of answer the question wants (a date, an address, a cause …). */
function answerTypeBoost(needs: Set<Need>, text: string): number {
  let boost = 1;
  // A yes/no answer suits a yes/no question, not a "how do I …".
  const yesNo = /^(yes|no|oui|non)\b/i.test(text.trim());
  if (yesNo && needs.has('how')) boost *= 0.6;
  if (yesNo && needs.has('yesno') && !needs.has('how')) boost *= 1.2;
  if ((needs.has('date') || needs.has('time')) && /\b(19|20)\d\d\b|\d{1,2}[h:]\d\d/.test(text)) boost *= 1.3;
  if (needs.has('contact') && /@/.test(text)) boost *= 1.5;
  if (needs.has('languages') && (fold(text).match(/\b(english|french|spanish|russian|arabic|chinese|anglais|francais|espagnol|russe|arabe|chinois)\b/g) ?? []).length >= 2) boost *= 1.5;
  if (needs.has('link') && /https?:\/\//.test(text)) boost *= 1.5;
  if (needs.has('count') && /\d/.test(text)) boost *= 1.2;
  if (needs.has('reason') && /\b(because|since|due to|as a result|owing to|parce que|car|etant donne|en raison|pour cause|a cause)\b/i.test(fold(text))) boost *= 1.5;
  if (needs.has('who') && /\b(governments?|civil society|universit\w*|industry|partners|gouvernements?|societe civile|industrie|partenaires)\b/i.test(fold(text))) boost *= 1.3;
  return boost;
}

/** The question with its misspelt words replaced by the words they were read as. */
function applyCorrections(question: string, corrections: ReadonlyMap<string, string>): string {
  if (!corrections.size) return question;
  return question.replace(/[\p{L}]+/gu, (w) => corrections.get(fold(w)) ?? w);
}

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.;:!?])\s+(?=[A-ZÀ-Ý•(])|\s+(?=• )/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Events that share the same text, once each text: "A / B: …" rather than the same line twice. */
function groupByText(events: ScheduledEvent[], text: (e: ScheduledEvent) => string): Array<[ScheduledEvent[], string]> {
  const groups = new Map<string, ScheduledEvent[]>();
  for (const e of events) groups.set(text(e), [...(groups.get(text(e)) ?? []), e]);
  return [...groups].map(([t, es]) => [es, t]);
}

function names(events: ScheduledEvent[], lang: Lang): string {
  return events.map((e) => capitalise(e.short[lang])).join(' / ');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function dedupe<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
