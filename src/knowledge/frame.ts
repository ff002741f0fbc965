import type { KnowledgeBase } from './knowledgeBase';
import { datesIn, monthsIn, needCues, needsOf, TIME_WORDS, type Need } from './intent';
import { ASK_WORDS, languagesNamed, type LanguageName } from './lexicon';
import type { RetrievalHit, RetrievalResult } from './retriever';
import { tokenize } from './text';
import { matchEvents, type EventMatch } from '../schedule/matching';
import type { Place } from '../schedule/gazetteer';

const NEGATIONS = new Set(['not', 'no', 'non', 'pas', 'ni', "n't", 'nor']);

/** What a word does in a question: only `topic` words must be found in the source that answers. */
export type WordRole = 'ask' | 'need' | 'time' | 'place' | 'region' | 'group' | 'language' | 'topic';

export interface FrameWord {
  readonly word: string;
  readonly stems: { readonly en: string; readonly fr: string };
  /** Glossary concepts whose phrases cover this word. */
  readonly concepts: readonly string[];
  readonly role: WordRole;
  /** Nothing the bot knows uses this word, even allowing a typo. */
  readonly unknown: boolean;
}

export interface RegionMention {
  readonly id: string;
  readonly parent?: string | undefined;
}

/**
 * A question taken apart: what it is about (events, regions, groups of people, languages, a
 * place) and what it asks of it (its needs), with each word's part in that.
 */
export interface QuestionFrame {
  /** The question as the participant wrote it (case kept, for names and acronyms). */
  readonly original: string;
  readonly text: string;
  readonly tokens: readonly string[];
  readonly needs: ReadonlySet<Need>;
  readonly concepts: ReadonlySet<string>;
  readonly match: EventMatch;
  readonly regions: readonly RegionMention[];
  /** Stakeholder groups the question names, in order (ids of the glossary's stakeholders). */
  readonly groups: readonly string[];
  readonly languages: readonly LanguageName[];
  readonly place: Place | undefined;
  readonly words: readonly FrameWord[];
  /** The passages and Q&A pairs that share words with the question, best first. */
  readonly hits: readonly RetrievalHit[];
}

export function buildFrame(kb: KnowledgeBase, text: string, retrieved: RetrievalResult, original: string = text): QuestionFrame {
  const tokens = tokenize(text);
  const needs = needsOf(text);
  // The question's own concepts: the retriever may have read a word as another ("gratuites" as "traduites").
  const concepts = kb.analyzer.conceptsOf(tokens);
  const match = matchEvents(kb.sources.schedule, { concepts, dates: datesIn(text), months: monthsIn(text) });
  const place = kb.gazetteer.find(text);
  const regionSpans = kb.regions.find(tokens);
  const groupSpans = kb.stakeholders.find(tokens);
  const roles = new Map<number, WordRole>();
  const mark = (spans: Array<{ start: number; end: number }>, role: WordRole): void => {
    for (const s of spans) for (let i = s.start; i < s.end; i++) if (!roles.has(i)) roles.set(i, role);
  };
  mark([...needCues(tokens, needs)].map((i) => ({ start: i, end: i + 1 })), 'need');
  mark(regionSpans, 'region');
  // "if I'm not from a government", "je ne suis pas du ministère": a group the participant is not.
  const groups = groupSpans.filter((g) => !tokens.slice(Math.max(0, g.start - 3), g.start).some((t) => NEGATIONS.has(t)));
  mark(groups, 'group');
  const spans = kb.analyzer.conceptSpans(tokens);
  const unknown = new Set(retrieved.unknownWords);
  const languages = languagesNamed(text);
  const languageForms = new Set(languages.flatMap((l) => l.forms));
  const asksClock = ['time', 'localTime', 'date'].some((n) => needs.has(n as Need));
  const words: FrameWord[] = [];
  tokens.forEach((token, i) => {
    const analysed = kb.analyzer.analyzeTokens([token], 'en').words[0];
    if (!analysed) return;
    const role: WordRole =
      roles.get(i) ??
      (ASK_WORDS.has(token) ? 'ask'
        : /\d/.test(token) || TIME_WORDS.has(token) ? 'time'
        : languageForms.has(token) ? 'language'
        // A city names a time zone when the question asks a time; otherwise it is what the question is about.
        : place && kb.gazetteer.words.has(token) && asksClock ? 'place'
        : 'topic');
    words.push({
      word: token,
      stems: { en: kb.analyzer.stem(token, 'en'), fr: kb.analyzer.stem(token, 'fr') },
      concepts: spans.filter((s) => s.start <= i && i < s.end).map((s) => s.concept),
      role,
      unknown: unknown.has(token),
    });
  });
  const regions = dedupeBy(regionSpans.map((s) => ({ id: s.key, parent: kb.sources.regions[s.key]?.parent })), (r) => r.id);
  return { original, text, tokens, needs, concepts, match, regions, groups: [...new Set(groups.map((s) => s.key))], languages, place, words, hits: retrieved.hits };
}

/** The topic words of a question that a source's terms do not contain (by stem in either language, or concept). */
export function missingTopics(frame: QuestionFrame, terms: ReadonlySet<string>, roles: readonly WordRole[] = ['topic']): FrameWord[] {
  return frame.words.filter((w) => roles.includes(w.role) && !covers(terms, w));
}

export function covers(terms: ReadonlySet<string>, w: FrameWord): boolean {
  return terms.has(w.stems.en) || terms.has(w.stems.fr) || w.concepts.some((c) => terms.has(`#${c}`));
}

function dedupeBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
}
