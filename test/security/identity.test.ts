import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { createApp } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { ChannelIssuer } from '../helpers/channelIssuer';
import { ACTIVITY_LIMITS } from '../../src/http/activitySchema';
import { LoopbackConnector } from '../helpers/connector';
import { AFTER, silentLogger, tempDataDir, testConfig, testStems } from '../helpers/fixtures';

const ORGANISER = 'aad-organiser-0001';
const post = (base: string, activity: Record<string, unknown>, authorization?: string) =>
  fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ type: 'message', id: randomUUID(), channelId: 'msteams', recipient: { id: '28:bot' }, conversation: { id: `c-${randomUUID()}` }, ...activity }),
  });
const textOf = async (res: Response) => ((await res.json()) as { activities?: Array<{ text?: string }> }).activities?.map((a) => a.text ?? '').join('\n') ?? '';

async function started(env: Record<string, string>, overrides = {}) {
  const data = tempDataDir();
  const app = await createApp(testConfig(data.dir, { ORGANISER_IDS: ORGANISER, ADMIN_IDS: ORGANISER, ...env }), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems, ...overrides });
  const base = `http://127.0.0.1:${await app.start(0)}`;
  return { app, base, stop: async () => (await app.stop(), data.cleanup()) };
}

describe('without a Microsoft app id (anonymous channels)', () => {
  let s: Awaited<ReturnType<typeof started>>;
  beforeAll(async () => (s = await started({})));
  afterAll(() => s.stop());

  test('when a client posts as an organiser (from.id, aadObjectId, Teams channel), then it gets the participant experience', async () => {
    for (const from of [{ id: ORGANISER }, { id: '29:x', aadObjectId: ORGANISER }, { id: ORGANISER, aadObjectId: ORGANISER, role: 'bot' }]) {
      const res = await post(s.base, { text: 'stats', deliveryMode: 'expectReplies', serviceUrl: 'http://127.0.0.1:9/', from });
      expect(res.status).toBe(200);
      expect(await textOf(res)).toMatch(/for the organisers/);
      const sub = await post(s.base, { text: 'subscribe to digests', deliveryMode: 'expectReplies', serviceUrl: 'http://127.0.0.1:9/', from });
      expect(await textOf(sub)).toMatch(/for the organisers/);
      expect(await textOf(await post(s.base, { text: 'sources status', deliveryMode: 'expectReplies', serviceUrl: 'http://127.0.0.1:9/', from }))).toMatch(/for the admins/);
    }
  });

  test('when a client asks for replies at an address of its choosing, then it is refused (403) and nothing is sent', async () => {
    const res = await post(s.base, { text: 'hello', serviceUrl: 'http://203.0.113.7:8080/', from: { id: 'u1' } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });

  test('when a conversationUpdate names many members, then the bot sends one greeting; 2,000 members are refused outright', async () => {
    const connector = new LoopbackConnector();
    await connector.start();
    const conversation = `c-${randomUUID()}`;
    const update = (n: number) => ({ type: 'conversationUpdate', membersAdded: Array.from({ length: n }, (_, i) => ({ id: `m-${i}` })), serviceUrl: connector.url, from: { id: 'u1' }, conversation: { id: conversation } });
    expect((await post(s.base, update(2000))).status).toBe(400);
    const res = await post(s.base, update(ACTIVITY_LIMITS.maxMembers));
    expect(res.status).toBe(200);
    await connector.waitFor(conversation, 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(connector.received.get(conversation)).toHaveLength(1);
    await connector.stop();
  });

  test('when the channel does not take the reply (closed port), then the request fails with 502 and health counts it', async () => {
    const closed = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const port = (srv.address() as { port: number }).port;
        srv.close(() => resolve(port));
      });
    });
    const res = await post(s.base, { text: 'When is the global forum?', serviceUrl: `http://127.0.0.1:${closed}/`, from: { id: 'u1' } });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_GATEWAY');
    const health = (await (await fetch(`${s.base}/api/health`)).json()) as { deliveryFailures: number };
    expect(health.deliveryFailures).toBeGreaterThanOrEqual(1);
  });
});

describe('the built-in Direct Line', () => {
  let s: Awaited<ReturnType<typeof started>>;
  beforeAll(async () => (s = await started({})));
  afterAll(() => s.stop());

  const open = async (body: Record<string, unknown> = {}) =>
    (await (await fetch(`${s.base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { token: string; conversationId: string; userId: string; user: string };
  const send = (c: { token: string; conversationId: string }, activity: Record<string, unknown>) =>
    fetch(`${s.base}/v3/directline/conversations/${c.conversationId}/activities`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` }, body: JSON.stringify(activity) });
  async function replies(c: { token: string; conversationId: string }, n: number) {
    for (let i = 0; i < 200; i++) {
      const body = (await (await fetch(`${s.base}/v3/directline/conversations/${c.conversationId}/activities`, { headers: { authorization: `Bearer ${c.token}` } })).json()) as { activities: Array<Record<string, unknown> & { from: { id: string; role?: string }; text?: string; type: string }> };
      if (body.activities.filter((a) => a.from.role !== 'user' && a.type === 'message').length >= n) return body.activities;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('no reply');
  }

  test('when a client names itself an organiser, then the server sets who speaks and the bot refuses organiser commands', async () => {
    const c = await open();
    expect(c.userId).toMatch(/^dl_/);
    expect((await send(c, { type: 'message', text: 'stats', from: { id: ORGANISER, aadObjectId: ORGANISER, role: 'bot', name: 'Boss' }, recipient: { id: 'someone' } })).status).toBe(200);
    const acts = await replies(c, 1);
    const mine = acts.find((a) => a.from.role === 'user')!;
    expect(mine.from).toEqual({ id: c.userId, name: 'Boss', role: 'user' });
    expect(acts.filter((a) => a.from.role !== 'user').map((a) => a.text).join(' ')).toMatch(/for the organisers/);
  });

  test('when activities are polled, then none shows the connector address, and a guessed connector path is not found', async () => {
    const c = await open();
    await send(c, { type: 'message', text: 'When is the global forum?', from: { id: 'x' } });
    const acts = await replies(c, 1);
    expect(JSON.stringify(acts)).not.toMatch(/directline-connector|serviceUrl/);
    const guess = await fetch(`${s.base}/directline-connector/${randomUUID()}/v3/conversations/${c.conversationId}/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 're-register at http://evil.example' }) });
    expect(guess.status).toBe(404);
  });

  test('when a page reloads with its user ticket, then it speaks as the same user; a forged ticket gets a new one', async () => {
    const first = await open();
    const again = await open({ user: first.user });
    expect(again.userId).toBe(first.userId);
    expect(again.conversationId).not.toBe(first.conversationId);
    const forged = await open({ user: `${first.user.split('.')[0]}.AAAA` });
    expect(forged.userId).not.toBe(first.userId);
  });

  test('when a client sends a conversationUpdate of its own, then it is refused', async () => {
    const c = await open();
    expect((await send(c, { type: 'conversationUpdate', membersAdded: [{ id: 'a' }], from: { id: 'x' } })).status).toBe(400);
  });
});

describe('with a Microsoft app id: Teams requests signed by the channel', () => {
  const issuer = new ChannelIssuer();
  let s: Awaited<ReturnType<typeof started>>;
  const serviceUrl = 'http://127.0.0.1:9/';
  const teams = (text: string, from: Record<string, unknown>, channelId = 'msteams') => ({ text, deliveryMode: 'expectReplies', serviceUrl, channelId, from });
  beforeAll(async () => {
    await issuer.start();
    s = await started(issuer.env(), { botCredentials: issuer.credentials() });
  });
  afterAll(async () => {
    await s.stop();
    await issuer.stop();
  });

  test('when a signed Teams organiser asks for stats, then the organiser answer comes', async () => {
    const res = await post(s.base, teams('stats', { id: '29:org', name: 'Catherine', aadObjectId: ORGANISER }), await issuer.sign(serviceUrl));
    expect(res.status).toBe(200);
    expect(await textOf(res)).toMatch(/no confirmation recorded yet|confirmations recorded/i);
  });

  test('when a signed Teams participant who is not an organiser asks, then they are refused', async () => {
    const res = await post(s.base, teams('stats', { id: '29:someone', name: 'P', aadObjectId: 'aad-someone' }), await issuer.sign(serviceUrl));
    expect(await textOf(res)).toMatch(/for the organisers/);
  });

  test('when a signed request comes from web chat with an organiser id, then only Teams identities count', async () => {
    const res = await post(s.base, teams('stats', { id: ORGANISER, aadObjectId: ORGANISER }, 'webchat'), await issuer.sign(serviceUrl));
    expect(res.status).toBe(200);
    expect(await textOf(res)).toMatch(/for the organisers/);
  });

  test.each([
    ['no token', async () => undefined],
    ['a token signed with another key', () => issuer.sign(serviceUrl, { forge: true })],
    ['a token for another bot', () => issuer.sign(serviceUrl, { audience: 'another-app' })],
    ['a token from another issuer', () => issuer.sign(serviceUrl, { issuer: 'https://evil.example' })],
    ['a token for another service URL', () => issuer.sign('http://127.0.0.1:10/')],
    ['an expired token', () => issuer.sign(serviceUrl, { expiresIn: '-10m' })],
    ['a token that is not a JWT', async () => 'Bearer not-a-jwt'],
  ])('when an organiser activity carries %s, then 401 and no answer', async (_label, token) => {
    const res = await post(s.base, teams('stats', { id: '29:org', aadObjectId: ORGANISER }), await token());
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  });
});
