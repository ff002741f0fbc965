import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTranslator, localeSection } from '../../src/i18n';
import { frenchSpacing } from '../../src/typography';

const LOCALES = join(__dirname, '..', '..', 'locales');

function keys(value: unknown, prefix = ''): string[] {
  if (value && typeof value === 'object' && !Array.isArray(value)) return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
  return typeof value === 'string' ? [prefix] : [];
}

const PLAIN_SPACE_BEFORE_SIGN = /[ ][:;!?]|« | »/;

describe('French punctuation spacing', () => {
  const t = createTranslator(LOCALES);
  const french = JSON.parse(readFileSync(join(LOCALES, 'fr', 'translation.json'), 'utf8')) as Record<string, unknown>;

  test('when any French string is shown, then no sign follows a breakable space', () => {
    const offending = keys(french).filter((key) => PLAIN_SPACE_BEFORE_SIGN.test(t('fr', key, { first: 'a@b.org', second: 'c@d.org' })));
    expect(offending).toEqual([]);
  });

  test('when a French string has a colon, a question mark or guillemets, then the spaces are the no-break ones', () => {
    expect(t('fr', 'citation.source', { label: 'note' })).toBe('Source\u00a0: note');
    const shown = keys(french).map((key) => t('fr', key));
    expect(shown.some((s) => s.includes('\u202f?'))).toBe(true);
  });

  test('when the page takes its French strings, then they are spaced the same way', () => {
    const page = JSON.stringify(localeSection(LOCALES, 'page').fr);
    expect(page).not.toMatch(PLAIN_SPACE_BEFORE_SIGN);
  });

  test('when English strings are shown, then they are left as written', () => {
    expect(t('en', 'citation.source', { label: 'note' })).toBe('Source: note');
  });

  test.each([
    ['Quand ? Où ! Ceci ; cela : « oui »', 'Quand\u202f? Où\u202f! Ceci\u202f; cela\u00a0: «\u00a0oui\u00a0»'],
    ['https://example.org/?a=1 et [lien](https://x.y/#!z)', 'https://example.org/?a=1 et [lien](https://x.y/#!z)'],
    ['déjà\u202f? bien\u00a0:', 'déjà\u202f? bien\u00a0:'],
  ])('when %p is spaced, then it reads %p', (input, expected) => {
    expect(frenchSpacing(input)).toBe(expected);
  });
});
