import { randomUUID } from 'node:crypto';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { LoopbackConnector } from '../helpers/connector';
import { AFTER, plain, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';

let data: ReturnType<typeof tempDataDir>;
let app: App;
let base: string;
const connector = new LoopbackConnector();

beforeAll(async () => {
  await connector.start();
  data = tempDataDir();
  app = await createApp(testConfig(data.dir), { clock: fixedClock(AFTER), logger: silentLogger });
  base = `http://127.0.0.1:${await app.start(0)}`;
});
afterAll(async () => {
  await app.stop();
  await connector.stop();
  data.cleanup();
});

function activity(text: string, extra: Record<string, unknown> = {}) {
  const conversation = `conv-${randomUUID()}`;
  return {
    conversation,
    body: {
      type: 'message',
      id: randomUUID(),
      text,
      channelId: 'emulator',
      serviceUrl: connector.url,
      from: { id: 'user-1', name: 'Participant', role: 'user' },
      recipient: { id: 'bot', name: 'Bot', role: 'bot' },
      conversation: { id: conversation },
      ...extra,
    },
  };
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('POST /api/messages', () => {
  test('when an English question arrives in normal delivery mode, then the answer is posted to the channel’s serviceUrl', async () => {
    const { conversation, body } = activity('When is the briefing session for Africa?');
    const res = await post('/api/messages', body);
    expect(res.status).toBeLessThan(300);
    const [reply] = await connector.waitFor(conversation, 1);
    expect(plain(reply!.text!)).toMatch(/20 july 2020.*23 july 2020/s);
    expect(reply!.replyToId).toBe(body.id);
    // The citations survive the connector's serialisation, every property kept.
    expect(reply!.entities![0]).toMatchObject({ type: 'https://schema.org/Message', '@type': 'Message', citation: expect.arrayContaining([expect.objectContaining({ '@type': 'Claim', appearance: expect.objectContaining({ '@type': 'DigitalDocument' }) })]) });
  });

  test('when turns name two channel endpoints in turn, then each answer reaches the endpoint its activity names', async () => {
    const other = new LoopbackConnector();
    await other.start();
    try {
      for (const target of [connector, other, connector, other]) {
        const { conversation, body } = activity('How do I register?', { serviceUrl: target.url });
        expect((await post('/api/messages', body)).status).toBeLessThan(300);
        const [reply] = await target.waitFor(conversation, 1);
        expect(plain(reply!.text!)).toMatch(/regist/);
        expect((target === connector ? other : connector).received.get(conversation)).toBeUndefined();
      }
    } finally {
      await other.stop();
    }
  });

  test('when a French question asks for expectReplies, then the answer is in the response body', async () => {
    const { conversation, body } = activity('Quelle plateforme de visioconférence sera utilisée ?', { deliveryMode: 'expectReplies' });
    const res = await post('/api/messages', body);
    expect(res.status).toBe(200);
    const json = (await res.json()) as { activities: Array<{ type: string; text: string }> };
    expect(json.activities).toHaveLength(1);
    expect(plain(json.activities[0]!.text)).toMatch(/webex.*source : note d'information/s);
    expect(connector.received.get(conversation)).toBeUndefined();
  });

  test('when two turns of one conversation come over HTTP, then the second is a follow-up of the first', async () => {
    const first = activity('When is the global forum?', { deliveryMode: 'expectReplies' });
    await post('/api/messages', first.body);
    const second = { ...first.body, id: randomUUID(), text: 'et ça dure combien de temps ?' };
    const res = await post('/api/messages', second);
    const json = (await res.json()) as { activities: Array<{ text: string }> };
    expect(plain(json.activities[0]!.text)).toMatch(/forum mondial.*90 minutes/);
  });

  test.each([
    ['not JSON', '{"type": "message",', 'BAD_JSON'],
    ['not an activity', '[1, 2, 3]', 'BAD_ACTIVITY'],
    ['an activity without type', '{"text": "hello"}', 'BAD_ACTIVITY'],
  ])('when the body is %s, then the answer is 400 with a coded JSON error', async (_what, body, code) => {
    const res = await post('/api/messages', body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code, message: expect.any(String) } });
  });

  test('when the body is larger than an activity can be, then the answer is 413', async () => {
    const res = await post('/api/messages', activity('x'.repeat(300 * 1024)).body);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('when the endpoint is read with GET, then it says to POST', async () => {
    const res = await fetch(`${base}/api/messages`);
    expect(res.status).toBe(405);
  });
});

describe('GET /api/health and the rest', () => {
  test('when the sources are loaded and the database answers, then health is 200 with figures', async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: 'sqlite', sources: { passages: expect.any(Number), events: 8 } });
  });

  test('when a page is asked at /, then the chat page is served', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<title>Participant assistant/);
  });

  test('when an unknown path is asked, then 404 comes as JSON', async () => {
    const res = await fetch(`${base}/nowhere`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});

describe('with a Bot Framework app id', () => {
  test('when a request has no valid token, then it is refused with 401', async () => {
    const d = tempDataDir();
    const secured = await createApp(testConfig(d.dir, { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-a-real-secret' }), { logger: silentLogger });
    const port = await secured.start(0);
    try {
      const { body } = activity('When is the global forum?');
      const noToken = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(noToken.status).toBe(401);
      const badToken = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer abc.def.ghi' }, body: JSON.stringify(body) });
      expect(badToken.status).toBe(401);
    } finally {
      await secured.stop();
      d.cleanup();
    }
  });
});

describe('in Teams', () => {
  test('when a Teams participant confirms, then the email of their Teams profile is offered to accept', async () => {
    connector.members.set('29:teams-user', { id: '29:teams-user', name: 'Awa Traoré', email: 'Awa.Traore@example.org', userPrincipalName: 'awa.traore@example.org' });
    const conversation = `a:teams-${randomUUID()}`;
    const turn = async (text: string) => {
      const before = connector.received.get(conversation)?.length ?? 0;
      await post('/api/messages', {
        type: 'message',
        id: randomUUID(),
        text,
        channelId: 'msteams',
        serviceUrl: connector.url,
        from: { id: '29:teams-user', name: 'Awa Traoré', aadObjectId: 'aad-awa' },
        recipient: { id: '28:bot', name: 'Bot' },
        conversation: { id: conversation, conversationType: 'personal' },
        channelData: { tenant: { id: 'tenant-1' } },
      });
      const all = await connector.waitFor(conversation, before + 1);
      return all.slice(before);
    };
    await turn('I would like to confirm my participation in the global forum');
    await turn('Awa Traoré');
    const [ask] = await turn('Ministère des Mines');
    expect(ask!.text).toMatch(/Your Teams profile gives awa\.traore@example\.org/);
    // Teams shows "typing…" while each answer is prepared.
    expect(connector.typing.get(conversation)).toBe(3);
    expect(ask!.suggestedActions?.actions.map((a) => a.value)).toEqual(['awa.traore@example.org']);
  });
});
