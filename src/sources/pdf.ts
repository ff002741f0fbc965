import { spawn } from 'node:child_process';
import { join } from 'node:path';

export class PdfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfError';
  }
}

/**
 * The text of a PDF, extracted with pdfjs in a child process that is killed after timeoutMs and
 * has little memory: a PDF that never ends, or that is built to exhaust memory, is refused.
 */
export function pdfToText(pdf: Buffer, opts: { timeoutMs?: number; maxPages?: number; memoryMb?: number } = {}): Promise<string> {
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') return Promise.reject(new PdfError('not a PDF file'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${opts.memoryMb ?? 256}`, join(__dirname, 'pdfText.mjs'), String(opts.maxPages ?? 200)], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new PdfError(`reading the PDF took longer than ${Math.round((opts.timeoutMs ?? 20000) / 1000)} s; it was stopped`));
    }, opts.timeoutMs ?? 20000);
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new PdfError(`could not read the PDF: ${e.message}`));
    });
    child.on('close', () => {
      clearTimeout(timer);
      try {
        const result = JSON.parse(out) as { pages?: string[]; error?: string };
        if (result.error) return reject(new PdfError(`could not read the PDF: ${result.error}`));
        resolve((result.pages ?? []).join('\n\n'));
      } catch {
        reject(new PdfError('could not read the PDF'));
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(pdf);
  });
}
