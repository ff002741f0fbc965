import i18next, { type i18n } from 'i18next';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang, Translate } from './vocabulary';
import { frenchSpacingDeep } from './typography';

/** Loads locales/<lang>/translation.json into its own i18next instance (no global state). */
export function createTranslator(localesDir: string): Translate {
  const load = (lang: Lang) => readLocale(localesDir, lang);
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
  return (lang, key, vars) => instance.t(key, { lng: lang, ...(vars ?? {}) });
}

/** One section of both locale files (e.g. the organiser tab's strings), for a page that switches language itself. */
export function localeSection(localesDir: string, section: string): Record<Lang, unknown> {
  return { en: readLocale(localesDir, 'en')[section], fr: readLocale(localesDir, 'fr')[section] };
}

/** One locale file; French strings get French punctuation spacing, whoever wrote them. */
function readLocale(localesDir: string, lang: Lang): Record<string, unknown> {
  const strings = JSON.parse(readFileSync(join(localesDir, lang, 'translation.json'), 'utf8')) as Record<string, unknown>;
  return lang === 'fr' ? frenchSpacingDeep(strings) : strings;
}

/** JSON to embed in a <script> element: "<" escaped so that no string can close the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
