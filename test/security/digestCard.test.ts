import type { Confirmation } from '../../src/confirmations/confirmation';
import { gatherContent, renderDigest } from '../../src/digests/content';
import { createTranslator } from '../../src/i18n';
import { LOCALES_DIR } from '../helpers/fixtures';

/**
 * Participant text in the organisers' Teams card used to go into TextBlocks and Facts, which Teams
 * reads as Markdown: a name like "[Open](https://evil.example)" became a link in the organisers'
 * channel. It now goes into TextRuns (never Markdown), with bare links made inert.
 */
const t = createTranslator(LOCALES_DIR);
const HOSTILE = {
  name: '[Open the registration](https://evil.example/login) **urgent**',
  organisation: '![x](https://evil.example/pixel.png) <img src=x onerror=alert(1)>',
  country: 'www.evil.example',
  question: 'Register at https://evil.example/form or evil.example, [here](javascript:alert(1))?',
};

const confirmation = (over: Partial<Confirmation> = {}): Confirmation => ({
  id: '5f0c7a9e-1111-4222-8333-944444444444',
  reference: 'UNEA-ABCD-EFGH',
  eventId: 'global-forum',
  channelId: 'webchat',
  userId: 'u1',
  name: HOSTILE.name,
  email: 'amina@example.org',
  organisation: HOSTILE.organisation,
  group: 'government',
  country: HOSTILE.country,
  sessionLanguage: 'en',
  chatLanguage: 'en',
  status: 'confirmed',
  followUp: 'new',
  conversationReference: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  history: [],
  ...over,
});

function render() {
  const c = confirmation();
  const cancelled = confirmation({ id: '5f0c7a9e-1111-4222-8333-955555555555', reference: 'UNEA-JKLM-NPQR', status: 'cancelled' });
  const content = gatherContent({ now: new Date('2026-01-02T00:00:00Z'), newConfirmations: [c], cancellations: [cancelled], unanswered: [{ id: 1, text: HOSTILE.question, language: 'en', reason: 'no-match', askedAt: '2026-01-01T00:00:00Z' }], all: [c, cancelled] });
  return renderDigest(content, ['en', 'fr'], t, (id) => id);
}

/** Every string of the card that Teams reads as Markdown: TextBlock text, Fact title and value. */
function markdownFields(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => markdownFields(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o['type'] === 'TextBlock' && typeof o['text'] === 'string') out.push(o['text']);
    if (typeof o['title'] === 'string' && typeof o['value'] === 'string') out.push(o['title'], o['value']);
    Object.values(o).forEach((v) => markdownFields(v, out));
  }
  return out;
}

function textRuns(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => textRuns(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o['type'] === 'TextRun' && typeof o['text'] === 'string') out.push(o['text']);
    Object.values(o).forEach((v) => textRuns(v, out));
  }
  return out;
}

test('when a participant’s name, organisation, country or question holds links and Markdown, then no Markdown field of the Teams card carries them', () => {
  const fields = markdownFields(render().card).join('\n');
  for (const piece of ['evil', '](', '![', '**urgent**', '<img', 'javascript:']) expect(fields).not.toContain(piece);
});

test('when the card shows participant text, then it reads as typed, with links made inert', () => {
  const runs = textRuns(render().card);
  const all = runs.join('\n');
  expect(all).not.toMatch(/https?:\/\//);
  expect(all).not.toMatch(/www\./);
  expect(all).not.toMatch(/evil\.example/);
  const shown = all.replace(/\u200b/g, '');
  for (const text of Object.values(HOSTILE)) expect(shown).toContain(text);
});

test('when the digest goes by email, then participant text is escaped HTML with no link a mail client would follow', () => {
  const { html, text } = render();
  expect(html).not.toMatch(/<a\b|<img\b|https?:\/\/evil|www\.evil|evil\.example/);
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(text).not.toMatch(/https?:\/\/evil|www\.evil|evil\.example/);
});
