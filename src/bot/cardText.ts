import { defangLinks } from './markdown';

/**
 * Participant-given text in any rendering for the organisers (digests, cards): control characters
 * and bidirectional overrides removed, and links made inert (mail clients and Teams turn bare URLs
 * into links).
 */
// eslint-disable-next-line no-control-regex
export const plain = (s: string): string => defangLinks(s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ''));

/**
 * Participant-given text in an Adaptive Card. A TextBlock's and a Fact's text is Markdown, which
 * Adaptive Card renderers escape inconsistently; a TextRun is never read as Markdown, so the text
 * shows as typed ("[x](https://…)" stays text).
 */
export const literal = (text: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: plain(text) }], spacing: 'Small', ...extra });
