import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A PDF of the given text, one line of text per line (long lines wrapped), as a word processor would print it. */
export async function textToPdf(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  let page = doc.addPage([595, 842]);
  let y = 800;
  for (const line of text.split('\n')) {
    // Helvetica's WinAnsi encoding has no narrow no-break space; a plain one reads the same.
    const printable = line.replace(/[\u202f\u00a0]/g, ' ');
    const parts = printable.match(/.{1,100}(\s|$)|.{100}/g) ?? [''];
    for (const part of parts) {
      if (y < 40) {
        page = doc.addPage([595, 842]);
        y = 800;
      }
      page.drawText(part, { x: 30, y, size: 8, font });
      y -= 11;
    }
  }
  return Buffer.from(await doc.save());
}
