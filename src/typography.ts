/**
 * French punctuation spacing: a narrow no-break space (U+202F) before ; ! ? and a no-break space
 * (U+00A0) before : and inside « », so that no line breaks before a sign or after an opening
 * guillemet. Only spaces the text already has are changed: "?" in a URL or "!" in Markdown keep
 * their place.
 */
export function frenchSpacing(text: string): string {
  return text
    .replace(/[ \u00a0\u202f]+([;!?])/g, '\u202f$1')
    .replace(/[ \u00a0\u202f]+:/g, '\u00a0:')
    .replace(/«[ \u00a0\u202f]+/g, '«\u00a0')
    .replace(/[ \u00a0\u202f]+»/g, '\u00a0»');
}

/** The same, through every string of a parsed JSON resource. */
export function frenchSpacingDeep<T>(value: T): T {
  if (typeof value === 'string') return frenchSpacing(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => frenchSpacingDeep(v)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, frenchSpacingDeep(v as unknown)])) as T;
  return value;
}
