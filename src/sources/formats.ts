import { parse as parseYaml } from 'yaml';
import { pdfToText } from './pdf';

/** The sources an admin can replace, and what each may be uploaded as. */
export const SOURCE_NAMES = ['note-fr', 'note-en', 'schedule', 'qa', 'glossary', 'golden'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export const LIMITS = { textBytes: 1024 * 1024, pdfBytes: 10 * 1024 * 1024 } as const;

export class UploadError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'UploadError';
  }
}

/** Text that must be UTF-8, without control characters or HTML that could run in a page. */
function checkedText(bytes: Buffer): string {
  if (bytes.length > LIMITS.textBytes) throw new UploadError([`the file is larger than ${LIMITS.textBytes / 1024} KiB`]);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UploadError(['the file is not valid UTF-8 text']);
  }
  text = text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) throw new UploadError(['the file holds control characters']);
  return text;
}

/** Markdown may carry our passage markers, but no other HTML, scripts or javascript: links. */
function checkedMarkdown(text: string): string {
  const problems: string[] = [];
  const withoutMarkers = text.replace(/<!--\s*id:\s*[A-Za-z0-9._-]+\s*-->/g, '');
  if (/<\s*\/?\s*[a-z!]/i.test(withoutMarkers)) problems.push('HTML is not allowed in a note (only the <!-- id: … --> passage markers)');
  if (/javascript\s*:|data\s*:\s*text\/html|vbscript\s*:/i.test(text)) problems.push('script links are not allowed');
  if (problems.length) throw new UploadError(problems);
  return text;
}

/**
 * Extracted PDF text back into the note's Markdown: wrapped lines joined, a blank line before each
 * heading, passage marker and list item.
 */
export function reflowExtractedText(text: string): string {
  const starts = /^(#{1,4}\s|<!--|[-•*]\s|\[\^\d+\]:|---$)/;
  const ends = /(-->|\{#[A-Za-z0-9._-]+\}|^---)$/;
  const out: string[] = [];
  let inFront = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line === '---') inFront = out.length === 0 ? true : false;
    const prev = out[out.length - 1];
    const frontKey = inFront && /^[A-Za-z]+:\s/.test(line);
    if (prev === undefined || starts.test(line) || ends.test(prev) || frontKey) out.push(line);
    else out[out.length - 1] = `${prev} ${line}`;
  }
  return out.map((l) => (/^(#{1,4}\s|<!--|[-•*]\s|\[\^)/.test(l) ? `\n${l}` : l)).join('\n').replace(/^\n+/, '') + '\n';
}

/** A note uploaded as plain text without markers: numbered headings become sections, paragraphs passages. */
export function structurePlainNote(text: string, lang: 'fr' | 'en', title: string): string {
  const blocks = text.split(/\n\s*\n/).map((b) => b.replace(/\s*\n\s*/g, ' ').trim()).filter(Boolean);
  const out = [`---\ntitle: ${title.replace(/\n/g, ' ')}\nlang: ${lang}\n---\n`, `# ${title} {#intro}\n`];
  let section = 'intro';
  let n = 0;
  for (const block of blocks) {
    const heading = /^(\d+)\.\s+(.{2,120})$/.exec(block);
    if (heading) {
      section = `s${heading[1]}`;
      n = 0;
      out.push(`## ${heading[1]}. ${heading[2]} {#${section}}\n`);
      continue;
    }
    out.push(`<!-- id: ${section}.p${++n} -->\n${block}\n`);
  }
  return out.join('\n');
}

/** What an uploaded file holds, as the source it replaces: Markdown text, or parsed JSON. */
export async function readUpload(name: SourceName, bytes: Buffer, contentType: string, filename = ''): Promise<string | unknown> {
  const type = `${contentType.split(';')[0]!.trim().toLowerCase()} ${filename.toLowerCase()}`;
  const is = (...kinds: string[]) => kinds.some((k) => type.includes(k));
  if (name === 'note-fr' || name === 'note-en') {
    const lang = name === 'note-fr' ? 'fr' : 'en';
    if (is('application/pdf', '.pdf')) {
      if (bytes.length > LIMITS.pdfBytes) throw new UploadError([`the PDF is larger than ${LIMITS.pdfBytes / 1024 / 1024} MiB`]);
      let extracted: string;
      try {
        extracted = await pdfToText(bytes);
      } catch (e) {
        throw new UploadError([(e as Error).message]);
      }
      const md = /<!--\s*id:/.test(extracted) ? reflowExtractedText(extracted) : structurePlainNote(extracted.replace(/([.:;])\n/g, '$1\n\n'), lang, lang === 'fr' ? "Note d'information" : 'Information note');
      return checkedMarkdown(md);
    }
    const text = checkedText(bytes);
    if (is('text/plain', '.txt') && !/<!--\s*id:/.test(text)) return checkedMarkdown(structurePlainNote(text, lang, lang === 'fr' ? "Note d'information" : 'Information note'));
    return checkedMarkdown(text);
  }
  const text = checkedText(bytes);
  if (name === 'qa' && is('text/csv', '.csv')) return qaFromCsv(text);
  try {
    return is('yaml', '.yml', '.yaml') ? (parseYaml(text, { maxAliasCount: 50 }) as unknown) : (JSON.parse(text) as unknown);
  } catch (e) {
    throw new UploadError([`the file does not parse as ${is('yaml', '.yml', '.yaml') ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`]);
  }
}

/** Q&A pairs as CSV: id, passages, q_en, q_fr, a_en, a_fr (several passages or questions separated by "|"). */
export function qaFromCsv(text: string): unknown {
  const rows = parseCsv(text);
  const [header, ...body] = rows;
  const need = ['id', 'passages', 'q_en', 'q_fr', 'a_en', 'a_fr'];
  const col = (n: string) => header?.indexOf(n) ?? -1;
  const missing = need.filter((n) => col(n) < 0);
  if (missing.length) throw new UploadError([`the CSV needs the columns ${need.join(', ')}; missing: ${missing.join(', ')}`]);
  const list = (v: string | undefined) => (v ?? '').split('|').map((s) => s.trim()).filter(Boolean);
  return {
    pairs: body.filter((r) => r.some((c) => c.trim())).map((r) => ({ id: r[col('id')], passages: list(r[col('passages')]), q: { en: list(r[col('q_en')]), fr: list(r[col('q_fr')]) }, a: { en: r[col('a_en')], fr: r[col('a_fr')] } })),
  };
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = (): void => {
    row.push(cell);
    cell = '';
  };
  const endRow = (): void => {
    endCell();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endCell();
    else if (ch === '\n') endRow();
    else cell += ch;
  }
  if (cell || row.length) endRow();
  return rows;
}
