import { tokenize } from './text';

/** Where a phrase of a table was found in a question's tokens. */
export interface PhraseMatch<K extends string = string> {
  readonly key: K;
  readonly start: number;
  /** One past the last token. */
  readonly end: number;
}

/**
 * Finds the phrases of a table (key → phrases) in tokenized text, longest first, without overlaps:
 * "union africaine" is the African Union, not a trade union; "asie de l'ouest" is West Asia, not Asia.
 */
export class PhraseTable<K extends string = string> {
  private readonly byFirst = new Map<string, Array<{ key: K; tokens: string[] }>>();
  /** Every word of every phrase: the bot understands them even where the note does not use them. */
  readonly words = new Set<string>();

  constructor(entries: Iterable<[K, readonly string[]]>) {
    for (const [key, phrases] of entries) {
      for (const phrase of phrases) {
        const tokens = tokenize(phrase);
        if (!tokens.length) continue;
        for (const t of tokens) this.words.add(t);
        this.byFirst.set(tokens[0]!, [...(this.byFirst.get(tokens[0]!) ?? []), { key, tokens }]);
      }
    }
    for (const list of this.byFirst.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
  }

  find(tokens: readonly string[]): Array<PhraseMatch<K>> {
    const found: Array<PhraseMatch<K>> = [];
    for (let i = 0; i < tokens.length; ) {
      const hit = (this.byFirst.get(tokens[i]!) ?? []).find((e) => e.tokens.every((t, k) => tokens[i + k] === t));
      if (hit) {
        found.push({ key: hit.key, start: i, end: i + hit.tokens.length });
        i += hit.tokens.length;
      } else i++;
    }
    return found;
  }
}
