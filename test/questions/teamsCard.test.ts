import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { createApp, type App } from '../../src/app';
import type { QuestionGroupList } from '../../src/http/adminContract';
import { ChannelIssuer } from '../helpers/channelIssuer';
import { LoopbackConnector } from '../helpers/connector';
import { AFTER, plain, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';
import { postActivity } from '../helpers/http';
import { fixedClock } from '../../src/schedule/time';

/**
 * The organisers answer from Teams: their channel, subscribed to the digests, receives each new
 * question as an Adaptive Card with an "Answer" form in English and French; what an organiser sends
 * from it is recorded as through the admin API, and the participant who asked gets the answer.
 */
const TOKEN = 'teams-card-admin-token-0123456789';
const ORGANISER = 'aad-organiser-card';
const QUESTION = 'Will participants receive a **certificate** of attendance? [details](https://evil.example/x)';
const ANSWER = {
  en: 'Yes: every participant who attends a session receives a certificate of attendance by email.',
  fr: 'Oui : chaque participant présent à une séance reçoit une attestation de participation par e-mail.',
};

const connector = new LoopbackConnector();
const issuer = new ChannelIssuer();
let app: App;
let base: string;
let data: ReturnType<typeof tempDataDir>;
beforeAll(async () => {
  await connector.start();
  await issuer.start();
  data = tempDataDir();
  app = await createApp(testConfig(data.dir, { ADMIN_TOKEN: TOKEN, ORGANISER_IDS: ORGANISER, ...issuer.env() }), { clock: fixedClock(AFTER), logger: silentLogger, botCredentials: issuer.credentials() });
  base = `http://127.0.0.1:${await app.start(0)}`;
});
afterAll(async () => {
  await app.stop();
  data.cleanup();
  await connector.stop();
  await issuer.stop();
});

const admin = async (path: string) => (await fetch(`${base}/api/admin${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<QuestionGroupList>;

/** Someone in a Teams conversation: signed requests (unless told otherwise), replies posted to the loopback connector. */
function member(conversation: string, from: { id: string; aadObjectId: string }, locale: string) {
  const post = async (activity: Record<string, unknown>, signed = true) =>
    postActivity(
      base,
      { channelId: 'msteams', serviceUrl: connector.url, locale, from, recipient: { id: '28:bot' }, conversation: { id: conversation }, channelData: { tenant: { id: 'tenant-1' } }, ...activity },
      signed ? { authorization: await issuer.sign(connector.url) } : {},
    );
  return {
    conversation,
    post,
    /** Sends a message (text, or a card's value) and resolves with the bot's new messages in the conversation. */
    async send(activity: Record<string, unknown>, signed = true): Promise<Array<Partial<Activity>>> {
      const before = connector.received.get(conversation)?.length ?? 0;
      expect((await post(activity, signed)).status).toBeLessThan(300);
      return (await connector.waitFor(conversation, before + 1)).slice(before);
    },
  };
}
const texts = (activities: Array<Partial<Activity>>) => plain(activities.map((a) => `${a.text ?? ''} [${(a.suggestedActions?.actions ?? []).map((x) => x.title).join(' | ')}]`).join('\n'));

/** The card's value posted from the web chat page (the built-in Direct Line), in the organiser's name: resolves with the bot's reply. */
async function fromWebChat(value: Record<string, unknown>): Promise<string> {
  const { token } = (await (await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { token: string };
  const { conversationId } = (await (await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json()) as { conversationId: string };
  const url = `${base}/v3/directline/conversations/${conversationId}/activities`;
  const body = { type: 'message', value, channelData: { tenant: { id: 'tenant-1' } }, from: { id: ORGANISER, aadObjectId: ORGANISER, name: 'Organiser' }, locale: 'en-US' };
  expect((await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBeLessThan(300);
  for (let i = 0; i < 200; i++) {
    const { activities } = (await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json()) as { activities: Array<{ type: string; text?: string; from: { role?: string } }> };
    const reply = activities.find((a) => a.type === 'message' && a.from.role !== 'user');
    if (reply) return plain(reply.text ?? '');
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no reply in web chat');
}

interface Card {
  body: Array<{ type: string; text?: string; inlines?: Array<{ type: string; text: string }> }>;
  actions: Array<{ type: string; title: string; card: { body: Array<{ type: string; id: string; label: string }>; actions: Array<{ type: string; title: string; data: { action: string; groupId: string } }> } }>;
}

test('when a participant asks something new, then the organisers answer from the Teams card, and only an organiser with both languages is heard', async () => {
  const channel = `19:organisers-${randomUUID()}@thread.tacv2`;
  const organiser = member(channel, { id: '29:organiser', aadObjectId: ORGANISER }, 'fr-FR');
  expect(texts(await organiser.send({ text: 's’abonner aux résumés' }))).toMatch(/resumes seront publies dans cette conversation/);

  // A participant in Teams asks what the note does not say, and sends it to the organisers.
  const asker = member(`a:asker-${randomUUID()}`, { id: '29:asker', aadObjectId: 'aad-asker' }, 'en-US');
  expect(texts(await asker.send({ text: QUESTION }))).toMatch(/ask the organisers/);
  await asker.send({ text: 'Ask the organisers' });
  await asker.send({ text: 'yes' });
  expect(texts(await asker.send({ text: 'no' }))).toMatch(/sent to the organisers/);

  // The organisers' channel gets the card, in its language: the question as typed (never Markdown), the count, the form.
  const [message] = (await connector.waitFor(channel, 2)).slice(1);
  expect(message!.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
  const card = message!.attachments![0]!.content as Card;
  const run = card.body.find((b) => b.type === 'RichTextBlock')!.inlines![0]!;
  expect(run.type).toBe('TextRun');
  expect(run.text).toContain('**certificate**');
  expect(JSON.stringify(card)).not.toContain('https://evil.example');
  expect(card.body.filter((b) => b.type === 'TextBlock').map((b) => b.text)).toEqual(['Un participant a posé une question aux organisateurs', 'posée par 1 participant']);
  const [answer] = card.actions;
  expect(answer).toMatchObject({ type: 'Action.ShowCard', title: 'Répondre' });
  expect(answer!.card.body.map((i) => [i.type, i.id, i.label])).toEqual([
    ['Input.Text', 'answerEn', 'Réponse en anglais'],
    ['Input.Text', 'answerFr', 'Réponse en français'],
  ]);
  const submit = answer!.card.actions[0]!;
  expect(submit).toMatchObject({ type: 'Action.Submit', title: 'Envoyer la réponse' });
  const value = (en: string, fr: string) => ({ value: { ...submit.data, answerEn: en, answerFr: fr } });
  const open = async () => (await admin('/questions?status=open')).groups.length;

  // Another member of the channel, and an unsigned request in the organiser's name: refused.
  const colleague = member(channel, { id: '29:colleague', aadObjectId: 'aad-colleague' }, 'en-US');
  expect(texts(await colleague.send(value(ANSWER.en, ANSWER.fr)))).toMatch(/for the organisers/);
  expect((await organiser.post(value(ANSWER.en, ANSWER.fr), false)).status).toBe(401);
  // The web chat page says whatever `from` it likes: it is never an organiser.
  expect(await fromWebChat(value(ANSWER.en, ANSWER.fr).value)).toMatch(/for the organisers/);
  // One language only: told which is missing, in the organiser's language, by message or by invoke.
  expect(texts(await organiser.send(value('', ANSWER.fr)))).toContain('la reponse est necessaire en anglais aussi');
  const execute = await organiser.post({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: submit.data.action, data: { groupId: submit.data.groupId, answerEn: ANSWER.en } } } });
  expect(execute.status).toBe(200);
  expect(plain(((await execute.json()) as { value: string }).value)).toContain('la reponse est necessaire en francais aussi');
  expect(await open()).toBe(1);

  // Both languages: recorded as the organiser's, and the participant gets it in their language, their question quoted.
  expect(texts(await organiser.send(value(ANSWER.en, ANSWER.fr)))).toContain('reponse enregistree : elle est transmise au participant qui a pose la question');
  const [group] = (await admin('/questions?status=answered')).groups;
  expect(group!.answer).toMatchObject({ ...ANSWER, answeredBy: `teams:${ORGANISER}` });
  await app.questions.deliverDue();
  const delivered = (await connector.waitFor(asker.conversation, 1)).filter((a) => /Answer from the organisers/.test(a.text ?? ''));
  expect(delivered).toHaveLength(1);
  expect(delivered[0]!.text).toContain('certificate');
  expect(delivered[0]!.text).toContain(ANSWER.en);

  // The card in the organisers' channel is replaced in place: answered, by whom, both languages, no form left.
  const [updated] = connector.updated.get(channel) ?? [];
  expect(updated?.id).toBe(connector.sent.get(channel)!.find((s) => s.activity.attachments?.length)!.id);
  const after = updated!.activity.attachments![0]!.content as Card;
  expect(after.actions).toEqual([]);
  const shown = plain(JSON.stringify(after.body));
  expect(shown).toContain(`repondu par teams:${ORGANISER}`);
  expect(shown).toContain(plain(ANSWER.fr));
});
