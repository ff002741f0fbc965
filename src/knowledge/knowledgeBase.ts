import { Analyzer, buildGlossary, LANGS, type Lang } from './analyzer';
import type { Passage, Section } from './note';
import { LexicalRetriever, type Retriever } from './retriever';
import type { KnowledgeSources, QaPair } from './sources';
import { TIME_WORDS } from './intent';
import { Gazetteer } from '../schedule/gazetteer';
import type { ScheduledEvent } from '../schedule/schedule';

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

  constructor(
    readonly sources: KnowledgeSources,
    readonly gazetteer: Gazetteer = new Gazetteer(),
  ) {
    this.analyzer = new Analyzer(buildGlossary(sources.glossary));
    const known = new Set<string>([...gazetteer.words, ...TIME_WORDS, ...this.analyzer.glossaryWords()]);
    const index = new LexicalRetriever(this.analyzer, known);
    const questions = new LexicalRetriever(this.analyzer, known);
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
        index.add(p.id, lang, [p.text, section && section.level > 1 ? section.title : '', ...referrers].join('\n'));
      }
    }
    this.qa = new Map(sources.qa.map((pair) => [pair.id, pair]));
    // A pair is found by its questions and by its answer's words.
    for (const pair of sources.qa) for (const lang of LANGS) index.add(pair.id, lang, `${pair.q[lang].join('\n')}\n${pair.a[lang]}`);
    for (const pair of sources.qa) for (const lang of LANGS) pair.q[lang].forEach((q, n) => questions.add(`${pair.id}#${lang}${n}`, lang, q));
    this.retriever = index;
    this.questionRetriever = questions;
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
