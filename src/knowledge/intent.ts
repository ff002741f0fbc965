import { fold } from './text';

/** What a question asks for, which decides the shape of the answer. */
export type Need =
  | 'date' | 'time' | 'duration' | 'count' | 'place' | 'contact' | 'link' | 'localTime' | 'reason' | 'who' | 'how' | 'yesno' | 'languages'
  /** A deadline: a date by which to do something, not the date of an event. */
  | 'deadline'
  /** A precise date or day, which "early September" does not give. */
  | 'exact'
  /** What something is for. */
  | 'purpose'
  /** A price, a fee, whether it is free. */
  | 'cost';

const RULES: Array<[Need, RegExp]> = [
  ['date', /\b(when|what date|which date|which day|what day|by when|deadline|due date|due|how soon|quand|quelle date|quel jour|jusqu'a quand|date limite|a partir de quand|des quand|dates?)\b/],
  ['time', /\b(what time|which time|at what time|what hour|times?|hours? of|start(s|ing)? at|a quelle heure|quelle heure|heure|heures|horaires?|commence)\b/],
  ['localTime', /\b(my time ?zone|my time|local time|my zone|for me|where i am|where i live|my country|my city|chez moi|pour moi|mon fuseau|fuseau horaire|heure locale|mon heure|mon pays|ma ville|time ?zone|timezone)\b/],
  ['duration', /\b(how long|duration|last(s|ing)?|long is|how many hours|combien de temps|combien d'heures|duree|dure|durera|durent)\b/],
  ['count', /\b(how many|number of|how much people|combien de|combien y|nombre de|nombre d')\b/],
  // "a lieu" is "takes place" (when); "quel lieu", "le lieu" ask where.
  ['place', /\b(where|venue|location|in which city|which city|ou se|quel lieu|le lieu|lieu de la|lieu du|quelle ville|dans quelle ville)\b|^ou\b|\bet ou\b|\bou et\b/],
  ['contact', /\b(e-?mail|email|mail|courriel|address|contact|contacter|whom|who (?:do|should|must|can) i (?:write|send|email|contact)|a qui (?:j'|je |dois-je |on |faut-il |puis-je )?(?:ecri|envoi|envoy|adress|contact|confirm)\w*|ecrire|write to)\b|(?<!s')\badresses?\b/],
  ['how', /^(how|comment)\b|\bhow (do|can|could|should|to|does|will|would)\b|\bcomment (faire|puis|dois|peut|on|s'|m'|j'|est-ce|(?=\w+(er|ir|re)\b))/],
  ['yesno', /^(is|are|can|could|will|would|does|do|did|should|may|must|has|have|est-ce|y a-t-il|y aura-t-il|y-a-t-il|peut-on|puis-je|dois-je|faut-il|existe-t-il)\b|(?<!\b(quand|ou|comment|pourquoi|combien|quel|quelle|quels|quelles|qui|que)\b.*)(\b\w+-t-(il|elle|on)\b|\b\w+-(il|elle|on|je|vous|ils|elles)\b(?!.*\b(quand|ou|comment|pourquoi|combien)\b))/],
  ['languages', /\b(languages?|langues?|in english|in french|en anglais|en francais)\b/],
  ['reason', /\b(why|for what reason|how come|pourquoi|pour quelle raison)\b/],
  ['who', /\b(who|which people|which organisations|qui)\b/],
  ['link', /\b(link|url|website|web site|site|lien|page)\b|\bwhere (can|do|could|should) i (find|read|get|download|see|access|consult)\b|\bou (puis-je|peut-on|trouver|lire|telecharger|consulter)\b/],
  ['deadline', /\b(deadline|deadlines|due date|latest date|last day|last date|cut-off|cutoff|by when|until when|date limite|dates limites|dernier delai|delai|au plus tard|d'ici quand|jusqu'a quand|echeance)\b/],
  ['exact', /\b(exact|exactly|precise|precisely|specific date|which day|what day|exacte|exactement|precisement|quel jour)\b/],
  ['purpose', /\b(role|roles|what is the role|quel est le role|purpose|purposes|objective|objectives|aim|aims|goal|goals|what for|what is the point|objectif|objectifs|objet|le but|quel but|dans quel but|a quoi (sert|servent|servira|serviront)|servent|finalite|raison d'etre)\b/],
  ['cost', /\b(cost|costs|fee|fees|price|prices|pay|paid|payment|charge|charged|free of charge|free|frais|cout|couts|coute|coutent|payer|payant|payante|payants|payantes|gratuit|gratuite|gratuits|gratuites|gratuitement|tarif|tarifs|prix)\b/],
];

const WHOLE: Array<[Need, RegExp]> = RULES.map(([need, re]) => [need, new RegExp(`^(?:${re.source})$`)]);

/** Whether a word alone says what kind of answer is wanted ("gratuites", "deadline"): never a typo for another word. */
export function isNeedWord(word: string): boolean {
  return WHOLE.some(([, re]) => re.test(word));
}

/**
 * The positions of the tokens that only say what kind of answer is wanted ("how long", "date
 * limite", "à quelle heure"): they need not appear in the source, the need is checked instead.
 */
export function needCues(tokens: readonly string[], needs: ReadonlySet<Need>): Set<number> {
  const cues = new Set<number>();
  for (let size = 3; size >= 1; size--) {
    for (let i = 0; i + size <= tokens.length; i++) {
      const window = tokens.slice(i, i + size).join(' ').replace(/' /g, "'");
      if (WHOLE.some(([need, re]) => needs.has(need) && re.test(window))) for (let k = i; k < i + size; k++) cues.add(k);
    }
  }
  return cues;
}

export function needsOf(question: string): Set<Need> {
  const f = fold(question);
  const needs = new Set<Need>();
  // "this time", "on time", "cette fois" speak of an occasion, not of a clock.
  const occasion = f.replace(/\b(this|that|next|last|first|each|every|any|same|on|in|de|a) time\b|\bat the same time\b/g, ' ');
  for (const [need, re] of RULES) if (re.test(need === 'time' ? occasion : f)) needs.add(need);
  // "où" only counts as "where" with its accent: unaccented "ou" is "or".
  if (/(^|\s)où\b/i.test(question)) needs.add('place');
  // "I sent my e-mail" tells what was done; it does not ask for an address.
  if (needs.has('contact') && /\b(my|mon|ma|our|notre) (\w+ )?(e-?mail|email|mail|courriel)\b/.test(f) && !/\b(address|adresse|whom|a qui|contacter?)\b/.test(f)) needs.delete('contact');
  // "Le forum mondial est ouvert au public ?": in French a statement said as a question asks yes or no.
  if (/[a-z]\s*\?\s*$/.test(f) && !needs.size && /\b(est|sont|a|ont|peut|peuvent|faut|doit|doivent|sera|seront|y a)\b/.test(f) && !/\b(quand|ou|comment|pourquoi|combien|quel|quelle|quels|quelles|qui|que|quoi|lequel|laquelle)\b/.test(f)) needs.add('yesno');
  // "How many hours?" asks how long, not at what time or how many.
  if (/\b(how many hours|combien d'heures)\b/.test(f)) {
    needs.delete('time');
    needs.delete('count');
  }
  return needs;
}

/** A day and month named in a question ("23 July", "July 23rd", "23 juillet", "23/07"). */
export function datesIn(question: string): Array<{ day: number; month: number }> {
  const f = fold(question);
  const months = [
    ['january', 'janvier', 'jan'],
    ['february', 'fevrier', 'feb', 'fev'],
    ['march', 'mars', 'mar'],
    ['april', 'avril', 'apr', 'avr'],
    ['may', 'mai'],
    ['june', 'juin', 'jun'],
    ['july', 'juillet', 'jul', 'juil'],
    ['august', 'aout', 'aug'],
    ['september', 'septembre', 'sept', 'sep'],
    ['october', 'octobre', 'oct'],
    ['november', 'novembre', 'nov'],
    ['december', 'decembre', 'dec'],
  ];
  const monthOf = (w: string): number | undefined => {
    const i = months.findIndex((names) => names.includes(w));
    return i >= 0 ? i + 1 : undefined;
  };
  const out: Array<{ day: number; month: number }> = [];
  const push = (day: number, month: number | undefined): void => {
    if (month && day >= 1 && day <= 31) out.push({ day, month });
  };
  for (const m of f.matchAll(/\b(\d{1,2})(?:st|nd|rd|th|er)?\s+(?:of\s+)?([a-z]+)\.?/g)) push(Number(m[1]), monthOf(m[2]!));
  for (const m of f.matchAll(/\b([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b/g)) push(Number(m[2]), monthOf(m[1]!));
  for (const m of f.matchAll(/\b(\d{1,2})[/.](\d{1,2})(?:[/.](?:\d{2}|\d{4}))?\b/g)) push(Number(m[1]), Number(m[2]) <= 12 ? Number(m[2]) : undefined);
  return out;
}

const MONTH_NAMES = [
  ['january', 'janvier'], ['february', 'fevrier'], ['march', 'mars'], ['april', 'avril'], ['may', 'mai'], ['june', 'juin'],
  ['july', 'juillet'], ['august', 'aout'], ['september', 'septembre'], ['october', 'octobre'], ['november', 'novembre'], ['december', 'decembre'],
];
/** One pattern per month, compiled once. "may" is also a verb: only "in May" / "en mai" counts for it. */
const MONTH_PATTERNS: readonly RegExp[] = MONTH_NAMES.map((forms, i) => (i === 4 ? /\b(in|en|of|de|during|pendant|au mois de) (may|mai)\b/ : new RegExp(`\\b(${forms.join('|')})\\b`)));

/** Months named without a day ("in September", "en septembre"). */
export function monthsIn(question: string): number[] {
  const f = fold(question);
  const days = datesIn(question).map((d) => d.month);
  const out: number[] = [];
  MONTH_PATTERNS.forEach((re, i) => {
    if (re.test(f) && !days.includes(i + 1)) out.push(i + 1);
  });
  return out;
}

const MONTH_WORDS =
  'january february march april may june july august september october november december janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre ' +
  'monday tuesday wednesday thursday friday saturday sunday lundi mardi mercredi jeudi vendredi samedi dimanche today tomorrow yesterday aujourd hui demain hier';

/** Words about dates and time that the bot understands whether or not the note uses them. */
export const TIME_WORDS: ReadonlySet<string> = new Set(
  (MONTH_WORDS + ' jan feb mar apr jun jul aug sep sept oct nov dec janv fev avr juil sept before after during avant apres pendant time times zone zones timezone local hour hours minute minutes day days week weeks month months year date dates ' +
    'heure heures fuseau fuseaux horaire horaires locale minute jour jours semaine semaines mois annee date dates am pm gmt utc ' +
    'city country ville pays calendar calendrier remain remaining left reste restent passed past passe passee soon bientot ' +
    'start starts begin begins end ends finish commence commencent termine finit').split(/\s+/),
);

/** Chat shorthand read as the words it stands for ("wen" → "when", "qd" → "quand"). */
const SHORTHAND: Record<string, string> = {
  wen: 'when', whn: 'when', wat: 'what', wht: 'what', hw: 'how', u: 'you', ur: 'your', r: 'are', pls: 'please', plz: 'please',
  tmrw: 'tomorrow', info: 'information', infos: 'informations', qd: 'quand', qand: 'quand', koi: 'quoi', cmt: 'comment',
  pq: 'pourquoi', pk: 'pourquoi', ds: 'dans', ms: 'mais', bcp: 'beaucoup', tjrs: 'toujours', c: "c'est",
  pr: 'pour', doc: 'document', docs: 'documents', dispo: 'disponible', dispos: 'disponibles', jai: "j'ai", res: 'resolution', rdv: 'rendez-vous', mtg: 'meeting',
};

export function expandShorthand(text: string): string {
  return text.replace(/[\p{L}\p{N}'’]+/gu, (w) => SHORTHAND[w.toLowerCase()] ?? w);
}
