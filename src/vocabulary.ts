/**
 * The words every part of the program shares: the two languages, and the translation function that
 * turns a key of locales/ into the user's language. One name per concept.
 */
export type Lang = 'en' | 'fr';

/** A string of locales/<lang>/translation.json, with its variables filled in. */
export type Translate = (lang: Lang, key: string, vars?: Record<string, string | number>) => string;
