import i18next, { type i18n } from 'i18next';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang } from './knowledge/analyzer';
import type { Translate } from './knowledge/answerer';
import { Memo } from './memo';

/** Loads locales/<lang>/translation.json into its own i18next instance (no global state). */
export function createTranslator(localesDir: string): Translate {
  const load = (lang: Lang): Record<string, unknown> => JSON.parse(readFileSync(join(localesDir, lang, 'translation.json'), 'utf8')) as Record<string, unknown>;
  const instance: i18n = i18next.createInstance();
  void instance.init({
    resources: { en: { translation: load('en') }, fr: { translation: load('fr') } },
    lng: 'en',
    fallbackLng: 'en',
    initAsync: false,
    // Replies are Markdown, escaped where they need to be; i18next must not HTML-escape values.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  // The resources are fixed once loaded: the same key with the same values gives the same text.
  const texts = new Memo<string>(10_000);
  return (lang, key, vars) => texts.get(`${lang}\u0000${key}\u0000${vars ? JSON.stringify(vars) : ''}`, () => instance.t(key, { lng: lang, ...(vars ?? {}) }));
}

/** One section of both locale files (e.g. the organiser tab's strings), for a page that switches language itself. */
export function localeSection(localesDir: string, section: string): Record<Lang, unknown> {
  const read = (lang: Lang) => (JSON.parse(readFileSync(join(localesDir, lang, 'translation.json'), 'utf8')) as Record<string, unknown>)[section];
  return { en: read('en'), fr: read('fr') };
}

/** JSON to embed in a <script> element: "<" escaped so that no string can close the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
