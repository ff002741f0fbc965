import { recordedMessage } from '../../dialogs/messages';
import { ConfirmationService } from '../../src/confirmations/service';
import type { Confirmation } from '../../src/confirmations/confirmation';
import { createTranslator } from '../../src/i18n';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, LOCALES_DIR, shippedSources } from '../helpers/fixtures';

// Web Chat renders Markdown with markdown-it (its own dependency); Teams joins single line breaks the same way.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new () => { render(src: string): string };

const t = createTranslator(LOCALES_DIR);
const service = new ConfirmationService({} as never, () => shippedSources().schedule, fixedClock(AFTER), t);
const confirmation = { reference: 'UNEA-7KQ3-M2XD', eventId: 'global-forum', name: 'Amina Diallo', organisation: 'Ministère des Mines', email: 'amina@mines.gouv.sn', group: 'government', country: 'Sénégal', sessionLanguage: 'fr' } as Confirmation;

describe.each(['en', 'fr'] as const)('the email draft to copy, in %s', (lang) => {
  test('when it is rendered as Markdown, then each line of the email stays on its own line', () => {
    const body = service.prepareEmail(confirmation, lang).body;
    const lines = body.split('\n').filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(3);
    const html = new MarkdownIt().render(recordedMessage(t, service, lang, { ...confirmation, status: 'confirmed' } as Confirmation, 'created'));
    const quote = /<blockquote>([\s\S]*)<\/blockquote>/.exec(html)![1]!;
    const paragraphs = [...quote.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').trim());
    for (const line of lines) expect(paragraphs).toContain(line.replace(/\*\*/g, '').trim());
    expect(quote).not.toMatch(/gouv\.sn\s*\n?\s*(Preferred|Langue)/);
  });
});
