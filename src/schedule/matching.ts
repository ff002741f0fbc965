import type { Schedule, ScheduledEvent } from './schedule';
import { eventInterval } from './time';

export interface EventMatch {
  readonly events: readonly ScheduledEvent[];
  /** True when something in the question (a language, a date) singled these events out of their kind. */
  readonly selective: boolean;
}

const KIND_WEIGHT: Record<ScheduledEvent['kind'], number> = {
  briefing: 1,
  subregional: 1,
  regional: 1,
  forum: 1,
  deadline: 1,
  publication: 1,
  // Milestones are named in passing ("the UNEA-4 resolution") far more often than asked about.
  milestone: 0.5,
};

/** The schedule's events a question is about, from the glossary concepts and dates it names. */
export function matchEvents(
  schedule: Schedule,
  question: { concepts: ReadonlySet<string>; dates: ReadonlyArray<{ day: number; month: number }>; months?: readonly number[] },
): EventMatch {
  const scored = schedule.events
    .map((event) => ({ event, score: event.concepts.filter((c) => question.concepts.has(c)).length * KIND_WEIGHT[event.kind] }))
    .filter((s) => s.score > 0);
  let events = scored.length ? scored.filter((s) => s.score === Math.max(...scored.map((x) => x.score))).map((s) => s.event) : [];
  let selective = false;

  if (question.dates.length) {
    const onDate = (pool: ScheduledEvent[]): ScheduledEvent[] =>
      pool.filter((e) => {
        const { start, end } = eventInterval(e.when, schedule.timezone);
        return question.dates.some((d) => {
          for (let day = start.startOf('day'); day <= end; day = day.plus({ days: 1 })) if (day.day === d.day && day.month === d.month) return true;
          return false;
        });
      });
    const dated = onDate(events.length ? events : schedule.events);
    if (dated.length) {
      selective = events.length > dated.length || !events.length;
      events = dated;
    }
  }
  if (!question.dates.length && question.months?.length) {
    const inMonth = (pool: ScheduledEvent[]): ScheduledEvent[] =>
      pool.filter((e) => {
        const { start, end } = eventInterval(e.when, schedule.timezone);
        return question.months!.some((m) => start.month <= m && m <= end.month && start.year === end.year);
      });
    const pool = events.length ? events : schedule.events.filter((e) => e.kind !== 'milestone');
    const dated = inMonth(pool);
    if (dated.length) {
      selective = events.length > dated.length || !events.length;
      events = dated;
    }
  }
  const wantsLanguage = question.concepts.has('englishonly') || question.concepts.has('bilingual');
  // "the bilingual session" names no kind of event, but only events held in given languages can be meant.
  if (!events.length && wantsLanguage) events = schedule.events.filter((e) => e.languages.length > 0);
  if (events.length > 1) {
    const wantsEnglishOnly = question.concepts.has('englishonly');
    const wantsFrench = question.concepts.has('bilingual');
    const filtered = events.filter((e) =>
      wantsEnglishOnly ? e.languages.length === 1 && e.languages[0] === 'en' : wantsFrench ? e.languages.includes('fr') : true,
    );
    if (filtered.length && filtered.length < events.length) {
      events = filtered;
      selective = true;
    }
  }
  return { events, selective };
}
