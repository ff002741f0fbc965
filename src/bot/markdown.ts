/**
 * Participant-given text shown in a Markdown reply: Markdown and HTML syntax escaped, control
 * characters removed, so that "**x**" or "<script>" shows as typed and does nothing.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // A line that starts like a heading, a list or a quote is shown as text.
      .replace(/^(\s*)([#+\-=>]|\d+\.)/gm, (_m, space: string, mark: string) => `${space}\\${mark}`)
  );
}
