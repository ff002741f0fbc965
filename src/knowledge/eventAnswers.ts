import type { Lang } from './analyzer';
import type { Answer } from './answer';
import type { Need } from './intent';
import { languagesNamed, LANGUAGE_NAMES, type LanguageName } from './lexicon';
import { fold } from './text';
import { capitalise, groupByText, names, type AnswerWriter } from './writer';
import type { ScheduledEvent } from '../schedule/schedule';
import { describeDuration, describeInZone, describeWhen, eventInterval, timing, type Clock } from '../schedule/time';

/** The participant's zone, and the place they named for it, if any. */
export interface Local {
  readonly zone: string;
  readonly name?: string | undefined;
}

/** What the note may not give about an event, each with its own way of saying so. */
export type MissingFact = 'time' | 'exact' | 'place' | 'deadline' | 'registration' | 'other';

/** Answers about the schedule's events: when, how long, how many, who, how to register, languages, purpose. */
export class EventAnswers {
  constructor(
    private readonly w: AnswerWriter,
    private readonly clock: Clock,
  ) {}

  private get t() {
    return this.w.t;
  }

  private get schedule() {
    return this.w.kb.sources.schedule;
  }

  when(events: ScheduledEvent[], lang: Lang, local: Local | undefined, needs: ReadonlySet<Need>): Answer {
    const now = this.clock.now();
    const shown = events.slice(0, 8);
    const states = shown.map((e) => timing(e.when, this.schedule.timezone, now));
    const allPast = shown.length > 1 && states.every((s) => s.state === 'past');
    const caveats = new Set<string>();
    const lines = shown.map((e, i) => {
      let line = `${this.whenLine(e, lang, needs.has('place'))}.`;
      if (local) line += this.localLine(e, lang, local, needs);
      else if ((needs.has('time') || needs.has('localTime')) && e.when.type !== 'exact') line += ` ${this.t(lang, 'when.noTime')}`;
      const state = states[i]!;
      if (!allPast) line += ' ' + (state.state === 'past' ? this.t(lang, 'when.past', { days: state.days }) : state.state === 'today' ? this.t(lang, 'when.today') : this.t(lang, 'when.future', { days: state.days }));
      // A caveat is said once per answer: after the list when several events share it, else on the
      // line of the one event it concerns (it may say "this consultation").
      if (e.notice && (needs.has('time') || needs.has('localTime') || e.when.type !== 'exact')) {
        const shared = shown.filter((o) => o.notice?.[lang] === e.notice![lang]).length > 1;
        if (shown.length > 1 && !shared) line += ` ${e.notice[lang]}`;
        else caveats.add(e.notice[lang]);
      }
      return line;
    });
    const intro = shown.length > 1 ? this.t(lang, 'when.several', { count: shown.length }) + '\n\n' : '';
    const body = lines.map((l) => (shown.length > 1 ? `- ${l}` : l)).join('\n');
    const tail = [...(allPast ? [this.t(lang, 'when.allPast')] : []), ...caveats].join(' ');
    return this.w.eventAnswer(shown, lang, `${intro}${body}${tail ? `\n\n${tail}` : ''}`, 'date');
  }

  /** "**English-only briefing**: Monday 20 July 2020, 11:00 – 13:00 Nairobi time (GMT+3)". */
  private whenLine(e: ScheduledEvent, lang: Lang, withPlace: boolean): string {
    const when = describeWhen(e.when, this.schedule.timezone, lang);
    const dated = e.when.type === 'day' && e.when.by ? this.t(lang, 'when.by', { when }) : when;
    const text = e.when.type === 'exact' ? this.t(lang, 'when.inZone', { when: dated, zone: this.schedule.zoneLabel[lang] }) : dated;
    // Asked where, the place comes first.
    return this.t(lang, 'when.line', { event: capitalise(e.short[lang]), when: withPlace && e.place ? `${e.place[lang]} — ${text}` : text });
  }

  /** The same times in the participant's zone, beside Nairobi time. */
  private localLine(e: ScheduledEvent, lang: Lang, local: Local, needs: ReadonlySet<Need>): string {
    const inZone = describeInZone(e.when, this.schedule.timezone, local.zone, lang);
    if (!inZone) return needs.has('time') || needs.has('localTime') ? ` ${this.t(lang, 'when.noTime')}` : '';
    const start = eventInterval(e.when, this.schedule.timezone).start;
    if (start.setZone(local.zone).offset === start.offset) return ` ${this.t(lang, 'when.sameZone')}`;
    return ' ' + (local.name ? this.t(lang, 'when.inPlace', { place: capitalise(local.name), when: inZone }) : this.t(lang, 'when.inYourZone', { zone: local.zone, when: inZone }));
  }

  duration(events: ScheduledEvent[], lang: Lang): Answer {
    const describe = (e: ScheduledEvent): string => {
      let text = describeDuration(e.durationMinutes!, lang);
      if (e.when.type === 'exact') {
        const { start, end } = eventInterval(e.when, this.schedule.timezone);
        const slot = Math.round(end.diff(start, 'minutes').minutes);
        if (slot !== e.durationMinutes) text += ' ' + this.t(lang, 'duration.slotDiffers', { slot: describeDuration(slot, lang) });
      }
      return text;
    };
    const lines = groupByText(events.filter((e) => e.durationMinutes), describe).map(([group, duration]) => this.t(lang, 'duration.line', { event: names(group, lang), duration }));
    return this.w.eventAnswer(events, lang, lines.join('\n'), 'details');
  }

  count(events: ScheduledEvent[], lang: Lang, question: string): Answer {
    const f = fold(question);
    const aboutMeetings = /\b(meetings?|sessions?|events?|consultations?|briefings?|forums?|reunions?|seances?|evenements?)\b/.test(f) && !/\b(people|persons|participants?|personnes|observers?|observateurs?|attendees?|delegates?|delegues?|representatives?|representants?|attend|assister|participer)\b/.test(f);
    const key = aboutMeetings ? 'count.meetings' : 'count.people';
    const counted = events.filter((e) => (aboutMeetings ? e.meetings : e.size));
    const lines = groupByText(counted, (e) => (aboutMeetings ? e.meetings! : e.size!)[lang]).map(([group, value]) => this.t(lang, key, { event: names(group, lang), meetings: value, size: value }));
    return this.w.eventAnswer(events, lang, lines.join('\n'), 'details');
  }

  /** Who may take part; a yes or no first when the question is one ("is it open to the public?"). */
  audience(events: ScheduledEvent[], lang: Lang, needs: ReadonlySet<Need>, concepts: ReadonlySet<string>, question: string): Answer {
    let verdict = '';
    // "By invitation or open?" asks which, not yes or no.
    if (needs.has('yesno') && !/\b(or|ou)\b/.test(fold(question))) {
      const flag = concepts.has('invitation') ? (e: ScheduledEvent) => e.invitationOnly : concepts.has('public') ? (e: ScheduledEvent) => e.openToPublic : undefined;
      const values = flag ? new Set(events.map(flag)) : new Set();
      if (values.size === 1 && !values.has(undefined)) verdict = this.t(lang, values.has(true) ? 'answer.yes' : 'answer.no') + ' ';
    }
    const lines = groupByText(events, (e) => e.audience![lang]).map(([group, audience]) => this.t(lang, 'audience.line', { event: names(group, lang), audience }));
    return this.w.eventAnswer(events, lang, verdict + lines.join('\n'), 'details');
  }

  /** How to register for events; where the note gives no way yet, says so and gives the organisers. */
  registration(events: ScheduledEvent[], lang: Lang): Answer {
    const lines = groupByText(events, (e) => e.registration![lang]).map(([group, text]) => this.t(lang, 'when.line', { event: names(group, lang), when: text }));
    const withoutAddress = events.some((e) => !e.registration![lang].includes('@'));
    const cited = events.flatMap((e) => this.sectionPassages(e).filter((id) => /\.(confirm|test|date)$/.test(id)));
    return this.w.eventAnswer(events, lang, lines.join('\n'), cited.length ? [...new Set(cited)] : 'details', withoutAddress);
  }

  /** What an event is for: the first sentence of its details in the note. */
  purpose(events: ScheduledEvent[], lang: Lang): Answer {
    const lines = groupByText(events, (e) => this.detailsSentence(e, lang)).map(([group, text]) => this.t(lang, 'when.line', { event: names(group, lang), when: text }));
    return this.w.eventAnswer(events, lang, lines.join('\n'), 'details');
  }

  private detailsSentence(e: ScheduledEvent, lang: Lang): string {
    const id = e.passages.find((p) => p.endsWith('.details'));
    const text = id ? (this.w.kb.passage(id, lang)?.text ?? '') : '';
    return text.replace(/^[^:]{0,20}:\s*/, '').split(/\s•\s/)[0]!.trim();
  }

  /**
   * In which languages events are held, from the "Languages:" line of their details; when the
   * question names a language, a yes or no first, and the events that are held in it.
   */
  languages(events: ScheduledEvent[], lang: Lang, asked: readonly LanguageName[], siblings: ScheduledEvent[]): Answer {
    const line = (e: ScheduledEvent): string => this.languagesLine(e, lang);
    const wanted = asked.find((l) => l.id !== 'en') ?? asked[0];
    let verdict = '';
    if (wanted && events.every((e) => !e.languages.includes('interpretation'))) {
      const has = events.map((e) => e.languages.includes(wanted.id as 'en' | 'fr'));
      if (has.every(Boolean) || has.every((x) => !x)) verdict = this.t(lang, has[0] ? 'answer.yes' : 'answer.no') + ' ';
    }
    const lines = groupByText(events, line).map(([group, text]) => this.t(lang, 'languageAnswer.line', { event: names(group, lang), languages: text }));
    const others = wanted ? siblings.filter((s) => !events.includes(s) && s.languages.includes(wanted.id as 'en' | 'fr')) : [];
    const also = others.map((s) => this.t(lang, 'languageAnswer.other', { event: capitalise(s.short[lang]), when: describeWhen(s.when, this.schedule.timezone, lang), languages: line(s) }));
    return this.w.eventAnswer([...events, ...others], lang, [verdict + lines.join('\n'), ...also].join('\n'), 'details');
  }

  private languagesLine(e: ScheduledEvent, lang: Lang): string {
    // A session's own line ("English only: 20 July …") says more than its kind's details.
    const own = this.w.kb.passage(e.passages[0]!, lang)?.text ?? '';
    const label = own.split(':')[0]!.trim();
    if (own.includes(':') && languagesNamed(label).length) return lang === 'fr' ? label.charAt(0).toLowerCase() + label.slice(1) : label;
    const details = e.passages.map((id) => this.w.kb.passage(id, lang)?.text ?? '').join(' ');
    const m = /(?:Languages|Langues)\s*:\s*([^•]+)/.exec(details);
    return (m?.[1] ?? LANGUAGE_NAMES.filter((l) => e.languages.includes(l.id as 'en' | 'fr')).map((l) => l.names[lang]).join(', ')).trim();
  }

  /** The note gives part of what was asked about an event: that part, what it does not give, the organisers. */
  missing(events: ScheduledEvent[], lang: Lang, what: MissingFact): Answer {
    const shown = events.slice(0, 4);
    const when = shown.map((e) => (shown.length > 1 ? `${e.short[lang]} : ${describeWhen(e.when, this.schedule.timezone, lang)}` : describeWhen(e.when, this.schedule.timezone, lang)));
    // Only meetings take place somewhere; "where do I send my comments?" is another question.
    if (what === 'place' && shown.some((e) => !e.place && ['deadline', 'publication'].includes(e.kind))) what = 'other';
    const event = shown.map((e) => e.short[lang]).join(lang === 'fr' ? ' et ' : ' and ');
    const lines = [this.t(lang, `partial.${what}`, { event, when: when.join(lang === 'fr' ? ' ; ' : '; ').replace(/ : /g, lang === 'fr' ? ' : ' : ': ') })];
    return this.w.eventAnswer(events, lang, lines.join(' '), 'date', true);
  }

  /** The passages of an event's section, in note order. */
  sectionPassages(e: ScheduledEvent): string[] {
    return this.w.kb.sources.notes.fr.passages.filter((p) => p.sectionId === e.section).map((p) => p.id);
  }
}
