import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';

const TOKEN = 'rich-admin-token-0123456789';
let app: App;
let base: string;
let data: ReturnType<typeof tempDataDir>;
beforeAll(async () => {
  data = tempDataDir();
  app = await createApp(testConfig(data.dir, { ADMIN_TOKEN: TOKEN, PUBLIC_URL: 'https://assistant.example.org' }), { clock: fixedClock(AFTER), logger: silentLogger });
  base = `http://127.0.0.1:${await app.start(0)}`;
});
afterAll(async () => {
  await app.stop();
  data.cleanup();
});

type Reply = { text: string; id?: string; entities?: Array<Record<string, unknown>>; channelData?: Record<string, unknown>; suggestedActions?: { actions: Array<{ type: string; title: string; value: string }> } };
async function send(activity: Record<string, unknown>, conversation = `c-${randomUUID()}`): Promise<{ status: number; body: { activities?: Reply[] } & Record<string, unknown> }> {
  const res = await fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: randomUUID(), channelId: 'webchat', serviceUrl: 'http://127.0.0.1:9/', deliveryMode: 'expectReplies', from: { id: 'u-rich' }, recipient: { id: 'bot' }, conversation: { id: conversation }, ...activity }),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as { activities?: Reply[] } };
}

describe('rich answers', () => {
  test('when an answer cites the note, then the citation comes as a Schema.org Claim and a [1] marker', async () => {
    const { body } = await send({ type: 'message', text: 'Which platform will be used?' });
    const reply = body.activities![0]!;
    expect(reply.text).toMatch(/Webex videoconferencing\. \[1\]/);
    expect(reply.text).toMatch(/\[1\]: cite:1 "information note, §3 /);
    const message = reply.entities!.find((e) => e['@type'] === 'Message') as { citation: Array<{ '@type': string; position: number; appearance: { name: string; abstract: string } }>; potentialAction: Array<{ '@type': string }> };
    expect(message.citation[0]).toMatchObject({ '@type': 'Claim', position: '1', appearance: { name: '§3 Proposed schedule for the virtual regional consultations', abstract: expect.stringContaining('Webex') } });
    expect(message.potentialAction.map((a) => a['@type'])).toEqual(['LikeAction', 'DislikeAction']);
    expect(reply.channelData).toEqual({ feedbackLoopEnabled: true });
  });

  test('when an answer gives a date, then "Add to my calendar" links to the .ics in the participant’s language', async () => {
    const { body } = await send({ type: 'message', text: 'Quand a lieu la séance en anglais et en français ?' });
    const actions = body.activities![0]!.suggestedActions!.actions;
    expect(actions[0]).toEqual({ type: 'openUrl', title: 'Ajouter à mon agenda', value: 'https://assistant.example.org/api/calendar/briefing-africa-enfr.ics?lang=fr' });
    expect(actions.map((a) => a.title)).toContain('Confirmer ma participation');
  });

  test('when the .ics is opened in a calendar parser, then the event is at the right UTC time, in the right language', async () => {
    const res = await fetch(`${base}/api/calendar/briefing-africa-enfr.ics?lang=fr`);
    expect(res.headers.get('content-type')).toMatch(/text\/calendar/);
    const vevent = new ICAL.Component(ICAL.parse(await res.text())).getFirstSubcomponent('vevent')!;
    const event = new ICAL.Event(vevent);
    expect(event.startDate.toJSDate().toISOString()).toBe('2020-07-23T10:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2020-07-23T12:00:00.000Z');
    expect(event.summary).toBe("Séance d'information sur la résolution de l'ANUE-4 sur la gouvernance des ressources minérales, Afrique (anglais et français)");
    expect(event.description).toMatch(/Catherine\.Mwangi@un\.org/);
    expect(event.uid).toBe('briefing-africa-enfr@participant-assistant');

    const day = new ICAL.Event(new ICAL.Component(ICAL.parse(await (await fetch(`${base}/api/calendar/subregional-africa.ics`)).text())).getFirstSubcomponent('vevent')!);
    expect(day.startDate.isDate).toBe(true);
    expect(day.startDate.toString()).toBe('2020-08-06');
    expect(day.summary).toMatch(/^Sub-regional consultation/);
  });

  test('when the event has no precise date or does not exist, then 404', async () => {
    expect((await fetch(`${base}/api/calendar/global-forum.ics`)).status).toBe(404);
    expect((await fetch(`${base}/api/calendar/nothing.ics`)).status).toBe(404);
    expect((await fetch(`${base}/api/calendar/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  });
});

describe('feedback on answers', () => {
  const admin = async () => ((await (await fetch(`${base}/api/admin/feedback`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { feedback: Array<Record<string, unknown>> }).feedback;

  test('when Web Chat sends a thumbs down, then organisers see it with the question it was about', async () => {
    const conversation = `c-${randomUUID()}`;
    const { body } = await send({ type: 'message', text: 'Will there be interpretation?' }, conversation);
    const like = (body.activities![0]!.entities![0]!['potentialAction'] as Array<Record<string, unknown>>)[1]!;
    await send({ type: 'event', name: 'webchat:activity-status/feedback', entities: [like] }, conversation);
    expect((await admin())[0]).toMatchObject({ reaction: 'dislike', question: 'Will there be interpretation?', answerKind: 'qa', language: 'en', channelId: 'webchat' });
  });

  test('when a client votes on answers its conversation was never given, then no vote is kept, and a vote on its own answer still is', async () => {
    const before = (await admin()).length;
    const conversation = `c-${randomUUID()}`;
    const { body } = await send({ type: 'message', text: 'Which platform will be used?' }, conversation);
    const own = (body.activities![0]!.entities![0]!['potentialAction'] as Array<Record<string, unknown>>)[0]!;
    // Made-up keys, in this conversation and in one that was never answered.
    for (const [i, where] of [conversation, `c-${randomUUID()}`].entries()) {
      await send({ type: 'event', name: 'webchat:activity-status/feedback', entities: [{ type: 'https://schema.org/Message', '@type': 'DislikeAction', '@id': `made-up-${i}:dislike` }] }, where);
    }
    expect(await admin()).toHaveLength(before);
    await send({ type: 'event', name: 'webchat:activity-status/feedback', entities: [own] }, conversation);
    expect(await admin()).toHaveLength(before + 1);
    expect((await admin())[0]).toMatchObject({ reaction: 'like', question: 'Which platform will be used?' });
  });

  test('when Teams sends its feedback invoke, then it is stored with the comment and answered 200', async () => {
    const conversation = `c-${randomUUID()}`;
    const res = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', id: randomUUID(), text: 'Quelle plateforme sera utilisée ?', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/', deliveryMode: 'expectReplies', from: { id: '29:t' }, recipient: { id: '28:b' }, conversation: { id: conversation } }),
    });
    const reply = ((await res.json()) as { activities: Reply[] }).activities[0]!;
    // With expectReplies the bot's message has no connector id: Teams would give one; the key in the action stands in.
    const key = String((reply.entities![0]!['potentialAction'] as Array<{ '@id': string }>)[0]!['@id']).replace(/:like$/, '');
    const invoke = await send({ type: 'invoke', name: 'message/submitAction', channelId: 'msteams', replyToId: key, value: { actionName: 'feedback', actionValue: { reaction: 'like', feedback: '{"feedbackText":"Très clair"}' } } }, conversation);
    expect(invoke.status).toBe(200);
    expect((await admin())[0]).toMatchObject({ reaction: 'like', comment: 'Très clair', question: 'Quelle plateforme sera utilisée ?', language: 'fr', channelId: 'msteams' });
  });
});
