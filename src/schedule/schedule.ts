import { z } from 'zod';

/** Adds an issue for each item whose id an earlier item of the list already uses. */
export function reportDuplicateIds(items: ReadonlyArray<{ id: string }>, list: string, label: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) ctx.addIssue({ code: 'custom', message: `${label} id ${item.id} is used twice`, path: [list, i, 'id'] });
    seen.add(item.id);
  });
}

const bilingual = z.object({ en: z.string().min(1), fr: z.string().min(1) }).strict();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM');

/** When an event happens, as precisely as the note says it. */
export const WhenSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('exact'), date: isoDate, start: clock, end: clock }).strict(),
  z.object({ type: z.literal('day'), date: isoDate, by: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('range'), date: isoDate, endDate: isoDate }).strict(),
  z
    .object({
      type: z.literal('approximate'),
      month: z.string().regex(/^\d{4}-\d{2}$/, 'a month as YYYY-MM'),
      part: z.enum(['early', 'mid', 'late', 'month']),
    })
    .strict(),
]);
export type When = z.infer<typeof WhenSchema>;

export const EventSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    kind: z.enum(['briefing', 'subregional', 'regional', 'forum', 'deadline', 'publication', 'milestone']),
    region: z.string().min(1),
    name: bilingual,
    short: bilingual,
    when: WhenSchema,
    /** How the note itself writes the date and time: checked against the note's text at load. */
    noteText: z.object({ date: z.string().min(1), time: z.string().optional() }).strict(),
    durationMinutes: z.number().int().positive().optional(),
    meetings: bilingual.optional(),
    audience: bilingual.optional(),
    size: bilingual.optional(),
    place: bilingual.optional(),
    invitationOnly: z.boolean().optional(),
    openToPublic: z.boolean().optional(),
    languages: z.array(z.enum(['en', 'fr', 'interpretation'])),
    registration: bilingual.optional(),
    confirmationNeeded: z.boolean(),
    section: z.string().min(1),
    passages: z.array(z.string().min(1)).min(1),
    /** Glossary concepts that name this event in a question. */
    concepts: z.array(z.string().min(1)).min(1),
    notice: bilingual.optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.when.type === 'exact' && e.when.end <= e.when.start) ctx.addIssue({ code: 'custom', message: 'end must come after start', path: ['when', 'end'] });
    if (e.when.type === 'range' && e.when.endDate < e.when.date) ctx.addIssue({ code: 'custom', message: 'endDate must not come before date', path: ['when', 'endDate'] });
    if (e.when.type === 'exact' && !e.noteText.time) ctx.addIssue({ code: 'custom', message: 'an exact time needs noteText.time', path: ['noteText', 'time'] });
  });
export type ScheduledEvent = z.infer<typeof EventSchema>;

export const ScheduleSchema = z
  .object({
    timezone: z.string().min(1),
    zoneLabel: bilingual,
    organisers: z.array(z.email()).min(1),
    events: z.array(EventSchema).min(1),
  })
  .strict()
  .superRefine((s, ctx) => reportDuplicateIds(s.events, 'events', 'event', ctx));
export type Schedule = z.infer<typeof ScheduleSchema>;
