import { LANGS, type Analyzer, type Lang } from '../analyzer';
import { guessLanguage } from '../language';
import { fold } from '../text';
import { citableIds, textsOf, type GenerationContext } from './context';
import { claimsIn, Material, type ClaimKind } from './facts';
import type { GeneratedAnswer } from './prompt';

/** Why a generated answer was not shown. */
export type GuardReason = 'language' | 'empty' | 'too-long' | 'no-source' | 'unknown-source' | `unsupported-${ClaimKind}` | 'unsupported-sentence';

export type GuardVerdict = { readonly ok: true } | { readonly ok: false; readonly reasons: GuardReason[]; /** What failed, for the logs: kinds and ids, never the participant's words. */ readonly detail: string[] };

/** Least share of a sentence's content words its cited sources must contain (by stem, in either language). */
export const MIN_SUPPORT = 0.5;
/** Longest generated answer shown, in characters. */
const MAX_ANSWER_CHARS = 1500;

/**
 * Decides whether a generated answer may be shown. Every sentence must cite sources of the context,
 * and those sources must contain its facts — dates, times, numbers, addresses, links, identifiers —
 * and most of its words; the names it uses must be in the context; the whole must be in the
 * language asked for. Anything else, and the participant gets the extractive answer.
 */
export class GroundingGuard {
  constructor(private readonly analyzer: Analyzer) {}

  check(answer: GeneratedAnswer, context: GenerationContext): GuardVerdict {
    const reasons = new Set<GuardReason>();
    const detail: string[] = [];
    const fail = (reason: GuardReason, what: string): void => {
      reasons.add(reason);
      detail.push(what);
    };
    const sentences = answer.sentences.filter((s) => s.text.trim());
    if (!sentences.length) fail('empty', 'no sentence');
    const whole = sentences.map((s) => s.text).join(' ');
    if (whole.length > MAX_ANSWER_CHARS) fail('too-long', `${whole.length} characters`);
    const guessed = guessLanguage(whole).lang;
    if (answer.language !== context.lang || (guessed && guessed !== context.lang)) fail('language', `asked ${context.lang}, declared ${answer.language}, reads ${guessed ?? '?'}`);

    const known = citableIds(context);
    const everything = new Material([...known].flatMap((id) => textsOf(context, id)));
    sentences.forEach((s, i) => {
      const ids = [...new Set(s.sources)];
      if (!ids.length) fail('no-source', `sentence ${i + 1}`);
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length) fail('unknown-source', `sentence ${i + 1}: ${unknown.length} unknown id(s)`);
      const texts = ids.filter((id) => known.has(id)).flatMap((id) => textsOf(context, id));
      const cited = new Material(texts);
      for (const claim of claimsIn(s.text)) {
        // A name must be in the sources given; every other fact in the sources the sentence cites.
        const ok = claim.kind === 'name' ? everything.supports(claim) : cited.supports(claim);
        if (!ok) fail(`unsupported-${claim.kind}`, `sentence ${i + 1}: ${claim.kind} not in its sources`);
      }
      if (!this.timesInTheirZones(s.text, context)) fail('unsupported-time', `sentence ${i + 1}: a time given for another zone`);
      const support = this.support(s.text, context.lang, texts);
      if (support < MIN_SUPPORT) fail('unsupported-sentence', `sentence ${i + 1}: ${Math.round(support * 100)}% of its words in its sources`);
    });
    return reasons.size ? { ok: false, reasons: [...reasons], detail } : { ok: true };
  }

  /**
   * A clock time belongs to the zone the sentence names after it (else before it): "11:00 Nairobi
   * time" and "10:00 in Paris" are both right, "11:00 in Paris" is not.
   */
  timesInTheirZones(sentence: string, context: GenerationContext): boolean {
    if (context.clocks.length < 2) return true;
    const folded = fold(sentence);
    const anchors = context.clocks.flatMap((zone) => zone.anchors.flatMap((a) => [...folded.matchAll(new RegExp(`(?<![\\p{L}\\p{N}])${escape(a)}(?![\\p{L}\\p{N}])`, 'gu'))].map((m) => ({ at: m.index, zone }))));
    if (!anchors.length) return true;
    return claimsIn(sentence)
      .filter((c) => c.kind === 'time' && c.at !== undefined)
      .every((c) => {
        const after = anchors.filter((a) => a.at > c.at!).sort((a, b) => a.at - b.at)[0];
        const before = anchors.filter((a) => a.at < c.at!).sort((a, b) => b.at - a.at)[0];
        return (after ?? before)!.zone.times.includes(c.key);
      });
  }

  /** The share of a sentence's content words (stems and glossary concepts) that its sources contain. */
  support(sentence: string, lang: Lang, sources: readonly string[]): number {
    const own = [...new Set(this.analyzer.analyze(sentence, lang).terms.filter((t) => !/\d/.test(t)))];
    if (!own.length) return 1;
    const theirs = new Set<string>();
    for (const text of sources) for (const l of LANGS) for (const t of this.analyzer.analyze(text, l).terms) theirs.add(t);
    return own.filter((t) => theirs.has(t)).length / own.length;
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
