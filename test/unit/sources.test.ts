import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSources, SourceError, type RawSources } from '../../src/knowledge/sources';
import { parseNote } from '../../src/knowledge/note';
import { fold } from '../../src/knowledge/text';
import { ROOT, SOURCES_DIR, shippedSources } from '../helpers/fixtures';

const raw = (): RawSources => ({
  noteFr: readFileSync(join(SOURCES_DIR, 'note.fr.md'), 'utf8'),
  noteEn: readFileSync(join(SOURCES_DIR, 'note.en.md'), 'utf8'),
  schedule: JSON.parse(readFileSync(join(SOURCES_DIR, 'schedule.json'), 'utf8')) as unknown,
  qa: JSON.parse(readFileSync(join(SOURCES_DIR, 'qa.json'), 'utf8')) as unknown,
  glossary: JSON.parse(readFileSync(join(SOURCES_DIR, 'glossary.json'), 'utf8')) as unknown,
});

type Json = Record<string, unknown>;
const problemsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof SourceError) return e.problems;
    throw e;
  }
  return [];
};

describe('the shipped sources', () => {
  test('when loaded, then both notes align passage by passage and section by section', () => {
    const s = shippedSources();
    expect(s.notes.en.passages.map((p) => p.id)).toEqual(s.notes.fr.passages.map((p) => p.id));
    expect(s.notes.en.sections.map((x) => x.id)).toEqual(s.notes.fr.sections.map((x) => x.id));
    expect(s.notes.fr.passages.length).toBeGreaterThan(30);
  });

  test('when compared with the text extracted from the PDF, then every sentence of the French note is in the Markdown', () => {
    // The note's text as extracted from the PDF, with its table flattened.
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'information-note-fr.extracted.txt'), 'utf8');
    const squash = (s: string) => fold(s).replace(/[^a-z]/g, '');
    const note = shippedSources().notes.fr;
    const markdown = squash([...note.sections.map((x) => x.title), ...note.passages.map((p) => p.text)].join(' '));
    // Every run of eight words of the original appears in the Markdown (line breaks and table layout aside).
    const words = text.replace(/-\s*\n\s*/g, '-').split(/\s+/).filter((w) => squash(w).length > 0);
    const missing: string[] = [];
    for (let i = 0; i + 8 <= words.length; i += 8) {
      const run = words.slice(i, i + 8).join(' ');
      if (!markdown.includes(squash(run))) missing.push(run);
    }
    // Runs that straddle a page break, a heading or the flattened table's columns cannot match; about
    // 7% do. A dropped paragraph or sentence pushes this well past the bound.
    expect(missing.length / (words.length / 8)).toBeLessThan(0.1);
  });

  test('when a schedule date or time is checked against the note, then the note says the same', () => {
    const s = shippedSources();
    const text = fold(s.notes.fr.passages.map((p) => p.text).join(' ')).replace(/\s+/g, '');
    for (const e of s.schedule.events) {
      expect(text).toContain(fold(e.noteText.date).replace(/\s+/g, ''));
      if (e.noteText.time) expect(text).toContain(fold(e.noteText.time).replace(/\s+/g, ''));
    }
  });

  test('when the Q&A answers give an address, a date or a number, then the note gives it too', () => {
    const s = shippedSources();
    const note = fold(s.notes.fr.passages.map((p) => p.text).join(' ') + s.notes.en.passages.map((p) => p.text).join(' '));
    for (const pair of s.qa) {
      for (const answer of [pair.a.en, pair.a.fr]) {
        for (const fact of fold(answer).match(/[\w.]+@[\w.]+|https?:\/\/\S+|\b\d+\b/g) ?? []) {
          expect([pair.id, note.includes(fact.replace(/[.)]+$/, ''))]).toEqual([pair.id, true]);
        }
      }
    }
  });
});

describe('sources that must be refused', () => {
  test('when the schedule moves a date the note does not give, then loading fails and says which event', () => {
    const r = raw();
    const schedule = r.schedule as { events: Array<Json & { when: Json }> };
    schedule.events.find((e) => e.id === 'subregional-africa')!.when = { type: 'day', date: '2020-08-07' };
    const problems = problemsOf(() => buildSources(r));
    expect(problems.join('\n')).toMatch(/subregional-africa: 2020-08-07 does not match "6 août 2020"/);
  });

  test('when a time in the schedule differs from the note, then loading fails', () => {
    const r = raw();
    const schedule = r.schedule as { events: Array<Json & { when: Json }> };
    schedule.events.find((e) => e.id === 'briefing-africa-en')!.when = { type: 'exact', date: '2020-07-20', start: '10:00', end: '13:00' };
    expect(problemsOf(() => buildSources(r)).join('\n')).toMatch(/briefing-africa-en: 10:00-13:00 does not match "11h00 - 13h00"/);
  });

  test('when the schedule is malformed, then each problem names its field', () => {
    const r = raw();
    const schedule = r.schedule as { events: Array<Json & { when: Json }> };
    schedule.events[0]!.when = { type: 'exact', date: '20/07/2020', start: '25:00', end: '13:00' };
    const problems = problemsOf(() => buildSources(r)).join('\n');
    expect(problems).toMatch(/events\.0\.when\.date: a date as YYYY-MM-DD/);
    expect(problems).toMatch(/events\.0\.when\.start: a time as HH:MM/);
  });

  test('when the English note lacks a passage of the French one, then loading fails naming it', () => {
    const r = raw();
    r.noteEn = r.noteEn.replace(/<!-- id: s3\.platform -->[\s\S]*?(?=\n### )/, '');
    expect(problemsOf(() => buildSources(r)).join('\n')).toMatch(/passage s3\.platform is missing from the English note/);
  });

  test('when a Q&A pair cites a passage that does not exist, then loading fails', () => {
    const r = raw();
    (r.qa as { pairs: Array<{ passages: string[] }> }).pairs[0]!.passages = ['s9.nowhere'];
    expect(problemsOf(() => buildSources(r)).join('\n')).toMatch(/passage s9\.nowhere is not in the note/);
  });

  test('when the note has text outside a passage or a heading without id, then the line is named', () => {
    expect(() => parseNote('# Title {#t}\n\nstray text\n', 'fr')).toThrow(/line 3/);
    expect(() => parseNote('# Title\n', 'fr')).toThrow(/a heading needs an id/);
  });
});
