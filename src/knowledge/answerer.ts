import type { Lang } from './analyzer';
import type { Answer, AnswerSource, Citation, QuestionContext } from './answer';
import { judge, splitSentences } from './answerability';
import { asksEligibility, eligibilityAnswer } from './eligibility';
import { EventAnswers, type Local } from './eventAnswers';
import { followUp } from './followUp';
import { buildFrame, missingTopics, type QuestionFrame } from './frame';
import { datesIn, expandShorthand, isNeedWord, monthsIn, TIME_WORDS, type Need } from './intent';
import type { KnowledgeBase } from './knowledgeBase';
import { languagesNamed, LANGUAGE_NAMES } from './lexicon';
import type { Passage } from './note';
import type { QaPair } from './sources';
import { fold, tokenize } from './text';
import { AnswerWriter, capitalise, dedupe } from './writer';
import type { ScheduledEvent } from '../schedule/schedule';
import { matchEvents } from '../schedule/matching';
import { isValidZone, type Clock } from '../schedule/time';
import { Memo } from '../memo';
import { rememberTexts } from '../i18n';

export type { Answer, AnswerSource, Citation, QuestionContext, Translate } from './answer';
import type { Translate } from './answer';

/** Least share of a question's weight a passage must match to be considered. */
const MIN_COVERAGE = 0.3;

/** Words that ask for the whole schedule rather than one event. */
const SCHEDULE_WORDS: ReadonlySet<string> = new Set(['schedule', 'calendar', 'timetable', 'programme', 'program', 'calendrier', 'planning', 'agenda', 'events', 'evenements', 'sessions', 'seances', 'meetings', 'reunions', 'upcoming', 'next', 'prochaines', 'prochains', 'consultations']);

/** Needs that do not ask for a particular fact: "which briefing is in French?" still asks which one, and when. */
const SOFT_NEEDS: ReadonlySet<Need> = new Set<Need>(['languages', 'yesno', 'who', 'how']);

/** The facts an event may be asked for, the most specific first. */
const EVENT_FACTS: readonly Need[] = ['cost', 'deadline', 'exact', 'time', 'localTime', 'place', 'duration', 'count', 'date', 'languages', 'purpose'];

/** A participant's wish to do something: "I'd like to attend", "je voudrais participer". */
const WISH = /\b(i('d| would)? (like|want|wish|need|hope|plan) to|i('m| am) (interested|keen|planning)|we('d| would)? (like|want|wish) to|je (veux|voudrais|souhaite|souhaiterais|aimerais|compte)|nous (voulons|voudrions|souhaitons|aimerions))\b/;

/** "What is the briefing?", "C'est quoi le forum ?": what an event is. */
const DEFINITION = /^(what is|what's|whats|what are|qu'est-ce que|qu'est ce que|c'est quoi|que sont|quel est|quelle est)\b/;

/** Event kinds people take part in. */
const MEETINGS: ReadonlySet<ScheduledEvent['kind']> = new Set(['briefing', 'subregional', 'regional', 'forum']);

/**
 * Answers a participant's question from the sources. The question is first taken apart (what it
 * is about, what it asks of it); an answer must come from a source that speaks of both, else the
 * bot says what the note does not give and gives the organisers' addresses.
 */
export class Answerer implements AnswerSource {
  private readonly w: AnswerWriter;
  private readonly events: EventAnswers;

  private readonly frames = new Memo<QuestionFrame>(2_000);
  private readonly answers = new Memo<Answer>(2_000);

  constructor(
    private readonly kb: KnowledgeBase,
    private readonly clock: Clock,
    t: Translate,
  ) {
    // Answers are made of the sources' words: their texts are remembered for this version of the sources.
    this.w = new AnswerWriter(kb, rememberTexts(t));
    this.events = new EventAnswers(this.w, clock);
  }

  answer(asked: string, ctx: QuestionContext): Answer {
    // An answer depends on the question, its context and the minute (no event starts or ends within
    // one): the same question asked again in the same context within the minute is answered alike.
    const key = JSON.stringify([asked, ctx.lang, ctx.timezone ?? null, ctx.previous ?? null, Math.floor(this.clock.now().getTime() / 60_000)]);
    const answer = this.answers.get(key, () => {
      const frame = followUp(this.kb, this.frameOf(asked), ctx, (q) => this.frameOf(q));
      return { ...this.compose(frame, ctx), needs: [...frame.needs] };
    });
    // Each caller gets lists of its own: a remembered answer is never changed through one.
    return { ...answer, citations: [...answer.citations], suggestions: [...answer.suggestions], eventIds: [...answer.eventIds], needs: answer.needs && [...answer.needs] };
  }

  /** What a question asks, read against the sources: it depends on the text alone, so it is remembered (read-only, shared). */
  private frameOf(asked: string): QuestionFrame {
    return this.frames.get(asked, () => {
      const question = expandShorthand(asked);
      const retrieved = this.kb.retriever.search(question, 20);
      return buildFrame(this.kb, applyCorrections(question, retrieved.corrections), retrieved, asked);
    });
  }

  private compose(frame: QuestionFrame, ctx: QuestionContext): Answer {
    const lang = ctx.lang;
    if (asksEligibility(this.w, frame)) return eligibilityAnswer(this.w, frame, lang);
    // A word nothing in the sources knows names a topic they do not cover.
    if (frame.words.some((w) => w.role === 'topic' && w.unknown)) return this.w.abstain(lang, 'unknown-words');
    const zone = frame.place?.zone ?? (ctx.timezone && isValidZone(ctx.timezone) ? ctx.timezone : undefined);
    const local: Local | undefined = zone ? { zone, name: frame.place?.name } : undefined;

    const regional = this.regionAnswer(frame, lang, local);
    if (regional) return regional;
    if (this.asksDocumentLanguages(frame)) return this.documentLanguages(frame, lang);

    let events = [...frame.match.events];
    const region = frame.regions.find((r) => this.scheduled(r.id));
    if (!events.length && region && this.asksWhen(frame.needs)) events = this.meetings().filter((e) => e.region === region.id);
    // "What are the dates?", "Quel est le calendrier ?": the whole schedule.
    const content = frame.words.filter((w) => w.role !== 'ask').map((w) => w.word);
    if (!events.length && (frame.needs.has('date') || frame.concepts.has('schedule')) && content.every((w) => TIME_WORDS.has(w) || SCHEDULE_WORDS.has(w) || /\d/.test(w))) {
      return this.events.when(this.kb.sources.schedule.events.filter((e) => e.kind !== 'milestone'), lang, local, frame.needs);
    }
    const aboutEvents = events.length ? this.eventRoute(frame, events, lang, local) : undefined;
    if (aboutEvents) return aboutEvents;
    const retrieved = this.retrievalAnswer(frame, lang, events[0]?.section ?? ctx.previous?.sectionId);
    if (retrieved) return retrieved;
    // The question is about an event, but asks what the note does not give for it.
    if (events.length && events.length <= 4) return this.events.missing(events, lang, 'other');
    return this.w.abstain(lang, 'no-match');
  }

  private scheduled(region: string): boolean {
    return this.kb.sources.schedule.events.some((e) => e.region === region);
  }

  private meetings(): ScheduledEvent[] {
    return this.kb.sources.schedule.events.filter((e) => MEETINGS.has(e.kind));
  }

  private asksWhen(needs: ReadonlySet<Need>): boolean {
    return ['date', 'time', 'localTime', 'exact', 'deadline'].some((n) => needs.has(n as Need));
  }

  /**
   * A region the schedule has no events for ("the Asia-Pacific consultation"), or a sub-region it
   * does not single out ("West Africa"): the note gives no schedule for it, whatever shares its words.
   */
  private regionAnswer(frame: QuestionFrame, lang: Lang, local: Local | undefined): Answer | undefined {
    const regionalEvents = frame.match.events.filter((e) => e.region !== 'global');
    const aboutSchedule = this.asksWhen(frame.needs) || ['duration', 'place', 'count'].some((n) => frame.needs.has(n as Need)) || regionalEvents.length > 0 || frame.concepts.has('regional') || frame.concepts.has('register');
    if (!aboutSchedule || (frame.match.events.length && !regionalEvents.length)) return undefined;
    const unscheduled = frame.regions.filter((r) => !this.scheduled(r.id));
    if (!unscheduled.length) return undefined;
    const sub = unscheduled.find((r) => r.parent && this.scheduled(r.parent));
    const regionName = (id: string): string => this.w.t(lang, `regions.${id}`);
    if (sub) {
      const events = regionalEvents.length ? regionalEvents : this.meetings().filter((e) => e.region === sub.parent);
      const base = this.asksWhen(frame.needs) ? this.events.when(events, lang, local, frame.needs) : this.events.missing(events, lang, 'other');
      const lead = this.w.t(lang, 'partial.subregion', { region: regionName(sub.id), parent: regionName(sub.parent!) });
      return { ...base, text: `${lead} ${base.partial ? base.text : `${base.text}\n\n${this.w.organisers(lang)}`}`, partial: true, reason: 'partial' };
    }
    const scheduledRegions = dedupe(this.kb.sources.schedule.events.filter((e) => e.region !== 'global').map((e) => regionName(e.region)));
    return this.w.abstain(lang, 'no-match', this.w.t(lang, 'partial.region', { region: unscheduled.map((r) => regionName(r.id)).join(', '), scheduled: scheduledRegions.join(', ') }));
  }

  /** Answers about named events: the fact asked for if the note gives it, else what it gives and who can say more. */
  private eventRoute(frame: QuestionFrame, events: ScheduledEvent[], lang: Lang, local: Local | undefined): Answer | undefined {
    const needs = frame.needs;
    // Words the events' own sections never use ask about something else (a password, the speakers …).
    const terms = new Set(events.flatMap((e) => [...this.kb.eventTerms(e)]));
    if (missingTopics(frame, terms).length) return undefined;
    // How-to questions get the how: "comment confirmer ma participation au briefing en anglais ?";
    // so does the wish to take part ("I'd like to attend the forum", "je voudrais m'inscrire").
    const wish = WISH.test(fold(frame.text)) && ['register', 'confirm', 'participants'].some((c) => frame.concepts.has(c));
    const howTo = wish || ((needs.has('how') || needs.has('contact')) && ['register', 'confirm'].some((c) => frame.concepts.has(c)));
    if (howTo && !needs.has('deadline') && !needs.has('cost') && events.every((e) => e.registration)) return this.events.registration(events, lang);
    const fact = EVENT_FACTS.find((n) => needs.has(n)) ?? (needs.has('reason') && events.every((e) => MEETINGS.has(e.kind)) ? 'purpose' : undefined);
    switch (fact) {
      case 'cost':
        return this.events.missing(events, lang, 'other');
      case 'deadline':
        return events.every((e) => e.kind === 'deadline' || (e.when.type === 'day' && e.when.by)) ? this.events.when(events, lang, local, needs) : this.events.missing(events, lang, 'deadline');
      case 'exact':
        return events.some((e) => e.when.type === 'approximate') ? this.events.missing(events, lang, 'exact') : this.events.when(events, lang, local, needs);
      case 'time':
      case 'localTime':
        return events.every((e) => e.when.type !== 'exact') ? this.events.missing(events, lang, 'time') : this.events.when(events, lang, local, needs);
      case 'place':
        return events.every((e) => e.place) ? this.events.when(events, lang, local, needs) : this.events.missing(events, lang, 'place');
      case 'duration':
        return events.some((e) => e.durationMinutes) ? this.events.duration(events, lang) : this.events.missing(events, lang, 'other');
      case 'count':
        return events.some((e) => e.size || e.meetings) ? this.events.count(events, lang, frame.text) : undefined;
      case 'languages':
        return this.languagesRoute(frame, events, lang, local);
      case 'purpose':
        return events.every((e) => MEETINGS.has(e.kind)) ? this.events.purpose(events, lang) : undefined;
      case 'date':
        return this.events.when(events, lang, local, needs);
    }
    if (['register', 'confirm'].some((c) => frame.concepts.has(c)) || needs.has('contact')) {
      return events.every((e) => e.registration) ? this.events.registration(events, lang) : undefined;
    }
    if ((needs.has('who') || ['invitation', 'public', 'participants', 'restricted', 'access'].some((c) => frame.concepts.has(c))) && events.every((e) => e.audience)) {
      return this.events.audience(events, lang, needs, frame.concepts, frame.text);
    }
    const topical = frame.words.some((w) => w.role === 'topic' && !w.concepts.some((c) => events.some((e) => e.concepts.includes(c))));
    // "What is the briefing?" asks what it is for.
    if (DEFINITION.test(fold(frame.text)) && !topical && events.every((e) => MEETINGS.has(e.kind))) return this.events.purpose(events, lang);
    if (frame.match.selective && !topical && [...needs].every((n) => SOFT_NEEDS.has(n))) return this.events.when(events, lang, local, needs);
    return undefined;
  }

  /** "Which briefing is in French?" asks which one and when; "is the 20 July briefing in French?" asks its languages. */
  private languagesRoute(frame: QuestionFrame, events: ScheduledEvent[], lang: Lang, local: Local | undefined): Answer {
    const chosenByLanguage = frame.concepts.has('bilingual') || frame.concepts.has('englishonly');
    if (chosenByLanguage && frame.match.selective) return this.events.when(events, lang, local, frame.needs);
    const siblings = this.kb.sources.schedule.events.filter((s) => events.some((e) => e.kind === s.kind && e.region === s.region));
    const answer = this.events.languages(events, lang, frame.languages, siblings);
    if (!frame.concepts.has('interpretation')) return answer;
    const platform = this.kb.passage('s3.platform', lang);
    const sentence = platform ? splitSentences(platform.text).find((s) => /interpr/i.test(s)) : undefined;
    return sentence ? { ...answer, text: `${answer.text}\n\n${sentence}`, citations: [...answer.citations, this.w.cite('s3.platform', lang)] } : answer;
  }

  private asksDocumentLanguages(frame: QuestionFrame): boolean {
    const aboutDocuments = frame.concepts.has('documents') || frame.concepts.has('drafts');
    return aboutDocuments && !frame.match.events.length && (frame.needs.has('languages') || frame.languages.length > 0);
  }

  /** The languages of the documents, from the note's own list; a yes or no when one is asked about. */
  private documentLanguages(frame: QuestionFrame, lang: Lang): Answer {
    const passage = this.kb.derived(`documentLanguages:${lang}`, () => this.kb.sources.notes[lang].passages.find((p) => languagesNamed(p.text).length >= 3 && this.kb.termsOf([p.id]).has('#documents')));
    if (!passage) return this.w.abstain(lang, 'no-match');
    const listed = languagesNamed(passage.text);
    const asked = frame.languages;
    const verdict = asked.length ? this.w.t(lang, asked.every((l) => listed.includes(l)) ? 'answer.yes' : 'answer.no') + ' ' : '';
    const unMissing = LANGUAGE_NAMES.filter((l) => l.un && !listed.includes(l));
    const notIn = unMissing.length ? ' ' + this.w.t(lang, 'languageAnswer.unMissing', { languages: unMissing.map((l) => l.names[lang]).join(', '), count: unMissing.length }) : '';
    return {
      kind: 'passage',
      lang,
      text: `${verdict}${passage.text}${notIn}`,
      citations: [this.w.cite(passage.id, lang)],
      suggestions: [this.w.t(lang, 'suggest.dates'), this.w.t(lang, 'suggest.register')],
      eventIds: [],
      sectionId: passage.sectionId,
      quoteAdds: false,
    };
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

  /** The best passage or Q&A pair that speaks of everything the question asks, if any. */
  private retrievalAnswer(frame: QuestionFrame, lang: Lang, contextSection: string | undefined): Answer | undefined {
    const hits = frame.hits;
    const phrasing = this.questionMatches(frame.text);
    const inSection = (sectionId: string | undefined): boolean => !!contextSection && !!sectionId && (sectionId === contextSection || sectionId.startsWith(`${contextSection}.`));
    const ranked = hits
      .filter((h) => h.coverage >= MIN_COVERAGE)
      .map((h) => {
        const pair = this.kb.qaById(h.id);
        const text = pair ? pair.a[lang] : (this.kb.passage(h.id, lang)?.text ?? '');
        const sections = (pair ? pair.passages : [h.id]).map((id) => this.kb.passage(id, lang)?.sectionId);
        // A pair whose own phrasing of the question matches is the likeliest answer.
        const asked = pair ? 1 + (phrasing.get(h.id) ?? 0) ** 2 : 1;
        return { ...h, text, score: h.score * asked * answerTypeBoost(frame.needs, text) * (sections.some(inSection) ? 1.3 : 1) };
      })
      .sort((a, b) => b.score - a.score);
    const best = ranked.find((c) => judge(frame, this.kb.termsOf([c.id]), c.text, (t) => this.termsOfText(t)).ok);
    if (!best) return undefined;
    const suggestions = [this.w.t(lang, 'suggest.dates'), this.w.t(lang, 'suggest.register')];
    const pair = this.kb.qaById(best.id);
    if (pair?.origin) return this.organisersAnswer(pair, lang, frame.needs.has('yesno'), suggestions);
    if (pair) {
      const preferred = pair.passages.find((id) => inSection(this.kb.passage(id, lang)?.sectionId)) ?? pair.passages[0]!;
      const confirming = pair.passages.some((id) => id.endsWith('.confirm'));
      // "Yes: …" answers "is there …?", not "when …?": the verdict goes when the question is not a yes or no.
      const text = frame.needs.has('yesno') ? pair.a[lang] : capitalise(pair.a[lang].replace(/^(yes|no|oui|non)\s*[:.,]\s*/i, ''));
      return {
        kind: 'qa',
        lang,
        text,
        citations: [this.w.cite(preferred, lang)],
        suggestions: confirming ? [this.w.t(lang, 'suggest.confirm'), ...suggestions] : suggestions,
        eventIds: this.eventsCiting(pair.passages),
        sectionId: this.kb.passage(preferred, lang)?.sectionId ?? '',
      };
    }
    const passage = this.kb.passage(best.id, lang)!;
    const text = this.bestSentences(frame.text, passage, lang);
    return { kind: 'passage', lang, text, citations: [this.w.cite(passage.id, lang)], suggestions, eventIds: this.eventsCiting([passage.id]), sectionId: passage.sectionId };
  }

  /** A pair the organisers answered: cited as their answer, with its date. */
  private organisersAnswer(pair: QaPair, lang: Lang, yesNo: boolean, suggestions: string[]): Answer {
    const text = yesNo ? pair.a[lang] : capitalise(pair.a[lang].replace(/^(yes|no|oui|non)\s*[:.,]\s*/i, ''));
    const label = this.w.t(lang, 'questions.citation', { date: pair.origin!.date });
    return { kind: 'qa', lang, text, citations: [{ passageId: pair.id, sectionId: '', label, excerpt: pair.a[lang], lang }], suggestions, eventIds: this.eventsCiting(pair.passages), sectionId: '', quoteAdds: false };
  }

  /** The one or two sentences of a passage that best answer the question. */
  private bestSentences(question: string, passage: Passage, lang: Lang): string {
    const sentences = splitSentences(passage.text);
    if (sentences.length <= 1) return passage.text;
    const q = new Set(this.kb.analyzer.analyze(question, lang).terms);
    const scored = sentences.map((s, i) => ({ s, i, score: this.kb.analyzer.analyze(s, lang).terms.filter((t) => q.has(t)).length }));
    const ranked = [...scored].sort((a, b) => b.score - a.score || a.i - b.i);
    const chosen = ranked.slice(0, ranked[1] && ranked[1].score >= ranked[0]!.score * 0.75 && ranked[1].score > 0 ? 2 : 1).sort((a, b) => a.i - b.i);
    // A sentence that announces a list ("… are:") needs the list after it.
    const last = chosen[chosen.length - 1]!;
    if (/:\s*$/.test(last.s) && sentences[last.i + 1]) chosen.push({ s: sentences.slice(last.i + 1).join(' '), i: last.i + 1, score: 0 });
    return chosen.map((c) => c.s).join(' ');
  }

  private termsOfText(text: string): Set<string> {
    return new Set([...this.kb.analyzer.analyze(text, 'en').terms, ...this.kb.analyzer.analyze(text, 'fr').terms]);
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
    return [...matchEvents(this.kb.sources.schedule, { concepts, dates: datesIn(text), months: monthsIn(text) }).events];
  }

  cite(passageId: string, lang: Lang): Citation {
    return this.w.cite(passageId, lang);
  }
}

/** How much a text looks like the kind of answer the question wants (a date, an address, a cause …). */
function answerTypeBoost(needs: ReadonlySet<Need>, text: string): number {
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
  // A word that says what is asked ("gratuites") is never read as another ("traduites").
  return question.replace(/[\p{L}]+/gu, (w) => (isNeedWord(fold(w)) ? w : (corrections.get(fold(w)) ?? w)));
}
