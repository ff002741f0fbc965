import { Analyzer, buildGlossary, LANGS, type Lang, type StemMemo } from './analyzer';
import type { Passage, Section } from './note';
import { LexicalRetriever, type Retriever } from './retriever';
import type { KnowledgeSources, QaPair } from './sources';
import { TIME_WORDS } from './intent';
import { ASK_WORDS, languageWords } from './lexicon';
import { PhraseTable } from './phrases';
import { shippedGazetteer, type Gazetteer } from '../schedule/gazetteer';
import type { ScheduledEvent } from '../schedule/schedule';
import { tokenize } from './text';

/** Words by which the note speaks of all its meetings at once. */
const GENERIC_MEETINGS: ReadonlyArray<[string, Lang]> = [['meetings', 'en'], ['reunions', 'fr']];

/**
 * The sources, indexed: passages of both notes (with their section titles, so that a passage is
 * found by what its section is about), the Q&A pairs' questions, the schedule and the gazetteer.
 * Built once per version of the sources; immutable afterwards.
 */
export class KnowledgeBase {
  readonly analyzer: Analyzer;
  /** One index of passages and Q&A pairs (ids "qa.…"), so that their scores compare. */
  readonly retriever: Retriever;
  /** The Q&A pairs' questions alone, one document per phrasing (ids "qa.…#n"). */
  readonly questionRetriever: Retriever;
  private readonly passages: Record<Lang, Map<string, Passage>>;
  private readonly sections: Record<Lang, Map<string, Section>>;
  private readonly qa: Map<string, QaPair>;
  /** Who a participant may be, mapped to the note's stakeholder groups. */
  readonly stakeholders: PhraseTable;
  /** Regions and sub-regions a question may name. */
  readonly regions: PhraseTable;
  /** Every term (stems in both languages, `#concepts`) of each passage and Q&A pair, both languages together. */
  private readonly terms = new Map<string, Set<string>>();
  /** Values computed from the sources alone, once: the sources of a knowledge base never change. */
  private readonly derivedValues = new Map<string, unknown>();
  private readonly eventTermsCache = new WeakMap<ScheduledEvent, ReadonlySet<string>>();

  constructor(
    readonly sources: KnowledgeSources,
    readonly gazetteer: Gazetteer = shippedGazetteer(),
    stems?: StemMemo,
  ) {
    this.analyzer = new Analyzer(buildGlossary(sources.glossary), stems);
    this.stakeholders = new PhraseTable(Object.entries(sources.stakeholders).map(([id, g]) => [id, g.phrases]));
    this.regions = new PhraseTable(Object.entries(sources.regions).map(([id, r]) => [id, r.phrases]));
    const known = new Set<string>([
      ...gazetteer.words, ...TIME_WORDS, ...this.analyzer.glossaryWords(), ...this.stakeholders.words, ...this.regions.words, ...ASK_WORDS, ...languageWords(),
    ]);
    const index = new LexicalRetriever(this.analyzer, known, ASK_WORDS);
    const questions = new LexicalRetriever(this.analyzer, known, ASK_WORDS);
    this.passages = { en: new Map(), fr: new Map() };
    this.sections = { en: new Map(), fr: new Map() };
    for (const lang of LANGS) {
      const note = sources.notes[lang];
      for (const s of note.sections) this.sections[lang].set(s.id, s);
      for (const p of note.passages) {
        this.passages[lang].set(p.id, p);
        const section = this.sections[lang].get(p.sectionId);
        // A footnote is a bare link: it is found through the text that refers to it.
        const footnote = /^\[\^(\d+)\]:/.exec(p.markdown)?.[1];
        const referrers = footnote ? note.passages.filter((q) => q !== p && q.markdown.includes(`[^${footnote}]`)).map((q) => q.text) : [];
        const indexed = [p.text, section && section.level > 1 ? section.title : '', ...referrers].join('\n');
        index.add(p.id, lang, indexed);
        this.addTerms(p.id, indexed);
      }
      // A passage often goes on about what the one before it named ("it requests UNEP …" is the resolution).
      note.passages.forEach((p, i) => {
        const before = note.passages[i - 1];
        if (!before || before.sectionId !== p.sectionId) return;
        const set = this.terms.get(p.id)!;
        for (const c of this.analyzer.conceptsOf(tokenize(before.text))) set.add(`#${c}`);
      });
    }
    this.qa = new Map(sources.qa.map((pair) => [pair.id, pair]));
    // A pair is found by its questions and by its answer's words.
    for (const pair of sources.qa) {
      for (const lang of LANGS) index.add(pair.id, lang, `${pair.q[lang].join('\n')}\n${pair.a[lang]}`);
      this.addTerms(pair.id, [...pair.q.en, ...pair.q.fr, pair.a.en, pair.a.fr].join('\n'));
    }
    for (const pair of sources.qa) for (const lang of LANGS) pair.q[lang].forEach((q, n) => questions.add(`${pair.id}#${lang}${n}`, lang, q));
    this.retriever = index;
    this.questionRetriever = questions;
  }

  /** Adds a text's terms, analysed in both languages, to a document's term set. */
  private addTerms(id: string, text: string): void {
    const set = this.terms.get(id) ?? new Set<string>();
    for (const lang of LANGS) for (const t of this.analyzer.analyze(text, lang).terms) set.add(t);
    // What the note says of "the meetings" holds for each of them: the briefing, the forum …
    if (GENERIC_MEETINGS.some(([word, lang]) => set.has(this.analyzer.stem(word, lang)))) {
      for (const e of this.sources.schedule.events) if (['briefing', 'subregional', 'regional', 'forum'].includes(e.kind)) for (const c of e.concepts) set.add(`#${c}`);
    }
    this.terms.set(id, set);
  }

  /**
   * What an answer about an event can speak of: the passages of its section and its typed fields
   * (names, audience, registration …), so that "do I need an invitation?" finds its audience.
   */
  eventTerms(event: ScheduledEvent): ReadonlySet<string> {
    let terms = this.eventTermsCache.get(event);
    if (!terms) this.eventTermsCache.set(event, (terms = this.computeEventTerms(event)));
    return terms;
  }

  /**
   * A value that depends on the sources alone (an event's terms, the partners' names …), computed on
   * first use and kept with this knowledge base, so a new version of the sources starts afresh.
   */
  derived<T>(key: string, compute: () => T): T {
    if (this.derivedValues.has(key)) return this.derivedValues.get(key) as T;
    const value = compute();
    this.derivedValues.set(key, value);
    return value;
  }

  private computeEventTerms(event: ScheduledEvent): Set<string> {
    const own = this.sources.notes.fr.passages.filter((p) => p.sectionId === event.section).map((p) => p.id);
    const terms = this.termsOf([...own, ...event.passages]);
    const fields = [event.name, event.short, event.audience, event.registration, event.size, event.meetings, event.place, event.notice];
    for (const field of fields) if (field) for (const lang of LANGS) for (const t of this.analyzer.analyze(`${field.en}\n${field.fr}`, lang).terms) terms.add(t);
    // What the typed fields answer, whatever words the question uses for it.
    const answers: Array<[boolean, string[]]> = [
      [event.invitationOnly !== undefined || event.openToPublic !== undefined, ['invitation', 'public', 'access', 'restricted', 'participants']],
      [!!event.registration, ['register', 'confirm']],
      [!!event.durationMinutes, ['duration']],
      [!!(event.size || event.meetings), ['count']],
      [event.languages.length > 0, ['language']],
    ];
    for (const [has, concepts] of answers) if (has) for (const c of concepts) terms.add(`#${c}`);
    return terms;
  }

  /** The terms of a passage or Q&A pair, or of several (an event's passages): what an answer from them can speak of. */
  termsOf(ids: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (const id of ids) for (const t of this.terms.get(id) ?? []) out.add(t);
    return out;
  }

  passage(id: string, lang: Lang): Passage | undefined {
    return this.passages[lang].get(id);
  }

  qaById(id: string): QaPair | undefined {
    return this.qa.get(id);
  }

  eventsById(ids: readonly string[]): ScheduledEvent[] {
    return this.sources.schedule.events.filter((e) => ids.includes(e.id));
  }

  /** "§3 Proposed schedule … — Briefing on …", or the note's title block. */
  sectionLabel(sectionId: string, lang: Lang): string {
    const section = this.sections[lang].get(sectionId);
    if (!section) return sectionId;
    if (!section.number) return section.level === 1 ? (lang === 'fr' ? 'introduction' : 'introduction') : section.title;
    const top = [...this.sections[lang].values()].find((s) => s.number === section.number && s.level === 2);
    const head = `§${section.number} ${top?.title ?? section.title}`;
    return top && top.id !== section.id ? `${head} — ${section.title}` : head;
  }
}
