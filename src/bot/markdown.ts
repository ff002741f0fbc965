const ZWSP = '\u200b';

/**
 * Text that a linkifier (Web Chat's Markdown, Teams, mail clients) would turn into a link, made
 * inert with a zero-width space: "https://", "//host", "www." and bare domains ("evil.example")
 * no longer match, while the text reads the same. Email addresses are left as they are: a mailto:
 * link to the participant's own address is what organisers expect.
 */
export function defangLinks(text: string): string {
  return text
    .replace(/\/\//g, `/${ZWSP}/`)
    .replace(/\b(www)\./gi, `$1${ZWSP}.`)
    .replace(/\S+/g, (word) => (word.includes('@') ? word : word.replace(/([\p{L}\p{N}])\.(?=\p{L})/gu, `$1.${ZWSP}`)));
}

/**
 * Participant-given text shown in a Markdown reply: Markdown and HTML syntax escaped (emphasis,
 * code, links and images, tables, headings, lists, quotes, tags, entities and <autolinks>), bare
 * links made inert, control characters and bidirectional overrides removed, so that "**x**",
 * "[x](https://…)" or "<script>" shows as typed and does nothing.
 */
export function escapeMarkdown(text: string): string {
  return (
    defangLinks(
      text
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ''),
    )
      .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // A line that starts like a heading, a list or a quote is shown as text.
      .replace(/^(\s*)([#+\-=>]|\d+\.)/gm, (_m, space: string, mark: string) => `${space}\\${mark}`)
  );
}
