import { DateTime } from 'luxon';
import { LANGS, type Lang } from '../analyzer';
import type { Answer, QuestionContext } from '../answer';
import type { KnowledgeBase } from '../knowledgeBase';
import { redactContacts } from '../../privacy/redaction';
import type { ScheduledEvent } from '../../schedule/schedule';
import { fold } from '../text';
import { claimsIn } from './facts';
import { describeDuration, describeInZone, describeWhen, eventInterval, isValidZone, offsetLabel, timing, type Clock } from '../../schedule/time';

/** One source the model may cite: a passage or a Q&A pair, in both languages. */
export interface SourceText {
  readonly id: string;
  /** "§3 Proposed schedule …", in the question's language. */
  readonly label: string;
  readonly text: Readonly<Record<Lang, string>>;
}

/** What the schedule says of one event, times already converted by luxon: the model does no arithmetic. */
export interface ScheduleFacts {
  /** "event:<id>": cited like a passage. */
  readonly id: string;
  readonly text: Readonly<Record<Lang, string>>;
}

/** Everything the model is given, and nothing else: no identity, no conversation id. */
export interface GenerationContext {
  readonly lang: Lang;
  /** The participant's question, contact details redacted: data, never instructions. */
  readonly question: string;
  readonly sources: readonly SourceText[];
  readonly facts: readonly ScheduleFacts[];
  /** The answer the extractive answerer found: the model rephrases it, it adds nothing of its own. */
  readonly draft: string;
  /** The events' clock times in the note's zone and in the participant's, with the words that name each zone. */
  readonly clocks: readonly ZoneClocks[];
}

/** Clock times ("11:00") of one zone, and how a sentence names that zone ("Nairobi", "GMT+3", "Paris"). */
export interface ZoneClocks {
  readonly anchors: readonly string[];
  readonly times: readonly string[];
}

/** Passages beyond those the extractive answer cites that the model may also use. */
const RETRIEVED = 4;
/**
 * With embeddings, how much a passage's meaning counts against its words in choosing those
 * passages: score = (1 − w) × BM25 score / best BM25 score + w × cosine similarity with the question.
 */
export const EMBEDDING_WEIGHT = 0.5;
/** Passages nearest in meaning that may join the lexical candidates. */
const SEMANTIC_CANDIDATES = 12;
/** Longest passage text given, per language. */
const MAX_SOURCE_CHARS = 1500;

/**
 * The context of a generated answer: the passages the extractive answer rests on and the next ones
 * the retriever found (both languages), and the schedule facts of the events it is about.
 */
export function buildContext(kb: KnowledgeBase, question: string, ctx: QuestionContext, extractive: Answer, clock: Clock, similarity?: ReadonlyMap<string, number>): GenerationContext {
  const lang = ctx.lang;
  const cited = extractive.citations.map((c) => c.passageId);
  // The events the answer is about, those whose lines in the note it cites, and those it names.
  const named = fold(extractive.text);
  const events = kb.sources.schedule.events.filter((e) => extractive.eventIds.includes(e.id) || e.passages.some((p) => cited.includes(p)) || named.includes(fold(e.short[lang])));
  const given = [...pairsAnswering(kb, extractive), ...cited, ...events.flatMap((e) => e.passages)];
  const ids = [...new Set([...given, ...retrievedIds(kb, question, similarity, new Set(given))])];
  const sources = ids.map((id) => sourceText(kb, id, lang)).filter((s): s is SourceText => !!s);
  const place = kb.gazetteer.find(question);
  const zone = place?.zone ?? (ctx.timezone && isValidZone(ctx.timezone) ? ctx.timezone : undefined);
  const facts = events.slice(0, 8).map((e) => scheduleFacts(kb, e, zone, place?.name, clock, events.length));
  return { lang, question: redactContacts(question), sources, facts: [...facts, organisers(kb)], draft: extractive.text, clocks: zoneClocks(kb, events, zone, place?.name, sources) };
}

/**
 * The passages the retriever finds beyond those cited: by words alone (BM25, enough of the question
 * covered), or, with the question's similarity to each passage, by words and meaning together.
 */
function retrievedIds(kb: KnowledgeBase, question: string, similarity: ReadonlyMap<string, number> | undefined, given: ReadonlySet<string>): string[] {
  const hits = kb.retriever.search(question, 12).hits.filter((h) => h.coverage >= 0.3);
  if (!similarity?.size) return hits.map((h) => h.id).slice(0, RETRIEVED);
  // The places left go to passages not given already.
  const best = hits[0]?.score || 1;
  const words = new Map(hits.map((h) => [h.id, h.score / best]));
  const nearest = [...similarity].sort((a, b) => b[1] - a[1]).slice(0, SEMANTIC_CANDIDATES).map(([id]) => id);
  const score = (id: string): number => (1 - EMBEDDING_WEIGHT) * (words.get(id) ?? 0) + EMBEDDING_WEIGHT * Math.max(0, similarity.get(id) ?? 0);
  return [...new Set([...words.keys(), ...nearest])]
    .filter((id) => !given.has(id))
    .map((id) => ({ id, score: score(id) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, RETRIEVED)
    .map((c) => c.id);
}

/** So that a time right in Nairobi cannot be given as the time in Paris: each zone's own times. */
function zoneClocks(kb: KnowledgeBase, events: readonly ScheduledEvent[], zone: string | undefined, placeName: string | undefined, sources: readonly SourceText[]): ZoneClocks[] {
  const sourceZone = kb.sources.schedule.timezone;
  const exact = events.filter((e) => e.when.type === 'exact');
  const times = (z: string): string[] =>
    exact.flatMap((e) => {
      const { start, end } = eventInterval(e.when, sourceZone);
      return [start.setZone(z).toFormat('HH:mm'), end.setZone(z).toFormat('HH:mm')];
    });
  const label = (z: string): string | undefined => (exact[0] ? fold(offsetLabel(eventInterval(exact[0].when, sourceZone).start.setZone(z))) : undefined);
  const city = (z: string): string => fold(z.split('/').pop()!.replace(/_/g, ' '));
  // The note gives every time in its own zone, in its passages too ("10:00 - 13:00 East Africa Time").
  const noted = sources.flatMap((s) => claimsIn(`${s.text.en}\n${s.text.fr}`)).filter((c) => c.kind === 'time').map((c) => c.key);
  const clocks: ZoneClocks[] = [{ anchors: ['nairobi', 'east africa', "afrique de l'est", 'eat', label(sourceZone)].filter((a): a is string => !!a), times: [...times(sourceZone), ...noted] }];
  if (zone && zone !== sourceZone && label(zone) !== label(sourceZone)) {
    const anchors = [city(zone), placeName ? fold(placeName) : undefined, label(zone), 'your time', 'your zone', 'local time', 'heure locale', 'votre heure', 'chez vous', 'pour vous', 'for you'];
    clocks.push({ anchors: anchors.filter((a): a is string => !!a), times: times(zone) });
  }
  return clocks;
}

/** The Q&A pair an extractive answer gives, if it is one: a source of its own. */
function pairsAnswering(kb: KnowledgeBase, extractive: Answer): string[] {
  if (extractive.kind !== 'qa') return [];
  const words = (t: string): string => fold(t).replace(/^(yes|no|oui|non)\b/, '').replace(/[^a-z0-9]+/g, ' ').trim();
  const given = words(extractive.text);
  return kb.sources.qa.filter((p) => words(p.a[extractive.lang]) === given).map((p) => p.id);
}

/** Whom to write to: every refusal and every confirmation gives these addresses. */
function organisers(kb: KnowledgeBase): ScheduleFacts {
  const list = kb.sources.schedule.organisers.join(', ');
  return { id: 'organisers', text: { en: `The organisers, to write to: ${list}`, fr: `Les organisateurs, à qui écrire : ${list}` } };
}

function sourceText(kb: KnowledgeBase, id: string, lang: Lang): SourceText | undefined {
  const pair = kb.qaById(id);
  if (pair) return { id, label: lang === 'fr' ? 'questions fréquentes' : 'frequently asked questions', text: { en: pair.a.en.slice(0, MAX_SOURCE_CHARS), fr: pair.a.fr.slice(0, MAX_SOURCE_CHARS) } };
  const en = kb.passage(id, 'en');
  const fr = kb.passage(id, 'fr');
  if (!en || !fr) return undefined;
  return { id, label: kb.sectionLabel(fr.sectionId, lang), text: { en: en.text.slice(0, MAX_SOURCE_CHARS), fr: fr.text.slice(0, MAX_SOURCE_CHARS) } };
}

const LABELS: Record<Lang, Record<string, string>> = {
  en: { event: 'Event', when: 'When (the note’s own time)', local: 'Same time for the participant', status: 'Today', past: 'took place {n} days ago (this date has passed)', future: 'in {n} days (this date has not yet come)', among: 'one of {n} events in this answer', today: 'today', duration: 'Duration', languages: 'Languages', audience: 'Who takes part', size: 'Participants', meetings: 'Meetings', place: 'Where', registration: 'How to register', notice: 'Note' },
  fr: { event: 'Événement', when: 'Quand (heure donnée par la note)', local: 'Même heure pour le participant', status: 'Aujourd’hui', past: 'a eu lieu il y a {n} jours (cette date est passée)', future: 'dans {n} jours (cette date n’est pas encore passée)', among: 'un des {n} événements de cette réponse', today: 'aujourd’hui', duration: 'Durée', languages: 'Langues', audience: 'Qui participe', size: 'Participants', meetings: 'Réunions', place: 'Lieu', registration: 'Inscription', notice: 'Remarque' },
};
const LANGUAGE_NAMES: Record<Lang, Record<string, string>> = {
  en: { en: 'English', fr: 'French', interpretation: 'interpretation' },
  fr: { en: 'anglais', fr: 'français', interpretation: 'interprétation' },
};

/** An event's schedule facts in both languages, with its times in the participant's zone when known. */
function scheduleFacts(kb: KnowledgeBase, e: ScheduledEvent, zone: string | undefined, placeName: string | undefined, clock: Clock, among: number): ScheduleFacts {
  const sourceZone = kb.sources.schedule.timezone;
  const render = (lang: Lang): string => {
    const l = LABELS[lang];
    const lines = [`${l.event}: ${e.name[lang]} (${e.short[lang]})${among > 1 ? ` — ${l.among!.replace('{n}', String(among))}` : ''}`];
    const when = describeWhen(e.when, sourceZone, lang);
    lines.push(`${l.when}: ${e.when.type === 'exact' ? `${when} (${kb.sources.schedule.zoneLabel[lang]})` : when}`);
    const local = zone ? describeInZone(e.when, sourceZone, zone, lang) : undefined;
    if (local && zone !== sourceZone) lines.push(`${l.local} (${placeName ? `${placeName}, ` : ''}${zone}): ${local}`);
    const state = timing(e.when, sourceZone, clock.now());
    const today = DateTime.fromJSDate(clock.now()).setZone(zone ?? sourceZone).setLocale(lang).toFormat('d LLLL yyyy');
    lines.push(`${l.status} (${today}): ${state.state === 'today' ? l.today : l[state.state]!.replace(/\{n\}/g, String(state.days))}`);
    if (e.durationMinutes) lines.push(`${l.duration}: ${describeDuration(e.durationMinutes, lang)}`);
    if (e.languages.length) lines.push(`${l.languages}: ${e.languages.map((x) => LANGUAGE_NAMES[lang][x]).join(', ')}`);
    const fields: Array<[string, Readonly<Record<Lang, string>> | undefined]> = [['audience', e.audience], ['size', e.size], ['meetings', e.meetings], ['place', e.place], ['registration', e.registration], ['notice', e.notice]];
    for (const [key, value] of fields) if (value) lines.push(`${l[key]}: ${value[lang]}`);
    return lines.join('\n');
  };
  return { id: `event:${e.id}`, text: { en: render('en'), fr: render('fr') } };
}

/** Every id the model may cite in this context. */
export function citableIds(context: GenerationContext): Set<string> {
  return new Set([...context.sources.map((s) => s.id), ...context.facts.map((f) => f.id)]);
}

/** The texts (both languages) behind an id of the context. */
export function textsOf(context: GenerationContext, id: string): string[] {
  const source = context.sources.find((s) => s.id === id);
  if (source) return [...LANGS.map((l) => source.text[l]), source.label];
  const facts = context.facts.find((f) => f.id === id);
  return facts ? LANGS.map((l) => facts.text[l]) : [];
}
