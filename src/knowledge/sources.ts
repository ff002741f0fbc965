import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ScheduleSchema, type Schedule } from '../schedule/schedule';
import { parseNote, type Note, type Passage, type Section } from './note';
import type { Lang } from './analyzer';
import { fold } from './text';

export const QaSchema = z
  .object({
    description: z.string().optional(),
    pairs: z.array(
      z
        .object({
          id: z.string().min(1),
          passages: z.array(z.string().min(1)),
          q: z.object({ en: z.array(z.string().min(3)).min(1), fr: z.array(z.string().min(3)).min(1) }).strict(),
          a: z.object({ en: z.string().min(1), fr: z.string().min(1) }).strict(),
          /** An answer the organisers gave to participants' questions, cited as theirs and dated, rather than from the note. */
          origin: z.object({ by: z.literal('organisers'), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD') }).strict().optional(),
        })
        .strict()
        .refine((pair) => pair.passages.length > 0 || pair.origin !== undefined, { message: 'needs at least one passage, unless it is the organisers\' answer (origin)', path: ['passages'] }),
    ),
  })
  .strict();
export type QaPair = z.infer<typeof QaSchema>['pairs'][number];

const bilingual = z.object({ en: z.string().min(1), fr: z.string().min(1) }).strict();

/** Who a participant may be ("a bank", "un chercheur"), mapped to the stakeholder groups the note names. */
const StakeholdersSchema = z
  .object({
    description: z.string().optional(),
    groups: z.record(
      z.string(),
      z.object({ listed: z.boolean(), name: bilingual, phrases: z.array(z.string().min(1)).min(1) }).strict(),
    ),
  })
  .strict();

/** Regions a participant may name; a sub-region names its parent. */
const RegionsSchema = z
  .object({
    description: z.string().optional(),
    regions: z.record(z.string(), z.object({ parent: z.string().optional(), phrases: z.array(z.string().min(1)).min(1) }).strict()),
  })
  .strict();

export const GlossarySchema = z
  .object({
    description: z.string().optional(),
    concepts: z.record(z.string(), z.array(z.string().min(1)).min(1)),
    stakeholders: StakeholdersSchema.optional(),
    regions: RegionsSchema.optional(),
  })
  .strict();
export type Stakeholders = NonNullable<z.infer<typeof GlossarySchema>['stakeholders']>['groups'];
export type Regions = NonNullable<z.infer<typeof GlossarySchema>['regions']>['regions'];

/** Everything the bot knows, validated and cross-checked. */
export interface KnowledgeSources {
  readonly notes: Readonly<Record<Lang, Note>>;
  readonly schedule: Schedule;
  readonly qa: readonly QaPair[];
  readonly glossary: Record<string, string[]>;
  /** Stakeholder groups and the phrases that name them (empty when the glossary has none). */
  readonly stakeholders: Stakeholders;
  readonly regions: Regions;
}

export class SourceError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: ${problems.join('; ')}`);
    this.name = 'SourceError';
  }
}

export function loadSourcesFromDir(dir: string): KnowledgeSources {
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  return buildSources({
    noteFr: read('note.fr.md'),
    noteEn: read('note.en.md'),
    schedule: JSON.parse(read('schedule.json')) as unknown,
    qa: JSON.parse(read('qa.json')) as unknown,
    glossary: JSON.parse(read('glossary.json')) as unknown,
  });
}

export interface RawSources {
  noteFr: string;
  noteEn: string;
  schedule: unknown;
  qa: unknown;
  glossary: unknown;
}

function parse<T>(source: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new SourceError(source, result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return result.data;
}

export function buildSources(raw: RawSources): KnowledgeSources {
  const fr = wrap('note.fr.md', () => parseNote(raw.noteFr, 'fr'));
  const en = wrap('note.en.md', () => parseNote(raw.noteEn, 'en'));
  const schedule = parse('schedule.json', ScheduleSchema, raw.schedule);
  const qa = parse('qa.json', QaSchema, raw.qa).pairs;
  const glossaryFile = parse('glossary.json', GlossarySchema, raw.glossary);
  const glossary = glossaryFile.concepts;
  const stakeholders = glossaryFile.stakeholders?.groups ?? {};
  const regions = glossaryFile.regions?.regions ?? {};

  const alignment = alignmentProblems(fr, en);
  if (alignment.length) throw new SourceError('note.en.md', alignment);

  const passageIds = new Set(fr.passages.map((p) => p.id));
  const sectionIds = new Set(fr.sections.map((s) => s.id));
  const scheduleProblems = [
    ...scheduleVersusNote(schedule, fr),
    ...schedule.events.flatMap((e) => [
      ...e.passages.filter((p) => !passageIds.has(p)).map((p) => `event ${e.id}: passage ${p} is not in the note`),
      ...(sectionIds.has(e.section) ? [] : [`event ${e.id}: section ${e.section} is not in the note`]),
      ...e.concepts.filter((c) => !(c in glossary)).map((c) => `event ${e.id}: concept ${c} is not in the glossary`),
    ]),
  ];
  if (scheduleProblems.length) throw new SourceError('schedule.json', scheduleProblems);
  const qaProblems = qa.flatMap((pair) =>
    pair.passages.filter((p) => !passageIds.has(p)).map((p) => `${pair.id}: passage ${p} is not in the note`),
  );
  if (qaProblems.length) throw new SourceError('qa.json', qaProblems);
  const regionProblems = Object.entries(regions).flatMap(([id, r]) => (r.parent && !(r.parent in regions) ? [`region ${id}: parent ${r.parent} is not a region`] : []));
  if (regionProblems.length) throw new SourceError('glossary.json', regionProblems);
  return { notes: { fr, en }, schedule, qa, glossary, stakeholders, regions };
}

function wrap<T>(source: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new SourceError(source, [(e as Error).message]);
  }
}

/** The English note must have exactly the French note's sections and passages, in the same places. */
export function alignmentProblems(fr: Note, en: Note): string[] {
  const problems: string[] = [];
  const key = (s: Section): string => `${s.id}`;
  const frSections = fr.sections.map(key).join(',');
  const enSections = en.sections.map(key).join(',');
  if (frSections !== enSections) problems.push(`sections differ: fr has [${frSections}], en has [${enSections}]`);
  const enById = new Map(en.passages.map((p) => [p.id, p]));
  for (const p of fr.passages) {
    const other = enById.get(p.id);
    if (!other) problems.push(`passage ${p.id} is missing from the English note`);
    else if (other.sectionId !== p.sectionId) problems.push(`passage ${p.id} is in section ${p.sectionId} in French but ${other.sectionId} in English`);
  }
  const frIds = new Set(fr.passages.map((p) => p.id));
  for (const p of en.passages) if (!frIds.has(p.id)) problems.push(`passage ${p.id} is not in the French note`);
  return problems;
}

function squash(text: string): string {
  return fold(text).replace(/\s+/g, '');
}

/**
 * Every date and time of the schedule must be written in the French note, in the event's own
 * passages, so that the typed schedule and the text can never disagree silently.
 */
export function scheduleVersusNote(schedule: Schedule, note: Note): string[] {
  const problems: string[] = [];
  const byId = new Map<string, Passage>(note.passages.map((p) => [p.id, p]));
  for (const e of schedule.events) {
    const text = squash(e.passages.map((id) => byId.get(id)?.text ?? '').join(' '));
    if (!text.includes(squash(e.noteText.date))) problems.push(`event ${e.id}: the date "${e.noteText.date}" is not in its passages of the note`);
    if (e.noteText.time && !text.includes(squash(e.noteText.time))) problems.push(`event ${e.id}: the time "${e.noteText.time}" is not in its passages of the note`);
    problems.push(...typedVersusWritten(e.id, e.when, e.noteText));
  }
  return problems;
}

const FR_MONTHS = ['janvier', 'fevrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'aout', 'septembre', 'octobre', 'novembre', 'decembre'];

/** The typed date must say what the note's words say (day, month, year, hours). */
function typedVersusWritten(id: string, when: Schedule['events'][number]['when'], written: { date: string; time?: string | undefined }): string[] {
  const w = fold(written.date);
  const problems: string[] = [];
  const expectDate = (iso: string): void => {
    const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
    const re = new RegExp(`\\b${d}\\b.*\\b${FR_MONTHS[m - 1]}\\b.*\\b${y}\\b|\\b${d}\\b.*\\b${FR_MONTHS[m - 1]}\\b`);
    if (!re.test(w) || !w.includes(String(y))) problems.push(`event ${id}: ${iso} does not match "${written.date}"`);
  };
  switch (when.type) {
    case 'exact': {
      expectDate(when.date);
      const t = (written.time ?? '').replace(/\s/g, '');
      const want = `${when.start.replace(':', 'h')}-${when.end.replace(':', 'h')}`;
      if (t !== want) problems.push(`event ${id}: ${when.start}-${when.end} does not match "${written.time}"`);
      break;
    }
    case 'day':
      expectDate(when.date);
      break;
    case 'range': {
      const [y, m, d] = when.date.split('-').map(Number) as [number, number, number];
      const d2 = Number(when.endDate.split('-')[2]);
      if (!new RegExp(`\\b${d}\\b.*\\b${d2}\\b.*${FR_MONTHS[m - 1]}.*${y}`).test(w)) problems.push(`event ${id}: ${when.date}..${when.endDate} does not match "${written.date}"`);
      break;
    }
    case 'approximate': {
      const [y, m] = when.month.split('-').map(Number) as [number, number];
      if (!w.includes(FR_MONTHS[m - 1]!) || !w.includes(String(y))) problems.push(`event ${id}: ${when.month} does not match "${written.date}"`);
      const part = { early: 'debut', mid: 'mi', late: 'fin', month: '' }[when.part];
      if (part && !w.includes(part)) problems.push(`event ${id}: "${when.part}" does not match "${written.date}"`);
      break;
    }
  }
  return problems;
}
