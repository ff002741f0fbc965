import type { Lang } from './analyzer';
import type { Answer } from './answer';
import type { QuestionFrame } from './frame';
import { fold } from './text';
import { capitalise, groupByText, names, type AnswerWriter } from './writer';
import type { ScheduledEvent } from '../schedule/schedule';

/** Concepts that ask whether someone may take part: "can we join", "sommes-nous concernés", "réservé à". */
const PARTICIPATION = ['participants', 'invitation', 'public', 'restricted', 'access'];

/** Event kinds people take part in (the others are deadlines and milestones). */
const MEETINGS: ReadonlySet<ScheduledEvent['kind']> = new Set(['briefing', 'subregional', 'regional', 'forum']);

/** The passage that lists the stakeholders expected: cited for every eligibility answer. */
const STAKEHOLDERS_PASSAGE = 'intro.participants';

/**
 * Whether a question asks if someone may take part: it names a kind of person or organisation
 * ("a bank", "je suis étudiant") and asks about participation ("can we join", "concernés").
 */
export function asksEligibility(w: AnswerWriter, frame: QuestionFrame): boolean {
  if (!frame.groups.length && !partnerNamed(w, frame, 'en')) return false;
  if (['register', 'confirm'].some((c) => frame.concepts.has(c)) && frame.needs.has('how')) return false;
  return PARTICIPATION.some((c) => frame.concepts.has(c)) || (frame.needs.has('who') && !frame.needs.has('contact'));
}

/**
 * Who may take part, for the group the participant belongs to: what the note says of that group
 * (or, where it is silent, of all stakeholders and the public), then each event's audience.
 */
export function eligibilityAnswer(w: AnswerWriter, frame: QuestionFrame, lang: Lang): Answer {
  const groups = frame.groups.map((id) => ({ id, ...w.kb.sources.stakeholders[id]! }));
  const listed = groups.filter((g) => g.listed);
  const unlisted = groups.filter((g) => !g.listed);
  const events = frame.match.events.filter((e) => MEETINGS.has(e.kind) && e.audience);
  const sentences: string[] = [];
  const primary = groups[0] ?? { id: 'partner', listed: true };
  // "Is it reserved for governments?" asks whether others may come: an open event is a no.
  const restricted = frame.concepts.has('restricted');
  const partner = partnerNamed(w, frame, lang);
  if (partner) sentences.push(partner);
  if (unlisted.length) sentences.push(w.t(lang, 'eligibility.unlisted', { groups: unlisted.map((g) => g.name[lang]).join(lang === 'fr' ? ' et ' : ' and ') }));
  if (events.length) sentences.push(...eventVerdicts(w, events, lang, primary, restricted));
  if (listed.length) {
    const named = listed.map((g) => g.name[lang]).join(lang === 'fr' ? ' et ' : ' and ');
    const key = listed.some((g) => g.id === 'experience') && listed.length === 1 ? 'eligibility.experience' : 'eligibility.listed';
    sentences.push(w.t(lang, key, { groups: named }));
  }
  if (unlisted.length) {
    if (!events.length || events.every((e) => e.invitationOnly)) sentences.push(publicSentence(w, lang));
  } else if (!events.length) {
    sentences.push(audienceSummary(w, lang));
  }
  // The first sentence answers: a group the note names is a yes before the details.
  if (!events.length && listed.length && !unlisted.length && !partner) sentences[0] = `${w.t(lang, restricted ? 'answer.no' : 'answer.yes')} ${sentences[0]}`;
  const partial = unlisted.length > 0;
  const cited = [...(partner ? [PARTNERS_PASSAGE] : []), STAKEHOLDERS_PASSAGE, ...events.map((e) => e.passages.find((p) => p.endsWith('.details')) ?? e.passages[0]!)];
  const answer = w.eventAnswer(events, lang, sentences.join(' '), [...new Set(cited)], partial);
  // The answer already says what the passages say of the group and the events: no quote.
  return { ...answer, kind: events.length ? 'schedule' : 'passage', sectionId: events[0]?.section ?? 'intro', quoteAdds: false };
}

/**
 * For each event named, who takes part, led by the verdict for the group: yes for an open event
 * (when the note names the group), by invitation for a government at the briefing, else only if invited.
 */
function eventVerdicts(w: AnswerWriter, events: ScheduledEvent[], lang: Lang, group: { id: string; listed: boolean }, restricted: boolean): string[] {
  return groupByText(events, (e) => e.audience![lang]).map(([same, audience]) => {
    const event = names(same, lang);
    const byInvitation = same.every((e) => e.invitationOnly);
    const key = restricted
      ? byInvitation ? 'eligibility.openTo' : 'eligibility.notRestricted'
      : byInvitation ? (group.id === 'government' ? 'eligibility.invitedGovernment' : 'eligibility.invitationOnly') : group.listed ? 'eligibility.open' : 'eligibility.openTo';
    return w.t(lang, key, { event, audience });
  });
}

/** The passage that names the partners organising the consultations. */
const PARTNERS_PASSAGE = 's2.partners';

/**
 * An organisation the question names that the note lists among the partners ("le PNUD", "the World
 * Bank", "la Banque mondiale"): that is the first thing to say of it. The two notes list the partners
 * in the same order, so a name found in either is given as the answer's language names it.
 */
function partnerNamed(w: AnswerWriter, frame: QuestionFrame, lang: Lang): string | undefined {
  const question = ` ${fold(frame.original).replace(/[^a-z0-9-]+/g, ' ')} `;
  const lists = { en: partnerList(w, 'en'), fr: partnerList(w, 'fr') };
  for (const l of ['en', 'fr'] as const) {
    const i = lists[l].findIndex((p) => p.names.some((n) => question.includes(` ${n} `)));
    if (i >= 0) return w.t(lang, 'eligibility.partner', { name: (lists[lang][i] ?? lists[l][i]!).label });
  }
  return undefined;
}

/** The partners the note lists, each with its name and acronym folded for matching. */
function partnerList(w: AnswerWriter, lang: Lang): ReadonlyArray<{ label: string; names: string[] }> {
  return w.kb.derived(`partners:${lang}`, () => readPartners(w, lang));
}

function readPartners(w: AnswerWriter, lang: Lang): Array<{ label: string; names: string[] }> {
  const text = w.kb.passage(PARTNERS_PASSAGE, lang)?.text ?? '';
  const list = text.slice(Math.max(text.search(/\b(partners are|partenaires sont)\b/i), 0)).replace(/^\S+\s+\S+\s*/, '');
  return list
    // Each partner starts with its article: "…, the World Bank, the Intergovernmental Forum on Mining, Minerals, …".
    .split(/,\s*(?=(?:the |la |le |l'))/i)
    .map((item) => item.replace(/\s*etc\.?$/, '').replace(/^(the|la|le|les|l')\s*/i, '').replace(/^l'/i, '').trim())
    .filter((item) => item.length > 2)
    .map((item) => {
      const acronym = /\(([^)]+)\)/.exec(item)?.[1];
      const name = item.replace(/\s*\([^)]*\)/, '').trim();
      const names = [fold(name).replace(/[^a-z0-9-]+/g, ' ').trim(), ...(acronym && acronym.length >= 3 ? [fold(acronym)] : [])];
      return { label: item, names };
    });
}

/** What the note says of the public, event by event. */
function publicSentence(w: AnswerWriter, lang: Lang): string {
  const open = w.kb.sources.schedule.events.filter((e) => MEETINGS.has(e.kind) && e.openToPublic && e.audience);
  const lines = groupByText(open, (e) => e.audience![lang]).map(([group, audience]) => w.t(lang, 'audience.line', { event: names(group, lang), audience }));
  return lines.length ? `${w.t(lang, 'eligibility.public')}\n${lines.map((l) => `- ${l}`).join('\n')}` : '';
}

/** Each kind of meeting's audience, once: who may come to what. */
function audienceSummary(w: AnswerWriter, lang: Lang): string {
  const meetings = w.kb.sources.schedule.events.filter((e) => MEETINGS.has(e.kind) && e.audience);
  const lines = groupByText(meetings, (e) => e.audience![lang]).map(([group, audience]) => w.t(lang, 'audience.line', { event: capitalise(names(group, lang)), audience }));
  return lines.length ? `\n${lines.map((l) => `- ${l}`).join('\n')}` : '';
}
