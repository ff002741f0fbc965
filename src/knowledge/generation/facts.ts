import { DateTime } from 'luxon';
import { fold } from '../text';

/**
 * The checkable facts of a text — dates, months, clock times, numbers, email addresses, links,
 * identifiers ("UNEA-5", "4/19") and proper names — each reduced to one key whatever the language
 * it is written in: "20 July 2020", "July 20, 2020" and "lundi 20 juillet 2020" are the same date,
 * "14:00", "14 h 00" and "2 p.m." the same time.
 */
export type ClaimKind = 'date' | 'month' | 'time' | 'number' | 'email' | 'url' | 'code' | 'offset' | 'name' | 'weekday';

export interface Claim {
  readonly kind: ClaimKind;
  /** The normalised value: "20-7-2020", "9-2020", "14:00", "catherine.mwangi@un.org" … */
  readonly key: string;
  /** As it is written in the text. */
  readonly raw: string;
  /** Where it is in the text (folded), for the facts that depend on their neighbours: a time and its zone. */
  readonly at?: number;
}

const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  janvier: 1, fevrier: 2, mars: 3, avril: 4, mai: 5, juin: 6, juillet: 7, aout: 8, septembre: 9, octobre: 10, novembre: 11, decembre: 12,
  jan: 1, feb: 2, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12, janv: 1, fevr: 2, juil: 7,
};
const WEEKDAYS: Record<string, number> = {
  monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7,
  lundi: 1, mardi: 2, mercredi: 3, jeudi: 4, vendredi: 5, samedi: 6, dimanche: 7,
};
/** Number words a model may write for a figure the note gives in digits, or the reverse ("one" and "un" are too common to mean a count). */
const NUMBER_WORDS: Record<string, number> = {
  two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, fifty: 50, hundred: 100,
  deux: 2, trois: 3, quatre: 4, cinq: 5, sept: 7, huit: 8, neuf: 9, dix: 10, onze: 11, douze: 12, quinze: 15, vingt: 20, trente: 30, quarante: 40, cinquante: 50, cent: 100,
};

const MONTH = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');
const WEEKDAY = Object.keys(WEEKDAYS).join('|');
const EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/g;
const URL = /\b(?:https?:\/\/|www\.)[^\s<>()"']+/g;
const OFFSET = /\b(?:gmt|utc)\s?([+\-\u2212])\s?(\d{1,2})(?::(\d\d))?\b/g;
const TIME_12 = /\b(\d{1,2})(?:[:.](\d\d))?\s?([ap])\.?\s?m\b\.?/g;
const TIME_24 = /\b([01]?\d|2[0-3])\s?(?:[:h]|heures?)\s?([0-5]\d)\b|\b([01]?\d|2[0-3])\s?h\b/g;
const ISO_DATE = /\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b/g;
const DAY_MONTH = new RegExp(`\\b(?:(${WEEKDAY}),?\\s+)?(\\d{1,2})(?:st|nd|rd|th|er)?\\s+(?:of\\s+)?(${MONTH})\\.?(?:,?\\s+((?:19|20)\\d\\d))?\\b`, 'g');
const MONTH_DAY = new RegExp(`\\b(?:(${WEEKDAY}),?\\s+)?(${MONTH})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+((?:19|20)\\d\\d))?`, 'g');
const MONTH_YEAR = new RegExp(`\\b(${MONTH})\\.?\\s+((?:19|20)\\d\\d)\\b`, 'g');
// "may" is a month only with a day or a year: "you may register" names none.
const MONTH_ALONE = new RegExp(`\\b(${MONTH.split('|').filter((m) => m !== 'may').join('|')})\\b`, 'g');
const CODE = /\b[a-z]*\d+(?:[./-][a-z0-9]+)+\b|\b[a-z]+-\d+[a-z0-9]*\b|\b[a-z]+\d+[a-z0-9]*\b/g;
const NUMBER = /\b\d{1,3}(?:,\d{3})+\b|\b\d+(?:[.,]\d+)?\b/g;
const NUMBER_WORD = new RegExp(`\\b(${Object.keys(NUMBER_WORDS).join('|')})\\b`, 'g');

/** Every fact of a text, in the order the extraction meets them; a fact is blanked once read, so no part of it counts twice. */
export function claimsIn(text: string): Claim[] {
  const claims: Claim[] = [];
  let rest = fold(text).replace(/[\u2013\u2014]/g, '-');
  const take = (re: RegExp, read: (m: RegExpExecArray) => Claim[]): void => {
    rest = rest.replace(re, (...args: unknown[]) => {
      const m = args.slice(0, -2) as unknown as RegExpExecArray;
      const at = args[args.length - 2] as number;
      claims.push(...read(m).map((c) => ({ ...c, at })));
      return ' '.repeat(m[0].length);
    });
  };
  take(EMAIL, (m) => [{ kind: 'email', key: m[0], raw: m[0] }]);
  take(URL, (m) => [{ kind: 'url', key: normaliseUrl(m[0]), raw: m[0] }]);
  take(OFFSET, (m) => [{ kind: 'offset', key: `${m[1] === '+' ? '+' : '-'}${Number(m[2])}${m[3] && m[3] !== '00' ? `:${m[3]}` : ''}`, raw: m[0] }]);
  take(TIME_12, (m) => [{ kind: 'time', key: clock((Number(m[1]) % 12) + (m[3] === 'p' ? 12 : 0), Number(m[2] ?? 0)), raw: m[0] }]);
  take(TIME_24, (m) => [{ kind: 'time', key: clock(Number(m[1] ?? m[3]), Number(m[2] ?? 0)), raw: m[0] }]);
  take(ISO_DATE, (m) => dateClaims(m[0], undefined, Number(m[3]), Number(m[2]), Number(m[1])));
  take(DAY_MONTH, (m) => dateClaims(m[0], m[1], Number(m[2]), MONTHS[m[3]!]!, m[4] ? Number(m[4]) : undefined));
  take(MONTH_DAY, (m) => dateClaims(m[0], m[1], Number(m[3]), MONTHS[m[2]!]!, m[4] ? Number(m[4]) : undefined));
  take(MONTH_YEAR, (m) => [{ kind: 'month', key: `${MONTHS[m[1]!]}-${m[2]}`, raw: m[0] }]);
  take(MONTH_ALONE, (m) => [{ kind: 'month', key: String(MONTHS[m[1]!]), raw: m[0] }]);
  take(CODE, (m) => [{ kind: 'code', key: m[0], raw: m[0] }]);
  take(NUMBER, (m) => [{ kind: 'number', key: normaliseNumber(m[0]), raw: m[0] }]);
  take(NUMBER_WORD, (m) => [{ kind: 'number', key: String(NUMBER_WORDS[m[1]!]), raw: m[0] }]);
  return [...claims, ...namesIn(text)];
}

function clock(h: number, m: number): string {
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

function dateClaims(raw: string, weekday: string | undefined, day: number, month: number, year: number | undefined): Claim[] {
  if (day < 1 || day > 31) return [{ kind: 'number', key: String(day), raw }, { kind: 'month', key: String(month), raw }];
  const claims: Claim[] = [{ kind: 'date', key: year ? `${day}-${month}-${year}` : `${day}-${month}`, raw }];
  // A weekday is checked against the calendar when the year is known: "Tuesday 20 July 2020" is wrong.
  if (weekday && year) claims.push({ kind: 'weekday', key: `${WEEKDAYS[weekday]}@${day}-${month}-${year}`, raw });
  return claims;
}

function normaliseUrl(url: string): string {
  return url.replace(/[.,;:!?)]+$/, '').replace(/^https?:\/\//, '').replace(/^www\./, '').replace(/\/+$/, '');
}

function normaliseNumber(n: string): string {
  if (/^\d{1,3}(,\d{3})+$/.test(n)) return n.replace(/,/g, '');
  return String(Number(n.replace(',', '.')));
}

/** Words that start with a capital inside a sentence, and acronyms anywhere: names the model must not invent. */
function namesIn(text: string): Claim[] {
  const out: Claim[] = [];
  // Capitals after the start of a sentence, a list marker, a colon or an opening bracket are not names by themselves.
  const re = /(^|[.!?:;•(\n"“«]\s*|\s)(\p{Lu}[\p{L}'’-]*)/gu;
  for (const m of text.matchAll(re)) {
    const word = m[2]!.replace(/['’]s$/, '').replace(/[-'’]+$/, '');
    const startsSentence = m[1] === '' || /[.!?:;•(\n"“«]/.test(m[1]!);
    const acronym = word.length >= 2 && word === word.toUpperCase();
    const f = fold(word);
    if ((startsSentence && !acronym) || f === 'i' || MONTHS[f] || WEEKDAYS[f]) continue;
    out.push({ kind: 'name', key: f, raw: word });
  }
  return out;
}

/** What a set of sources states: every key a fact of theirs may be written as. */
export class Material {
  private readonly keys = new Set<string>();
  private readonly words = new Set<string>();
  private readonly folded: string;

  constructor(texts: readonly string[]) {
    this.folded = fold(texts.join('\n'));
    for (const w of this.folded.match(/[\p{L}\p{N}]+/gu) ?? []) this.words.add(w);
    for (const c of claimsIn(texts.join('\n'))) for (const k of derivedKeys(c)) this.keys.add(k);
  }

  /** Whether the sources state the fact (a weekday is checked against the calendar instead). */
  supports(c: Claim): boolean {
    switch (c.kind) {
      case 'date': {
        const [d, m, y] = c.key.split('-');
        return this.keys.has(`date:${c.key}`) || (!!y && this.keys.has(`date:${d}-${m}`) && this.keys.has(`number:${y}`));
      }
      case 'month': {
        const [m, y] = c.key.split('-');
        return this.keys.has(`month:${c.key}`) || (!!y && this.keys.has(`month:${m}`) && this.keys.has(`number:${y}`));
      }
      case 'weekday': {
        const [weekday, date] = c.key.split('@') as [string, string];
        const [d, m, y] = date.split('-').map(Number) as [number, number, number];
        return DateTime.fromObject({ year: y, month: m, day: d }).weekday === Number(weekday);
      }
      case 'code':
        return this.folded.includes(c.key);
      case 'name':
        return c.key.split(/[-'’]/).filter(Boolean).every((part) => this.words.has(part));
      default:
        return this.keys.has(`${c.kind}:${c.key}`);
    }
  }
}

/** The keys under which a source's fact is found: a full date also gives its day, its month, its year. */
function derivedKeys(c: Claim): string[] {
  switch (c.kind) {
    case 'date': {
      const [d, m, y] = c.key.split('-');
      return [`date:${c.key}`, `date:${d}-${m}`, `month:${m}`, `number:${d}`, ...(y ? [`month:${m}-${y}`, `number:${y}`] : [])];
    }
    case 'month': {
      const [m, y] = c.key.split('-');
      return [`month:${c.key}`, `month:${m}`, ...(y ? [`number:${y}`] : [])];
    }
    case 'time':
      return [`time:${c.key}`];
    case 'offset':
      return [`offset:${c.key}`, `number:${c.key.replace(/^[+-]/, '').split(':')[0]}`];
    case 'code':
      return [`code:${c.key}`, ...(c.key.match(/\d+/g) ?? []).map((n) => `number:${Number(n)}`)];
    default:
      return [`${c.kind}:${c.key}`];
  }
}
