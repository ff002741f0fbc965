import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { createApp, type App } from '../../src/app';
import type { Clock } from '../../src/schedule/time';
import type { QuestionGroupList } from '../../src/http/adminContract';
import { ChannelIssuer } from '../helpers/channelIssuer';
import { LoopbackConnector } from '../helpers/connector';
import { AFTER, plain, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';
import { postActivity } from '../helpers/http';

/**
 * The organisers' Teams cards through connector outages: a new question's card that could not be
 * posted is posted later; once the question is answered (here through the API), each card is
 * replaced in place by one saying by whom and when, with the answer in both languages and no form;
 * a card that cannot be updated is retried and never holds the answer back from the participant.
 */
const TOKEN = 'organiser-cards-admin-token-0123456789';
const ORGANISER = 'aad-organiser-cards';
const QUESTION = 'Will participants receive a certificate of attendance?';
const ANSWER = {
  en: 'Yes: every participant who attends a session receives a certificate by email.',
  fr: 'Oui : chaque participant présent à une séance reçoit une attestation par e-mail.',
};
const HOUR = 3_600_000;

const connector = new LoopbackConnector();
const issuer = new ChannelIssuer();
let app: App;
let base: string;
let data: ReturnType<typeof tempDataDir>;
let now = new Date(AFTER).getTime();
const clock: Clock = { now: () => new Date(now) };
beforeAll(async () => {
  await connector.start();
  await issuer.start();
  data = tempDataDir();
  app = await createApp(testConfig(data.dir, { ADMIN_TOKEN: TOKEN, ORGANISER_IDS: ORGANISER, ...issuer.env() }), { clock, logger: silentLogger, botCredentials: issuer.credentials() });
  base = `http://127.0.0.1:${await app.start(0)}`;
});
afterAll(async () => {
  await app.stop();
  data.cleanup();
  await connector.stop();
  await issuer.stop();
});

/** Says something in a Teams conversation and resolves with the bot's new messages, as text. */
async function say(conversation: string, from: { id: string; aadObjectId: string }, locale: string, text: string): Promise<string> {
  const before = connector.received.get(conversation)?.length ?? 0;
  const res = await postActivity(
    base,
    { type: 'message', text, channelId: 'msteams', serviceUrl: connector.url, locale, from, recipient: { id: '28:bot' }, conversation: { id: conversation }, channelData: { tenant: { id: 'tenant-1' } } },
    { authorization: await issuer.sign(connector.url) },
  );
  expect(res.status).toBeLessThan(300);
  return plain(((await connector.waitFor(conversation, before + 1)).slice(before).map((a) => a.text ?? '').join('\n')));
}

/** Runs the retries as the timer would, after the clock moved past their time. */
async function later(ms: number): Promise<void> {
  now += ms;
  await app.questions.deliverDue();
  await app.questions.deliverDue();
}

interface Card {
  body: Array<{ type: string; text?: string; inlines?: Array<{ text: string }> }>;
  actions: unknown[];
}
const cardOf = (a: Partial<Activity> | undefined) => a?.attachments?.[0]?.content as Card;
const cardText = (c: Card) => plain(c.body.map((b) => b.text ?? b.inlines?.map((i) => i.text).join('') ?? '').join('\n'));
const cards = (conversation: string) => (connector.received.get(conversation) ?? []).filter((a) => a.attachments?.length);

test('when the connector fails, then the new-question card is posted later, and once answered each card is updated in place in its language', async () => {
  const organiser = { id: '29:organiser', aadObjectId: ORGANISER };
  const english = `19:organisers-en-${randomUUID()}@thread.tacv2`;
  const french = `19:organisers-fr-${randomUUID()}@thread.tacv2`;
  expect(await say(english, organiser, 'en-US', 'subscribe to digests')).toMatch(/digests will be posted in this conversation/);
  expect(await say(french, organiser, 'fr-FR', 's’abonner aux résumés')).toMatch(/resumes seront publies dans cette conversation/);

  // The French channel is unreachable when the question arrives: only the English one gets the card.
  connector.failIn.set(french, 503);
  const asker = { id: '29:asker', aadObjectId: 'aad-asker' };
  const personal = `a:asker-${randomUUID()}`;
  expect(await say(personal, asker, 'en-US', QUESTION)).toMatch(/couldn't find that in the information note/);
  await say(personal, asker, 'en-US', 'Ask the organisers');
  await say(personal, asker, 'en-US', 'yes');
  expect(await say(personal, asker, 'en-US', 'no')).toMatch(/sent to the organisers/);
  await later(0);
  expect(cards(english)).toHaveLength(1);
  expect(cards(french)).toHaveLength(0);

  // Back up: the retry posts it, once.
  connector.failIn.delete(french);
  await later(HOUR);
  await later(HOUR);
  expect(cards(french)).toHaveLength(1);
  expect(cards(english)).toHaveLength(1);
  expect(cardOf(cards(french)[0]).actions).toHaveLength(1);

  // Answered through the API while the English channel is down: the participant is answered all the same.
  connector.failIn.set(english, 503);
  const [group] = ((await (await fetch(`${base}/api/admin/questions?status=open`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as QuestionGroupList).groups;
  const saved = await fetch(`${base}/api/admin/questions/${group!.id}/answer`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'x-admin-name': 'Amina Diallo' }, body: JSON.stringify(ANSWER) });
  expect(saved.status).toBe(200);
  await later(0);
  expect((connector.received.get(personal) ?? []).filter((a) => a.text?.includes(ANSWER.en))).toHaveLength(1);
  expect(connector.updated.get(english)).toBeUndefined();

  // The French card, replaced in place: who answered and when, both languages, no form.
  const [frUpdate] = connector.updated.get(french)!;
  expect(frUpdate!.id).toBe(connector.sent.get(french)!.find((s) => s.activity.attachments?.length)!.id);
  const fr = cardOf(frUpdate!.activity);
  expect(fr.actions).toEqual([]);
  expect(cardText(fr)).toMatch(/repondu par amina diallo le \d{4}-\d{2}-\d{2}/);
  expect(cardText(fr)).toContain(plain(ANSWER.en));
  expect(cardText(fr)).toContain(plain(ANSWER.fr));

  // The English card is retried until the channel is back, then updated once.
  connector.failIn.delete(english);
  await later(HOUR);
  await later(HOUR);
  const enUpdates = connector.updated.get(english)!;
  expect(enUpdates).toHaveLength(1);
  expect(enUpdates[0]!.id).toBe(connector.sent.get(english)!.find((s) => s.activity.attachments?.length)!.id);
  const en = cardOf(enUpdates[0]!.activity);
  expect(en.actions).toEqual([]);
  expect(cardText(en)).toMatch(/answered by amina diallo on \d{4}-\d{2}-\d{2}/);
  expect(cardText(en)).toContain(plain(ANSWER.fr));
  expect(connector.updated.get(french)).toHaveLength(1);
  // The participant got the answer once.
  expect((connector.received.get(personal) ?? []).filter((a) => a.text?.includes(ANSWER.en))).toHaveLength(1);
});

test('when a participant deletes their data, then their words leave the taught pair of the draft, not the published sources', async () => {
  const qaPair = async (version: 'draft' | 'live', pairId: string) => {
    const status = await app.sources.status();
    const qa = (await app.sources.file('qa', version === 'draft' ? status.draft?.number : undefined)) as { pairs: Array<{ id: string; q: { en: string[]; fr: string[] } }> };
    return qa.pairs.find((p) => p.id === pairId);
  };
  const ask = async (conversation: string, user: { id: string; aadObjectId: string }, locale: string, text: string, words: [string, string, string]) => {
    await say(conversation, user, locale, text);
    await say(conversation, user, locale, words[0]);
    await say(conversation, user, locale, words[1]);
    await say(conversation, user, locale, words[2]);
  };
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const QUESTION_FR = 'Les repas des participants sont-ils végétariens pendant la consultation ?';
  const published = { id: '29:published', aadObjectId: 'aad-published' };
  const drafted = { id: '29:drafted', aadObjectId: 'aad-drafted' };
  const one = `a:published-${randomUUID()}`;
  const two = `a:drafted-${randomUUID()}`;
  await ask(one, published, 'en-US', 'Will the lunch served to participants be vegetarian?', ['Ask the organisers', 'yes', 'no']);
  const [group] = ((await (await fetch(`${base}/api/admin/questions?status=open`, { headers })).json()) as QuestionGroupList).groups.filter((g) => g.text.includes('lunch'));
  await fetch(`${base}/api/admin/questions/${group!.id}/answer`, { method: 'POST', headers, body: JSON.stringify({ en: 'Yes, vegetarian lunches are served.', fr: 'Oui, des repas végétariens sont servis.' }) });
  const taught = (await (await fetch(`${base}/api/admin/questions/${group!.id}/teach`, { method: 'POST', headers })).json()) as { pairId: string };
  expect((await fetch(`${base}/api/admin/sources/draft/publish`, { method: 'POST', headers })).status).toBe(200);
  // Published: the organisers' content from now on. A second group, taught but not published.
  await ask(two, drafted, 'fr-FR', QUESTION_FR, ['Poser la question aux organisateurs', 'oui', 'non']);
  const [second] = ((await (await fetch(`${base}/api/admin/questions?status=open`, { headers })).json()) as QuestionGroupList).groups.filter((g) => g.text.includes('repas'));
  await fetch(`${base}/api/admin/questions/${second!.id}/answer`, { method: 'POST', headers, body: JSON.stringify({ en: 'Meals are served.', fr: 'Des repas sont servis.' }) });
  const draftPair = (await (await fetch(`${base}/api/admin/questions/${second!.id}/teach`, { method: 'POST', headers })).json()) as { pairId: string };
  expect((await qaPair('draft', draftPair.pairId))!.q.fr).toEqual([QUESTION_FR]);

  for (const [conversation, user, locale, words] of [[one, published, 'en-US', ['delete my data', 'yes']], [two, drafted, 'fr-FR', ['supprimer mes données', 'oui']]] as const) {
    await say(conversation, user, locale, words[0]);
    await say(conversation, user, locale, words[1]);
  }
  const left = await qaPair('draft', draftPair.pairId);
  expect(JSON.stringify(left)).not.toContain(QUESTION_FR);
  // A language left without the participant's words is phrased by the organisers' answer.
  expect(left!.q.fr).toEqual(['Des repas sont servis.']);
  expect((await qaPair('live', taught.pairId))!.q.en).toEqual(['Will the lunch served to participants be vegetarian?']);
  expect((await qaPair('draft', taught.pairId))!.q.en).toEqual(['Will the lunch served to participants be vegetarian?']);
});
