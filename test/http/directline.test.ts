import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, tempDataDir, testConfig, testStems } from '../helpers/fixtures';
import { describePg, pgSchemaUrl } from '../helpers/postgres';

let app: App;
let base: string;
let data: ReturnType<typeof tempDataDir>;
beforeAll(async () => {
  data = tempDataDir();
  app = await createApp(testConfig(data.dir), { clock: fixedClock(AFTER), logger: silentLogger });
  base = `http://127.0.0.1:${await app.start(0)}`;
});
afterAll(async () => {
  await app.stop();
  data.cleanup();
});

interface Started {
  conversationId: string;
  token: string;
}
const dl = (path: string, token: string | undefined, init: RequestInit = {}, on = base) =>
  fetch(`${on}/v3/directline${path}`, { ...init, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) } });

async function start(): Promise<Started> {
  const { token } = (await (await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { token: string };
  const res = await dl('/conversations', token, { method: 'POST' });
  // The token endpoint already opened the conversation: starting it resumes it.
  expect([200, 201]).toContain(res.status);
  return (await res.json()) as Started;
}

async function say(c: Started, text: string, user = 'web_user', on = base): Promise<string> {
  const res = await dl(`/conversations/${c.conversationId}/activities`, c.token, { method: 'POST', body: JSON.stringify({ type: 'message', text, from: { id: user }, locale: 'en-US' }) }, on);
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

async function poll(c: Started, watermark: string | undefined, until: (a: Array<{ type: string; text?: string; from: { id: string; role?: string } }>) => boolean, on = base) {
  for (let i = 0; i < 100; i++) {
    const res = await dl(`/conversations/${c.conversationId}/activities${watermark ? `?watermark=${watermark}` : ''}`, c.token, {}, on);
    const body = (await res.json()) as { activities: Array<{ type: string; text?: string; from: { id: string; role?: string } }>; watermark: string };
    if (until(body.activities)) return body;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error('no reply');
}

type Message = { type: string; text?: string; from: { role?: string } };
const botSaid = (acts: Message[]) => acts.filter((x) => x.from.role !== 'user' && x.type === 'message').map((x) => x.text ?? '').join(' ');

/**
 * A quick participant: each answer is sent the moment the bot's question shows, while the database is
 * slow to write (the question reaches the page well before its turn has saved). With several
 * instances, the messages go to each in turn, as a proxy without stickiness sends them.
 */
async function answerAtOnce(instances: Array<{ app: App; base: string }>, open: () => Promise<Started>): Promise<void> {
  const restore = instances.map(({ app: a }) => {
    const storage = a.stores.botState;
    const write = storage.write.bind(storage);
    storage.write = async (changes) => {
      await new Promise((r) => setTimeout(r, 400));
      return write(changes);
    };
    return () => (storage.write = write);
  });
  try {
    const c = await open();
    let watermark: string | undefined;
    const steps = [
      ["I'd like to confirm my participation", /which (event|session)/i],
      ['the global forum', /your (full )?name/i],
      ['Amina Diallo', /organi[sz]ation/i],
    ] as const;
    for (const [i, [message, question]] of steps.entries()) {
      const on = instances[i % instances.length]!.base;
      await say(c, message, 'web_user', on);
      watermark = (await poll(c, watermark, (acts) => question.test(botSaid(acts)), on)).watermark;
    }
  } finally {
    for (const r of restore) r();
  }
}

describe('the built-in Direct Line endpoint', () => {
  test('when two conversations talk at once, then each gets its own answers, in its language', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect(a.conversationId).not.toBe(b.conversationId);
    await Promise.all([say(a, 'When is the global forum?'), say(b, 'Quand se tient le forum mondial ?')]);
    const [ra, rb] = await Promise.all([
      poll(a, undefined, (acts) => acts.some((x) => x.from.role !== 'user' && x.type === 'message')),
      poll(b, undefined, (acts) => acts.some((x) => x.from.role !== 'user' && x.type === 'message')),
    ]);
    const botText = (acts: typeof ra.activities) => acts.filter((x) => x.from.role !== 'user' && x.type === 'message').map((x) => x.text).join(' ');
    expect(botText(ra.activities)).toMatch(/early September 2020/);
    expect(botText(rb.activities)).toMatch(/début septembre 2020/);
    // Each conversation holds its own question and answer, nothing of the other.
    expect(ra.activities.map((x) => x.text).join(' ')).not.toMatch(/Quand se tient/);
  });

  test('when the participant answers the moment a question arrives, before its turn has saved, then the answer is read as an answer', async () => {
    await answerAtOnce([{ app, base }], () => start());
  });

  test('when polling with a watermark, then only newer activities come, and the history comes back from 0', async () => {
    const c = await start();
    await say(c, 'Which platform will be used?');
    const first = await poll(c, undefined, (acts) => acts.some((x) => /Webex/.test(x.text ?? '')));
    await say(c, 'Will there be interpretation?');
    const second = await poll(c, first.watermark, (acts) => acts.some((x) => /interpretation/i.test(x.text ?? '') && x.from.role !== 'user'));
    expect(second.activities.map((x) => x.text)).not.toContain('Which platform will be used?');
    const all = await poll(c, '0', (acts) => acts.length >= 4);
    expect(all.activities.filter((x) => x.from.role === 'user').map((x) => x.text)).toEqual(['Which platform will be used?', 'Will there be interpretation?']);
  });

  test('when the page reloads with its token, then the same conversation is resumed', async () => {
    const token = async (previous?: string) => (await (await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: previous }) })).json()) as { conversationId: string; token: string; resumed: boolean };
    const first = await token();
    const again = await token(first.token);
    expect(again.conversationId).toBe(first.conversationId);
    expect(again.resumed).toBe(true);
    expect((await token('forged.token')).conversationId).not.toBe(first.conversationId);
  });

  test('when the token is missing or wrong, then 401; when it opens another conversation, then 403', async () => {
    const a = await start();
    const b = await start();
    expect((await dl(`/conversations/${a.conversationId}/activities`, undefined)).status).toBe(401);
    expect((await dl(`/conversations/${a.conversationId}/activities`, `${a.token.slice(0, -2)}xx`)).status).toBe(401);
    expect((await dl(`/conversations/${a.conversationId}/activities`, 'not-a-token')).status).toBe(401);
    expect((await dl(`/conversations/${a.conversationId}/activities`, b.token)).status).toBe(403);
    expect((await dl(`/conversations/${a.conversationId}/activities`, b.token, { method: 'POST', body: JSON.stringify({ type: 'message', text: 'hi', from: { id: 'x' } }) })).status).toBe(403);
  });

  test.each([
    ['malformed JSON', '{"type": "message", "text": '],
    ['not an activity', '["message"]'],
    ['an activity type a client may not send', JSON.stringify({ type: 'conversationUpdate', membersAdded: [{ id: 'x' }] })],
    ['an oversized body', JSON.stringify({ type: 'message', text: 'x'.repeat(100_000), from: { id: 'u' } })],
    ['an oversized message', JSON.stringify({ type: 'message', text: 'x'.repeat(20_000), from: { id: 'u' } })],
  ])('when the post is %s, then 400 with a coded error', async (_what, body) => {
    const c = await start();
    const res = await dl(`/conversations/${c.conversationId}/activities`, c.token, { method: 'POST', body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_ACTIVITY');
  });

  test('when a client pads its activities with data the bot does not read, then the bot answers, and the history keeps what was said and the client’s id only', async () => {
    const c = await start();
    const pad = 'x'.repeat(15_000);
    const res = await dl(`/conversations/${c.conversationId}/activities`, c.token, {
      method: 'POST',
      body: JSON.stringify({ type: 'message', text: `Which platform will be used?${'\u0001'.repeat(500)}`, from: { id: 'web_user' }, locale: 'en-US', channelData: { clientActivityID: 'client-1', messageBack: { displayText: 'Platform' }, pad }, value: { pad }, entities: [{ type: 'pad', pad }] }),
    });
    expect(res.status).toBe(200);
    const { activities } = await poll(c, undefined, (a) => botSaid(a).includes('Webex'));
    const mine = activities.find((a) => a.from.role === 'user') as Record<string, unknown>;
    expect(mine).toMatchObject({ text: 'Which platform will be used?', channelData: { clientActivityID: 'client-1', messageBack: { displayText: 'Platform' } } });
    expect(JSON.stringify(mine)).not.toContain('xxxxxxxxxx');
  });

  test('when the watermark is not a number, then 400', async () => {
    const c = await start();
    expect((await dl(`/conversations/${c.conversationId}/activities?watermark=abc`, c.token)).status).toBe(400);
  });

  test('when someone posts to the connector path without knowing it, then it is not found', async () => {
    const res = await fetch(`${base}/directline-connector/guess/v3/conversations/${randomUUID()}/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message","text":"spoof"}' });
    expect(res.status).toBe(404);
  });
});

describe('with Azure Direct Line', () => {
  test('when DIRECT_LINE_SECRET is set, then the page gets a token from Direct Line and never sees the secret', async () => {
    const seen: string[] = [];
    const azure = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ conversationId: 'azure-conv', token: 'azure-token', expires_in: 3600 }));
    });
    await new Promise<void>((r) => azure.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(azure.address() as { port: number }).port}/v3/directline`;
    const d = tempDataDir();
    const withAzure = await createApp(testConfig(d.dir, { DIRECT_LINE_SECRET: 'the-secret', DIRECT_LINE_ENDPOINT: endpoint }), { logger: silentLogger });
    try {
      const port = await withAzure.start(0);
      const body = await (await fetch(`http://127.0.0.1:${port}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json();
      expect(body).toEqual({ conversationId: 'azure-conv', token: 'azure-token', expires_in: 3600, domain: endpoint, userId: expect.stringMatching(/^dl_/) });
      expect(seen).toEqual(['POST /v3/directline/tokens/generate Bearer the-secret']);
      expect(JSON.stringify(body)).not.toContain('the-secret');
    } finally {
      await withAzure.stop();
      azure.close();
      d.cleanup();
    }
  });
});

describePg('two instances on one PostgreSQL database, behind a proxy without stickiness', () => {
  test('when the participant answers the moment a question arrives, on the other instance, before the first has saved, then the answer is read as an answer', async () => {
    const pg = pgSchemaUrl();
    const dirs = [tempDataDir(), tempDataDir()];
    const instances: Array<{ app: App; base: string }> = [];
    try {
      for (const d of dirs) {
        const one = await createApp(testConfig(d.dir, { DATABASE_URL: pg.url }), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems });
        instances.push({ app: one, base: `http://127.0.0.1:${await one.start(0)}` });
      }
      await answerAtOnce(instances, async () => {
        const { token } = (await (await fetch(`${instances[0]!.base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { token: string };
        return (await (await dl('/conversations', token, { method: 'POST' }, instances[0]!.base)).json()) as Started;
      });
    } finally {
      for (const i of instances) await i.app.stop();
      await pg.drop();
      for (const d of dirs) d.cleanup();
    }
  });
});
