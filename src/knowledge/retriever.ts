import type { Analyzer} from './analyzer';
import { LANGS, type Lang } from './analyzer';
import { editDistance, tokenize } from './text';
import { isStopword } from './stopwords';

export interface RetrievalHit {
  readonly id: string;
  /** BM25 score, best over the two languages. */
  readonly score: number;
  /** Share (0..1) of the question's weight, by inverse document frequency, that this document matches. */
  readonly coverage: number;
  readonly lang: Lang;
}

export interface RetrievalResult {
  readonly hits: RetrievalHit[];
  /** Content words of the question that nothing in the corpus knows, even allowing a typo. */
  readonly unknownWords: string[];
  /** Misspelt words of the question and the known words they were read as. */
  readonly corrections: ReadonlyMap<string, string>;
  /** Glossary concepts the question names. */
  readonly concepts: ReadonlySet<string>;
}

/** What the bot needs from retrieval; a model-based retriever can implement it too. */
export interface Retriever {
  search(question: string, limit?: number): RetrievalResult;
}

interface Doc {
  id: string;
  length: number;
  tf: Map<string, number>;
}

class LanguageIndex {
  readonly docs: Doc[] = [];
  readonly postings = new Map<string, Array<{ doc: number; tf: number }>>();
  avgLength = 0;

  add(id: string, terms: readonly string[]): void {
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    const n = this.docs.length;
    this.docs.push({ id, length: terms.length, tf });
    for (const [t, f] of tf) {
      const list = this.postings.get(t) ?? [];
      list.push({ doc: n, tf: f });
      this.postings.set(t, list);
    }
  }

  finish(): void {
    this.avgLength = this.docs.reduce((s, d) => s + d.length, 0) / Math.max(1, this.docs.length);
  }

  idf(term: string): number {
    const df = this.postings.get(term)?.length ?? 0;
    const n = this.docs.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  maxIdf(): number {
    return Math.log(1 + (this.docs.length + 0.5) / 0.5);
  }
}

/** Every word the bot knows, for repairing typos: one edit for short words, two for long ones. */
class Vocabulary {
  private readonly words = new Set<string>();
  private readonly byLength = new Map<number, string[]>();
  /** Repairs already looked up (a question's unknown words recur): bounded. */
  private readonly memo = new Map<string, string | undefined>();

  add(word: string): void {
    if (!/^[a-z]+$/.test(word) || this.words.has(word)) return;
    this.memo.clear();
    this.words.add(word);
    const bucket = this.byLength.get(word.length) ?? [];
    bucket.push(word);
    this.byLength.set(word.length, bucket);
  }

  has(word: string): boolean {
    return this.words.has(word);
  }

  closest(word: string): string | undefined {
    if (this.memo.has(word)) return this.memo.get(word);
    const found = this.search(word);
    if (this.memo.size > 10_000) this.memo.clear();
    this.memo.set(word, found);
    return found;
  }

  private search(word: string): string | undefined {
    // Short words have too many neighbours ("coute" is not "cote"): only words of five letters or more are repaired.
    if (word.length < 5 || !/^[a-z]+$/.test(word)) return undefined;
    const max = word.length >= 8 ? 2 : 1;
    let best: { word: string; d: number } | undefined;
    for (let len = word.length - max; len <= word.length + max; len++) {
      for (const candidate of this.byLength.get(len) ?? []) {
        if (candidate.length < 5 || (candidate[0] !== word[0] && word.length < 8)) continue;
        const d = editDistance(word, candidate, max);
        if (d <= max && (!best || d < best.d)) best = { word: candidate, d };
      }
    }
    return best?.word;
  }
}

const K1 = 1.2;
const CONCEPT_WEIGHT = 1.5;
const B = 0.75;

/**
 * A bilingual BM25 index. Each document is indexed in its own language; a question is analysed
 * in both languages (it may be either, or mixed) and each document keeps its better score.
 * Typos are repaired against the corpus vocabulary; glossary concepts bridge the languages.
 */
export class LexicalRetriever implements Retriever {
  private readonly indexes: Record<Lang, LanguageIndex> = { en: new LanguageIndex(), fr: new LanguageIndex() };
  private readonly vocabulary = new Vocabulary();
  private finished = false;

  constructor(
    private readonly analyzer: Analyzer,
    /** Words the bot understands without the corpus: place names, time words, the glossary. */
    private readonly extraKnown: ReadonlySet<string> = new Set(),
    /** Words known but never offered as a repair: ways of asking ("regarding" is not what "recording" meant). */
    notTargets: ReadonlySet<string> = new Set(),
  ) {
    for (const w of extraKnown) if (!notTargets.has(w)) this.vocabulary.add(w);
  }

  add(id: string, lang: Lang, text: string): void {
    const a = this.analyzer.analyze(text, lang);
    this.indexes[lang].add(id, a.terms);
    for (const { word } of a.words) this.vocabulary.add(word);
    this.finished = false;
  }

  /** Reads a misspelt word as the closest known one ("breifing" → "briefing"). */
  private correct(tokens: string[]): { tokens: string[]; corrections: Map<string, string> } {
    const corrections = new Map<string, string>();
    const out = tokens.map((t) => {
      if (this.vocabulary.has(t) || isStopword(t) || this.extraKnown.has(t)) return t;
      if (LANGS.some((l) => this.indexes[l].postings.has(this.analyzer.stem(t, l)))) return t;
      const fix = this.vocabulary.closest(t);
      if (fix) corrections.set(t, fix);
      return fix ?? t;
    });
    return { tokens: out, corrections };
  }

  get size(): number {
    return this.indexes.en.docs.length + this.indexes.fr.docs.length;
  }

  search(question: string, limit = 5): RetrievalResult {
    if (!this.finished) {
      for (const l of LANGS) this.indexes[l].finish();
      this.finished = true;
    }
    const { tokens, corrections } = this.correct(tokenize(question));
    const best = new Map<string, RetrievalHit>();
    const known = new Map<string, boolean>();
    let concepts: ReadonlySet<string> = new Set<string>();
    for (const lang of LANGS) {
      const index = this.indexes[lang];
      const analysis = this.analyzer.analyzeTokens(tokens, lang);
      concepts = analysis.concepts;
      const terms = new Set<string>();
      for (const c of analysis.concepts) terms.add(`#${c}`);
      for (const { word, stem } of analysis.words) {
        const isKnown = index.postings.has(stem) || this.extraKnown.has(word);
        known.set(word, (known.get(word) ?? false) || isKnown);
        // A word the bot understands but the corpus never uses (a city, "timezone") does not dilute the match.
        if (index.postings.has(stem) || !this.extraKnown.has(word)) terms.add(stem);
      }
      if (!terms.size) continue;
      const weights = new Map<string, number>();
      let total = 0;
      for (const t of terms) {
        // A glossary concept names the topic in any wording or language: it weighs more than one word.
        const w = (index.postings.has(t) ? index.idf(t) : index.maxIdf()) * (t.startsWith('#') ? CONCEPT_WEIGHT : 1);
        weights.set(t, w);
        total += w;
      }
      const scores = new Map<number, { score: number; matched: number }>();
      for (const t of terms) {
        const postings = index.postings.get(t);
        if (!postings) continue;
        const idf = weights.get(t)!;
        for (const { doc, tf } of postings) {
          const d = index.docs[doc]!;
          const s = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * d.length) / index.avgLength));
          const cur = scores.get(doc) ?? { score: 0, matched: 0 };
          cur.score += s;
          cur.matched += idf;
          scores.set(doc, cur);
        }
      }
      for (const [doc, { score, matched }] of scores) {
        const id = index.docs[doc]!.id;
        const coverage = total > 0 ? matched / total : 0;
        const prev = best.get(id);
        if (!prev || score > prev.score) best.set(id, { id, score, coverage: Math.max(coverage, prev?.coverage ?? 0), lang });
        else if (coverage > prev.coverage) best.set(id, { ...prev, coverage });
      }
    }
    const hits = [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit);
    const unknownWords = [...known].filter(([, k]) => !k).map(([w]) => w);
    return { hits, unknownWords, concepts, corrections };
  }
}
