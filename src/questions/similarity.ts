import type { Analyzer, Lang } from '../knowledge/analyzer';

/**
 * What a question is about, as the retriever reads it: the stems of its content words in its own
 * language and the glossary's concepts (`#briefing`), which are the same in both languages.
 */
export function questionTerms(analyzer: Pick<Analyzer, 'analyze'>, text: string, lang: Lang): string[] {
  return [...new Set(analyzer.analyze(text, lang).terms)];
}

/**
 * Two stems name the same thing: equal, or one the start of the other when both are long enough —
 * which also joins the two languages' forms of a word they share ("certif", "certifica").
 */
function sameTerm(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.startsWith('#') || b.startsWith('#')) return false;
  return a.length >= 5 && b.length >= 5 && (a.startsWith(b) || b.startsWith(a));
}

/** How much two questions speak of the same things, 0..1: the share of each one's terms the other has. */
export function closeness(a: readonly string[], b: readonly string[]): number {
  if (!a.length || !b.length) return 0;
  const covered = (x: readonly string[], y: readonly string[]) => x.filter((t) => y.some((u) => sameTerm(t, u))).length;
  return (covered(a, b) + covered(b, a)) / (a.length + b.length);
}

/** Two questions close enough to be one question for the organisers. */
export const SAME_QUESTION = 0.5;
