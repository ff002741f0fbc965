import type { Need } from './intent';
import { covers, missingTopics, type FrameWord, type QuestionFrame } from './frame';
import { languagesNamed } from './lexicon';
import { fold } from './text';

/**
 * Whether a text gives the kind of fact a need asks for: a date for "when", a clock time for
 * "what time", an address for "whom do I write to". Needs that any explanation can meet
 * ("how", "who", "why", yes or no) always pass.
 */
export function givesNeed(need: Need, text: string): boolean {
  const f = fold(text);
  switch (need) {
    case 'date':
      // "When will I get …?" is also answered by the moment it happens: "when you confirm", "lors de la confirmation".
      return /\b(when you (confirm|register)|once you (have )?(confirm|register)\w*|(up)?on confirmation|at confirmation|lors de (la|votre) confirmation|une fois (votre participation )?confirme\w*)\b/.test(f) ||
        /\b(19|20)\d\d\b|\b\d{1,2}(st|nd|rd|th|er)?\s+(january|february|march|april|may|june|july|august|september|october|november|december|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)\b/.test(f);
    case 'time':
      return /\b\d{1,2}\s?[h:]\s?\d\d\b/.test(f);
    case 'duration':
      return /\b\d+\s?(minutes?|min|hours?|heures?|h)\b/.test(f);
    case 'count':
      return /\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twenty|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|vingt)\b/.test(f);
    case 'place':
      return /https?:\/\/|www\.|@|\b(nairobi|kenya|online|en ligne|webex|virtual|virtuel\w*|videoconferenc\w*|visioconferenc\w*)\b/.test(f);
    case 'contact':
      return /@/.test(f) || /https?:\/\//.test(f);
    case 'link':
      return /https?:\/\/|www\.|\b(link|lien)\b/.test(f);
    case 'languages':
      return languagesNamed(text).length > 0 || /\b(languages|langues)\b/.test(f);
    case 'deadline':
      return /\b(at the latest|by \d|deadline|au plus tard|date limite|d'ici (au|le))\b/.test(f);
    case 'exact':
      return !/\b(early|mid|late|debut|mi|fin)[ -](january|february|march|april|may|june|july|august|september|october|november|december|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)\b/.test(f);
    case 'purpose':
      return /\b(in order to|so as to|so that|to (inform|report|discuss|gather|identify|assess|implement|engage|exchange|understand|feed|collect|allow)|allows?|enables?|objective|purpose|aim|afin de|pour (informer|rendre|discuter|obtenir|identifier|evaluer|mettre|engager|echanger|comprendre|alimenter)|permet\w*|objectif|objet)\b/.test(f);
    case 'cost':
      return /\b(\d+\s?(usd|eur|euros?|dollars?|fcfa)|free of charge|no fee|fees?|gratuit\w*|frais|payant\w*|cost|cout)\b/.test(f);
    default:
      return true;
  }
}

/** Needs that ask for a kind of fact (as opposed to "how", "who", "why", yes or no). */
// "What is the resolution for?" is answered by what it does, in any words: purpose is checked for events only.
export const FACT_NEEDS: readonly Need[] = ['date', 'time', 'duration', 'count', 'place', 'contact', 'link', 'languages', 'deadline', 'exact', 'cost'];

export interface Verdict {
  readonly ok: boolean;
  /** Needs the source's text does not meet. */
  readonly unmetNeeds: Need[];
  /** Words of the question's topic the source does not contain. */
  readonly missing: FrameWord[];
}

/**
 * An answer must be about what was asked: every topic word of the question in the source it
 * comes from, and the kind of fact asked for in its text. A passage about another region, another
 * event or another attribute is not an answer.
 */
export function judge(frame: QuestionFrame, terms: ReadonlySet<string>, text: string, termsOf: (sentence: string) => ReadonlySet<string>): Verdict {
  const facts = [...frame.needs].filter((n) => FACT_NEEDS.includes(n));
  const unmetNeeds = facts.filter((n) => !givesNeed(n, text));
  const missing = missingTopics(frame, terms);
  if (unmetNeeds.length || missing.length || !facts.length) return { ok: !unmetNeeds.length && !missing.length, unmetNeeds, missing };
  // The fact must be given about the subject: a date in a sentence about something else is not its date.
  const topics = frame.words.filter((w) => w.role === 'topic');
  const sentences = splitSentences(text).filter((s) => !topics.length || topics.some((w) => covers(termsOf(s), w)));
  const about = facts.every((n) => sentences.some((s) => givesNeed(n, s)));
  return about ? { ok: true, unmetNeeds, missing } : { ok: false, unmetNeeds: facts, missing };
}

/** Sentences of a text, list items apart. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.;:!?])\s+(?=[A-ZÀ-Ý•(])|\s+(?=• )/)
    .map((s) => s.trim())
    .filter(Boolean);
}
