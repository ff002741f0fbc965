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
    // Each date once, whatever the question repeats: "9 May 9 May 9 May…" costs what "9 May" does.
    const asked = new Set(question.dates.map((d) => `${d.month}-${d.day}`));
    const onDate = (pool: ScheduledEvent[]): ScheduledEvent[] => pool.filter((e) => daysOf(e, schedule.timezone).some((day) => asked.has(day)));
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

/** The days an event covers, as "month-day", worked out once per event (an event belongs to one version of the sources). */
const DAYS = new WeakMap<ScheduledEvent, { timezone: string; days: string[] }>();
/** Past a year, every day of the year is covered: the walk stops. */
const MAX_DAYS = 366;

function daysOf(event: ScheduledEvent, timezone: string): readonly string[] {
  const known = DAYS.get(event);
  if (known?.timezone === timezone) return known.days;
  const { start, end } = eventInterval(event.when, timezone);
  const days: string[] = [];
  for (let day = start.startOf('day'); day <= end && days.length < MAX_DAYS; day = day.plus({ days: 1 })) days.push(`${day.month}-${day.day}`);
  DAYS.set(event, { timezone, days });
  return days;
}
