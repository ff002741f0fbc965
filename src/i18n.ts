import i18next, { type i18n } from 'i18next';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang, Translate } from './vocabulary';
import { frenchSpacingDeep } from './typography';
import { Memo } from './memo';

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
  // The resources are fixed once loaded: a key without values always gives the same text, so it is
  // looked up once. Texts with values are not kept: they may carry a participant's name or address.
  const texts = { en: new Map<string, string>(), fr: new Map<string, string>() };
  return (lang, key, vars) => {
    if (vars) return instance.t(key, { lng: lang, ...vars });
    let text = texts[lang].get(key);
    if (text === undefined) {
      text = instance.t(key, { lng: lang });
      // Keys come from the code; the bound only guards against one ever being built from input.
      if (texts[lang].size < 5000) texts[lang].set(key, text);
    }
    return text;
  };
}

/**
 * A translator that remembers its texts, values included (bounded): for texts built from the
 * sources alone, such as answers, which come back with the same values turn after turn. Never for
 * texts that carry what a participant typed or gave (names, addresses): those must not be kept.
 */
export function rememberTexts(t: Translate, max = 5000): Translate {
  const texts = new Memo<string>(max);
  return (lang, key, vars) => (vars ? texts.get(`${lang}\u0000${key}\u0000${JSON.stringify(vars)}`, () => t(lang, key, vars)) : t(lang, key));
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
