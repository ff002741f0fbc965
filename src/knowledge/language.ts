import type { Lang } from './analyzer';
import { fold } from './text';

/** Words that mark a language: function words and the domain's commonest words. */
const MARKERS: Record<Lang, Set<string>> = {
  en: new Set(
    ('the and is are was were will be of to for in at you your what when which how who whom where why this that with by from it can ' +
      'there not an or i we they do does did my me is have has should would could please time long many much register sign confirm ' +
      'meeting session briefing date deadline english french documents happen after before any yes no thanks hello hi about').split(' '),
  ),
  fr: new Set(
    ('le la les et est sont sera seront de des du pour en au aux vous votre vos quel quelle quels quelles quand comment ce cette avec ' +
      'par sur il elle peut un une ou je nous ils pas ne qui que quoi dois puis mon ma mes moi suis ai avez combien heure temps dure ' +
      'seance seances reunion date limite anglais francais inscrire inscription confirmer apres avant bonjour merci oui non chez ' +
      'lieu aura y-a-t-il est-ce envoyer ecrire amerique latine afrique asie caraibes ouest nord sud pays ville mondial mondiale regionale regionales ' +
      'sous-regionale sous-regionales dispo disponible disponibles langue reunions seront quoi ca aussi encore dois peux veux vont etre va faut').split(' '),
  ),
};

export interface LanguageGuess {
  readonly lang: Lang | undefined;
  /** Margin between the two languages' evidence; 0 when the text says nothing. */
  readonly margin: number;
}

/**
 * Guesses French or English from the words of a message, even short, unaccented or mixed:
 * marker words, French elisions (l', qu'…) and accented letters count as evidence.
 */
export function guessLanguage(text: string): LanguageGuess {
  let en = 0;
  let fr = 0;
  if (/[éèêàùâîôûçœë]/i.test(text)) fr += 1.5;
  const words = fold(text).split(/[^a-z'-]+/).filter(Boolean);
  for (const raw of words) {
    const w = raw.replace(/^(l|d|qu|j|n|s|c|m|t)'/, '');
    if (w !== raw) fr += 1;
    if (MARKERS.en.has(w)) en += 1;
    if (MARKERS.fr.has(w)) fr += 1;
    // French future and imperfect endings ("utilisera", "pourraient") mark French even in short questions.
    else if (w.length >= 6 && /(era|eront|erons|erez|aient)$/.test(w)) fr += 1;
  }
  if (en === fr) return { lang: undefined, margin: 0 };
  return { lang: en > fr ? 'en' : 'fr', margin: Math.abs(en - fr) };
}

/** The language to answer in: an explicit choice, else the text, else what came before, else the channel's locale. */
export function chooseLanguage(text: string, opts: { preferred?: Lang | undefined; previous?: Lang | undefined; locale?: string | undefined }): Lang {
  if (opts.preferred) return opts.preferred;
  const guess = guessLanguage(text);
  const localeLang = localeToLang(opts.locale);
  const prior = opts.previous ?? localeLang;
  if (guess.lang && (guess.margin >= 1 || !prior)) return guess.lang;
  return prior ?? guess.lang ?? 'en';
}

export function localeToLang(locale: string | undefined): Lang | undefined {
  if (!locale) return undefined;
  const l = locale.toLowerCase();
  if (l.startsWith('fr')) return 'fr';
  if (l.startsWith('en')) return 'en';
  return undefined;
}

/**
 * A request to switch language: "in English please", "en français", "and in French?", or a
 * question followed by one ("When is the forum? In French please").
 * Returns the language asked for and the rest of the message (empty when it was only the request).
 * "Is the briefing in French?" is a question about the briefing, not a request.
 */
export function languageSwitch(text: string): { lang: Lang; rest: string } | undefined {
  const f = fold(text).trim();
  const langOf = (word: string): Lang => (/^(english|anglais)$/.test(word) ? 'en' : 'fr');
  const filler =
    /\b(please|pls|svp|s'il (?:te|vous) plait|and|et|now|maintenant|can you|could you|pouvez-vous|peux-tu|pourriez-vous|stp|merci|thanks|reponds|repondez|repondre|answer|reply|respond|speak|parlez-moi|parle-moi|parlez|parle|switch|to|change|en|in|into|ok|oui|yes|langue|language|the|la)\b/g;
  const only = /^(?:[a-z' -]*?\b)?(english|anglais|french|francais)\b[a-z' -]*$/.exec(f.replace(/[?!.,;:]+/g, ' ').trim());
  if (only) {
    const rest = f.replace(/[?!.,;:]+/g, ' ').replace(/\b(english|anglais|french|francais)\b/g, ' ').replace(filler, ' ').replace(/\s+/g, ' ').trim();
    if (!rest) return { lang: langOf(only[1]!), rest: '' };
  }
  const tail =
    /^(.*?[?.!,;])\s*(?:(?:please|svp)\s+)?(?:answer |reply |reponds |repondez )?(?:in|en)\s+(english|anglais|french|francais)(?:\s+(?:please|svp|s'il vous plait|stp))?\s*[?!.]*$/.exec(f) ??
    /^(.*?)\s+(?:in|en)\s+(english|anglais|french|francais)\s+(?:please|svp|s'il vous plait|stp)\s*[?!.]*$/.exec(f);
  if (tail && tail[1]!.trim()) return { lang: langOf(tail[2]!), rest: tail[1]!.trim() };
  return undefined;
}
