import type { Lang } from './analyzer';

export interface Section {
  readonly id: string;
  /** "3" for "## 3. Calendrier …"; absent for the title block and the notes. */
  readonly number?: string;
  readonly title: string;
  readonly level: number;
  readonly parentId?: string;
}

export interface Passage {
  readonly id: string;
  readonly lang: Lang;
  readonly sectionId: string;
  /** The passage as Markdown, footnote markers kept. */
  readonly markdown: string;
  /** The same, as plain text on one line (list markers kept as "•"). */
  readonly text: string;
}

export interface Note {
  readonly lang: Lang;
  readonly title: string;
  readonly sections: readonly Section[];
  readonly passages: readonly Passage[];
}

export class NoteFormatError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line ? `${message} (line ${line})` : message);
    this.name = 'NoteFormatError';
  }
}

const HEADING = /^(#{1,4})\s+(.+?)\s*\{#([A-Za-z0-9._-]+)\}\s*$/;
const PASSAGE = /^<!--\s*id:\s*([A-Za-z0-9._-]+)\s*-->\s*$/;

/**
 * Parses a note written as structured Markdown: headings carry `{#section-id}`, and each passage
 * starts with `<!-- id: passage-id -->`, so that the French and English versions align by id.
 */
export function parseNote(markdown: string, lang: Lang): Note {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let start = 0;
  const front: Record<string, string> = {};
  if (lines[0]?.trim() === '---') {
    const end = lines.indexOf('---', 1);
    if (end < 0) throw new NoteFormatError('front matter is not closed', 1);
    for (const l of lines.slice(1, end)) {
      const m = /^([A-Za-z]+):\s*(.*)$/.exec(l);
      if (m) front[m[1]!] = m[2]!;
    }
    start = end + 1;
  }
  const sections: Section[] = [];
  const passages: Passage[] = [];
  const ids = new Set<string>();
  const parents: Section[] = [];
  let current: { id: string; sectionId: string; lines: string[] } | undefined;

  const flush = (): void => {
    if (!current) return;
    const md = current.lines.join('\n').trim();
    if (!md) throw new NoteFormatError(`passage ${current.id} is empty`);
    passages.push({ id: current.id, lang, sectionId: current.sectionId, markdown: md, text: plainText(md) });
    current = undefined;
  };

  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      const level = heading[1]!.length;
      const raw = heading[2]!;
      const numbered = /^(\d+)\.\s+(.*)$/.exec(raw);
      while (parents.length && parents[parents.length - 1]!.level >= level) parents.pop();
      const parent = parents[parents.length - 1];
      const section: Section = {
        id: heading[3]!,
        level,
        title: numbered ? numbered[2]! : raw,
        ...(numbered ? { number: numbered[1]! } : parent?.number ? { number: parent.number } : {}),
        ...(parent && parent.level > 1 ? { parentId: parent.id } : {}),
      };
      if (sections.some((s) => s.id === section.id)) throw new NoteFormatError(`section id ${section.id} is used twice`, i + 1);
      sections.push(section);
      parents.push(section);
      continue;
    }
    if (/^#{1,4}\s/.test(line)) throw new NoteFormatError('a heading needs an id such as {#s3}', i + 1);
    const marker = PASSAGE.exec(line);
    if (marker) {
      flush();
      const section = sections[sections.length - 1];
      if (!section) throw new NoteFormatError('a passage comes before any heading', i + 1);
      if (ids.has(marker[1]!)) throw new NoteFormatError(`passage id ${marker[1]} is used twice`, i + 1);
      ids.add(marker[1]!);
      current = { id: marker[1]!, sectionId: section.id, lines: [] };
      continue;
    }
    if (current) current.lines.push(line);
    else if (line.trim()) throw new NoteFormatError('text outside a passage: start it with <!-- id: … -->', i + 1);
  }
  flush();
  const title = front['title'] ?? sections[0]?.title ?? '';
  return { lang, title, sections, passages };
}

export function plainText(markdown: string): string {
  return markdown
    .split('\n')
    .map((l) => l.replace(/^\s*[-*]\s+/, '• ').replace(/^\[\^(\d+)\]:\s*/, '[$1] ').trim())
    .filter(Boolean)
    .join(' ')
    .replace(/\[\^(\d+)\]/g, '[$1]')
    .replace(/\s+/g, ' ');
}
