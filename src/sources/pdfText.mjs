// Extracts the text of a PDF read from standard input, page by page, and writes it as JSON on
// standard output. Runs in a child process with time and memory limits (see pdf.ts), so that a
// hostile PDF can only take this process down.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const maxPages = Number(process.argv[2] ?? 200);
try {
  const doc = await getDocument({ data: new Uint8Array(Buffer.concat(chunks)), isEvalSupported: false, useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise;
  if (doc.numPages > maxPages) throw new Error(`the PDF has ${doc.numPages} pages; at most ${maxPages} are read`);
  const pages = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    // Items carry their own line ends (hasEOL); keep the note's paragraphs and lines.
    pages.push(content.items.map((it) => ('str' in it ? it.str + (it.hasEOL ? '\n' : '') : '')).join(''));
  }
  process.stdout.write(JSON.stringify({ pages }));
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
}
