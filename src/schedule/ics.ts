import { DateTime } from 'luxon';
import type { Lang } from '../knowledge/analyzer';
import type { Schedule, ScheduledEvent } from './schedule';
import { eventInterval } from './time';

const escapeText = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/([,;])/g, '\\$1');

/** Folds a content line at 75 octets, as RFC 5545 asks (continuation lines start with a space). */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  for (const ch of line) {
    if (Buffer.byteLength(current + ch, 'utf8') > (out.length ? 74 : 75)) {
      out.push(current);
      current = ch;
    } else current += ch;
  }
  out.push(current);
  return out.join('\r\n ');
}

/** Whether an event's date is precise enough for a calendar (not "early September"). */
export function hasCalendarDate(event: ScheduledEvent): boolean {
  return event.when.type !== 'approximate';
}

/**
 * The event as an iCalendar file in the participant's language: exact times in UTC (so every
 * calendar shows them in its own zone), whole days as dates.
 */
export function eventToIcs(schedule: Schedule, event: ScheduledEvent, lang: Lang, now: Date, description: string): string {
  const { start, end } = eventInterval(event.when, schedule.timezone);
  const utc = (d: DateTime) => d.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
  const day = (d: DateTime) => d.toFormat('yyyyMMdd');
  const when =
    event.when.type === 'exact'
      ? [`DTSTART:${utc(start)}`, `DTEND:${utc(end)}`]
      : [`DTSTART;VALUE=DATE:${day(start)}`, `DTEND;VALUE=DATE:${day(end.plus({ days: 1 }).startOf('day'))}`];
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//UNEP participant assistant//UNEA 4/19 consultations//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${event.id}@participant-assistant`,
    `DTSTAMP:${utc(DateTime.fromJSDate(now))}`,
    ...when,
    `SUMMARY:${escapeText(event.name[lang])}`,
    `DESCRIPTION:${escapeText(description)}`,
    `LOCATION:${escapeText(lang === 'fr' ? 'En ligne (Webex)' : 'Online (Webex)')}`,
    `LANGUAGE:${lang}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}
