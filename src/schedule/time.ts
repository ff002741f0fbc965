import { DateTime, IANAZone } from 'luxon';
import type { Lang } from '../knowledge/analyzer';
import type { When } from './schedule';

/** The bot's notion of now; tests and demos inject a fixed one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(iso: string): Clock {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`not a date: ${iso}`);
  return { now: () => new Date(d) };
}

export function offsetLabel(dt: DateTime): string {
  const minutes = dt.offset;
  if (minutes === 0) return 'GMT';
  const sign = minutes > 0 ? '+' : '-';
  const h = Math.floor(Math.abs(minutes) / 60);
  const m = Math.abs(minutes) % 60;
  return `GMT${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

export function formatClock(dt: DateTime, lang: Lang): string {
  return lang === 'fr' ? dt.toFormat("HH' h 'mm") : dt.toFormat('HH:mm');
}

export function formatDay(dt: DateTime, lang: Lang): string {
  return dt.setLocale(lang).toFormat('cccc d LLLL yyyy');
}

const intervals = new Map<string, { start: DateTime; end: DateTime; precise: boolean }>();

/** The start and end of an event as instants, when the note gives them (DateTimes are immutable: cached). */
export function eventInterval(when: When, zone: string): { start: DateTime; end: DateTime; precise: boolean } {
  const key = `${zone}|${JSON.stringify(when)}`;
  let found = intervals.get(key);
  if (!found) {
    if (intervals.size > 1000) intervals.clear();
    found = computeInterval(when, zone);
    intervals.set(key, found);
  }
  return found;
}

function computeInterval(when: When, zone: string): { start: DateTime; end: DateTime; precise: boolean } {
  switch (when.type) {
    case 'exact':
      return {
        start: DateTime.fromISO(`${when.date}T${when.start}`, { zone }),
        end: DateTime.fromISO(`${when.date}T${when.end}`, { zone }),
        precise: true,
      };
    case 'day':
      return { start: DateTime.fromISO(when.date, { zone }).startOf('day'), end: DateTime.fromISO(when.date, { zone }).endOf('day'), precise: false };
    case 'range':
      return { start: DateTime.fromISO(when.date, { zone }).startOf('day'), end: DateTime.fromISO(when.endDate, { zone }).endOf('day'), precise: false };
    case 'approximate': {
      const month = DateTime.fromISO(`${when.month}-01`, { zone });
      const [from, to] = { early: [1, 10], mid: [11, 20], late: [21, 31], month: [1, 31] }[when.part] as [number, number];
      return { start: month.set({ day: from }).startOf('day'), end: month.set({ day: Math.min(to, month.daysInMonth ?? 28) }).endOf('day'), precise: false };
    }
  }
}

const descriptions = new Map<string, string>();

/** A description that depends on its arguments alone, remembered: luxon's formatting is costly. */
function remembered(key: string, describe: () => string): string {
  let found = descriptions.get(key);
  if (found === undefined) {
    if (descriptions.size > 5000) descriptions.clear();
    found = describe();
    descriptions.set(key, found);
  }
  return found;
}

/** "Monday 20 July 2020, 11:00-13:00" or "early September 2020", in the event's own zone. */
export function describeWhen(when: When, zone: string, lang: Lang): string {
  return remembered(`when|${zone}|${lang}|${JSON.stringify(when)}`, () => describeWhenNow(when, zone, lang));
}

function describeWhenNow(when: When, zone: string, lang: Lang): string {
  const { start, end } = eventInterval(when, zone);
  switch (when.type) {
    case 'exact':
      return `${formatDay(start, lang)}, ${formatClock(start, lang)} – ${formatClock(end, lang)}`;
    case 'day':
      return formatDay(start, lang);
    case 'range': {
      const s = start.setLocale(lang);
      const e = end.setLocale(lang);
      return lang === 'fr' ? `du ${s.toFormat('d')} au ${e.toFormat('d LLLL yyyy')}` : `from ${s.toFormat('d')} to ${e.toFormat('d LLLL yyyy')}`;
    }
    case 'approximate': {
      const month = start.setLocale(lang).toFormat('LLLL yyyy');
      const part = {
        en: { early: 'early ', mid: 'mid-', late: 'late ', month: '' },
        fr: { early: 'début ', mid: 'mi-', late: 'fin ', month: '' },
      }[lang][when.part];
      return `${part}${month}`;
    }
  }
}

/** The same instant range shown in another zone, when the note gives times. */
export function describeInZone(when: When, sourceZone: string, zone: string, lang: Lang): string | undefined {
  if (when.type !== 'exact') return undefined;
  return remembered(`inZone|${sourceZone}|${zone}|${lang}|${JSON.stringify(when)}`, () => {
    const { start, end } = eventInterval(when, sourceZone);
    const s = start.setZone(zone);
    const e = end.setZone(zone);
    return `${formatDay(s, lang)}, ${formatClock(s, lang)} – ${formatClock(e, lang)} (${offsetLabel(s)})`;
  });
}

export type Timing = { state: 'past'; days: number } | { state: 'today' } | { state: 'future'; days: number };

export function timing(when: When, zone: string, now: Date): Timing {
  const { start, end } = eventInterval(when, zone);
  const today = startOfToday(zone, now);
  const days = dayCounts(when, zone, today, start, end);
  if (end.toMillis() < now.getTime()) return { state: 'past', days: days.past };
  if (days.startDay > today.toMillis()) return { state: 'future', days: days.future };
  return { state: 'today' };
}

const todays = new Map<string, { from: number; to: number; day: DateTime }>();

/** The start of the day `now` falls in, in a zone; remembered until that day ends (luxon's zone arithmetic is costly). */
function startOfToday(zone: string, now: Date): DateTime {
  const ms = now.getTime();
  const known = todays.get(zone);
  if (known && known.from <= ms && ms < known.to) return known.day;
  const day = DateTime.fromJSDate(now).setZone(zone).startOf('day');
  if (todays.size > 1000) todays.clear();
  todays.set(zone, { from: day.toMillis(), to: day.plus({ days: 1 }).toMillis(), day });
  return day;
}

const counts = new Map<string, { past: number; future: number; startDay: number }>();

/** Whole days from an event's end to today, and from today to its start: the same all day long. */
function dayCounts(when: When, zone: string, today: DateTime, start: DateTime, end: DateTime): { past: number; future: number; startDay: number } {
  const key = `${zone}|${today.toMillis()}|${JSON.stringify(when)}`;
  let found = counts.get(key);
  if (!found) {
    const startDay = start.startOf('day');
    found = {
      past: Math.max(1, Math.round(today.diff(end.startOf('day'), 'days').days)),
      future: Math.round(startDay.diff(today, 'days').days),
      startDay: startDay.toMillis(),
    };
    if (counts.size > 5000) counts.clear();
    counts.set(key, found);
  }
  return found;
}

export function describeDuration(minutes: number, lang: Lang): string {
  if (minutes % 60 === 0) {
    const h = minutes / 60;
    return lang === 'fr' ? `${h} heure${h > 1 ? 's' : ''}` : `${h} hour${h > 1 ? 's' : ''}`;
  }
  return `${minutes} minutes`;
}


const zoneValidity = new Map<string, boolean>();

/** Whether a name is an IANA time zone; remembered, since luxon asks Intl anew each time. */
export function isValidZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (zoneValidity.size > 1000) zoneValidity.clear();
    zoneValidity.set(zone, valid);
  }
  return valid;
}
