import { newStemmer, type Stemmer } from 'snowball-stemmers';
import { fold, tokenize } from './text';
import { isStopword } from './stopwords';
import { Memo } from '../memo';

import type { Lang } from '../vocabulary';

export type { Lang };
export const LANGS: readonly Lang[] = ['en', 'fr'];
const MAX_REMEMBERED_STEMS = 50_000;

/** A concept of the bilingual glossary, with the phrases (folded, tokenized) that name it. */
export interface Glossary {
  readonly concepts: ReadonlyMap<string, readonly string[][]>;
}

export function buildGlossary(concepts: Record<string, string[]>): Glossary {
  const map = new Map<string, string[][]>();
  for (const [name, phrases] of Object.entries(concepts)) {
    // Phrases are tokenized exactly as text is, so "sub-regional" matches "sub-regional" and "sub regional".
    map.set(name, phrases.map((p) => tokenize(p)).filter((p) => p.length > 0));
  }
  return { concepts: map };
}

/** The terms of a text: stems of its content words plus `#concept` tags from the glossary. */
export interface Analysis {
  readonly tokens: readonly string[];
  readonly terms: readonly string[];
  readonly concepts: ReadonlySet<string>;
  /** Content words (folded, not stemmed) paired with their stem, for typo repair and reporting. */
  readonly words: ReadonlyArray<{ readonly word: string; readonly stem: string }>;
}

/**
 * Stems already computed, per language. Building an index stems the same few thousand words ten
 * thousand times, and Snowball (about 0.1 ms a word) is much of what a start spends on it; a
 * stem depends only on the word, so the table can be kept from one start to the next (see
 * `stemsFile` in src/startCaches.ts). Bounded, since questions bring new words.
 */
export class StemMemo {
  private readonly stems: Record<Lang, Map<string, string>>;
  /** Whether stems were added since the table was made or read. */
  changed = false;

  constructor(saved?: Partial<Record<Lang, Record<string, string>>>) {
    this.stems = { en: new Map(Object.entries(saved?.en ?? {})), fr: new Map(Object.entries(saved?.fr ?? {})) };
  }

  get(word: string, lang: Lang): string | undefined {
    return this.stems[lang].get(word);
  }

  set(word: string, lang: Lang, stem: string): string {
    const known = this.stems[lang];
    if (known.size >= MAX_REMEMBERED_STEMS) known.clear();
    known.set(word, stem);
    this.changed = true;
    return stem;
  }

  toJSON(): Record<Lang, Record<string, string>> {
    return { en: Object.fromEntries(this.stems.en), fr: Object.fromEntries(this.stems.fr) };
  }
}

/** The process's stem table: a stem depends on the word alone, so every index and app of the process shares it. */
export const sharedStems = new StemMemo();

/**
 * Turns text into index terms for one language: folding, stop words, Snowball stemming, and the
 * glossary's concepts, so that "séance d'information" and "briefing" share the term `#briefing`.
 */
export class Analyzer {
  private readonly stemmers: Record<Lang, Stemmer> = {
    en: newStemmer('english'),
    fr: newStemmer('french'),
  };
  private readonly phrasesByFirst = new Map<string, Array<{ concept: string; phrase: string[] }>>();
  // Analysis is pure and the same sentences come back every turn (the question's, the passages'):
  // remembered, within bounds. Stems are remembered by the StemMemo below, shared across versions.
  private readonly analyses: Record<Lang, Memo<Analysis>> = { en: new Memo(5_000), fr: new Memo(5_000) };

  constructor(
    glossary: Glossary,
    /** Stems already computed: by default the process's table, shared by every index. */
    private readonly stems: StemMemo = sharedStems,
  ) {
    for (const [concept, phrases] of glossary.concepts) {
      for (const phrase of phrases) {
        const first = phrase[0]!;
        const list = this.phrasesByFirst.get(first) ?? [];
        list.push({ concept, phrase });
        this.phrasesByFirst.set(first, list);
      }
    }
  }

  stem(word: string, lang: Lang): string {
    return this.stems.get(word, lang) ?? this.stems.set(word, lang, this.stemAfresh(word, lang));
  }

  private stemAfresh(word: string, lang: Lang): string {
    if (/\d/.test(word)) return word;
    if (lang === 'en') return this.stemmers.en.stem(word);
    // Words arrive folded; French Snowball needs the accent of past participles ("utilisée") to
    // find the suffix, and folding leaves a trailing "e" on some stems ("utilise" for "utilisee").
    // Verb forms Snowball keeps apart ("inscris", "inscrit", "inscrire") lose one final r, s or t.
    let stem = fold(this.stemmers.fr.stem(word.replace(/ee(s?)$/, 'ée$1')));
    if (stem.length > 4 && stem.endsWith('e')) stem = stem.slice(0, -1);
    if (stem.length > 5 && /[rst]$/.test(stem)) stem = stem.slice(0, -1);
    return stem;
  }

  /** Every word of every glossary phrase: the bot understands them even where the note does not use them. */
  glossaryWords(): Set<string> {
    const words = new Set<string>();
    for (const list of this.phrasesByFirst.values()) for (const { phrase } of list) for (const w of phrase) words.add(w);
    return words;
  }

  conceptsOf(tokens: readonly string[]): Set<string> {
    return new Set(this.conceptSpans(tokens).map((s) => s.concept));
  }

  /** Each glossary phrase found in the tokens, with the tokens it covers (phrases may overlap). */
  conceptSpans(tokens: readonly string[]): Array<{ concept: string; start: number; end: number }> {
    const found: Array<{ concept: string; start: number; end: number }> = [];
    for (let i = 0; i < tokens.length; i++) {
      for (const { concept, phrase } of this.phrasesByFirst.get(tokens[i]!) ?? []) {
        if (phrase.every((t, k) => tokens[i + k] === t)) found.push({ concept, start: i, end: i + phrase.length });
      }
    }
    // A phrase inside a longer phrase of another concept is part of that one: the "knowledge
    // platform" is not a videoconference platform.
    return found.filter((s) => !found.some((o) => o.concept !== s.concept && o.start <= s.start && s.end <= o.end && o.end - o.start > s.end - s.start));
  }

  analyze(text: string, lang: Lang): Analysis {
    // Shared between callers: an Analysis is read-only.
    return this.analyses[lang].get(text, (t) => this.analyzeTokens(tokenize(t), lang));
  }

  analyzeTokens(tokens: string[], lang: Lang): Analysis {
    const concepts = this.conceptsOf(tokens);
    const words: Array<{ word: string; stem: string }> = [];
    const terms: string[] = [];
    for (const token of tokens) {
      if (token.includes('-') && /^[a-z-]+$/.test(token)) continue; // its parts are indexed instead
      if (isStopword(token) || token.endsWith("'") || token.length < 2 && !/\d/.test(token)) continue;
      const stem = this.stem(token, lang);
      words.push({ word: token, stem });
      terms.push(stem);
    }
    for (const c of concepts) terms.push(`#${c}`);
    return { tokens, terms, concepts, words };
  }
}
