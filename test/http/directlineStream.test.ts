import { connect } from 'node:net';
import WebSocket from 'ws';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, tempDataDir, testConfig, testStems } from '../helpers/fixtures';
import { describePg, pgSchemaUrl } from '../helpers/postgres';

interface Activity {
  type: string;
  text?: string;
  from: { id: string; role?: string };
}
interface Conversation {
  conversationId: string;
  token: string;
  streamUrl: string;
}

async function startApp(dir: string, env: Record<string, string> = {}): Promise<{ app: App; base: string }> {
  const app = await createApp(testConfig(dir, env), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems });
  return { app, base: `http://127.0.0.1:${await app.start(0)}` };
}
const dl = (base: string, path: string, token: string, init: RequestInit = {}) =>
  fetch(`${base}/v3/directline${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });

async function open(base: string): Promise<Conversation & { user: string }> {
  const t = (await (await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { token: string; user: string };
  const res = await dl(base, '/conversations', t.token, { method: 'POST' });
  return { ...((await res.json()) as Conversation), user: t.user };
}
const say = async (base: string, c: Conversation, text: string) => {
  const res = await dl(base, `/conversations/${c.conversationId}/activities`, c.token, { method: 'POST', body: JSON.stringify({ type: 'message', text, locale: 'en-US' }) });
  expect(res.status).toBe(200);
};

/** A WebSocket on the conversation's stream that collects what it receives. */
async function stream(url: string): Promise<{ received: Activity[]; watermarks: string[]; until(f: (a: Activity[]) => boolean): Promise<Activity[]>; close(): void }> {
  const ws = new WebSocket(url);
  const received: Activity[] = [];
  const watermarks: string[] = [];
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    if (!text) return;
    const group = JSON.parse(text) as { activities: Activity[]; watermark: string };
    received.push(...group.activities);
    watermarks.push(group.watermark);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    received,
    watermarks,
    until: async (f) => {
      for (let i = 0; i < 200 && !f(received); i++) await new Promise((r) => setTimeout(r, 25));
      if (!f(received)) throw new Error(`stream did not deliver: ${JSON.stringify(received.map((a) => a.text))}`);
      return received;
    },
    close: () => ws.close(),
  };
}
const botReplies = (acts: Activity[]) => acts.filter((a) => a.type === 'message' && a.from.role !== 'user');

describe('Direct Line streaming and durability (SQLite)', () => {
  let data: ReturnType<typeof tempDataDir>;
  beforeEach(() => (data = tempDataDir()));
  afterEach(() => data.cleanup());

  test('when a conversation is started, then its streamUrl delivers the participant’s message and the answer as they happen', async () => {
    const { app, base } = await startApp(data.dir);
    try {
      const c = await open(base);
      expect(c.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${c.conversationId}/stream\\?`));
      const s = await stream(c.streamUrl);
      await say(base, c, 'When is the global forum?');
      const acts = await s.until((a) => botReplies(a).length >= 1);
      expect(acts[0]).toMatchObject({ type: 'message', text: 'When is the global forum?', from: { role: 'user' } });
      expect(botReplies(acts).map((a) => a.text).join(' ')).toMatch(/early September 2020/);
      expect(JSON.stringify(acts)).not.toMatch(/serviceUrl|directline-connector/);
      s.close();
    } finally {
      await app.stop();
    }
  });

  test('when a stream is opened with a bad token or another conversation’s token, then the upgrade is refused', async () => {
    const { app, base } = await startApp(data.dir);
    try {
      const [a, b] = await Promise.all([open(base), open(base)]);
      const forged = a.streamUrl.replace(/t=[^&]+/, 't=not-a-token');
      const crossed = a.streamUrl.replace(/t=[^&]+/, `t=${encodeURIComponent(b.token)}`);
      for (const url of [forged, crossed]) await expect(stream(url)).rejects.toThrow(/401/);
    } finally {
      await app.stop();
    }
  });

  test('when an upgrade asks for an address that cannot be read, then it is refused and the bot goes on serving', async () => {
    const { app, base } = await startApp(data.dir);
    try {
      const port = new URL(base).port;
      for (const path of ['/v3/directline/conversations/%FF/stream', '//', '/v3/directline/conversations/%E0%A4%A/stream?t=x']) {
        const status = await new Promise<string>((resolve, reject) => {
          const socket = connect(Number(port), '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`));
          let got = '';
          // No answer within 5 s is an answer too: the refusal never came.
          socket.setTimeout(5_000, () => socket.destroy());
          socket.on('data', (d: Buffer) => (got += d.toString()));
          socket.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
          socket.on('error', reject);
        });
        expect(status).toBe('HTTP/1.1 400 Bad Request');
      }
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
    } finally {
      await app.stop();
    }
  });

  test('when the bot restarts between two turns, then the same token goes on with the same conversation and its history', async () => {
    let { app, base } = await startApp(data.dir);
    const c = await open(base);
    await say(base, c, 'Which platform will be used?');
    const s = await stream(c.streamUrl);
    await s.until((a) => botReplies(a).length >= 1);
    s.close();
    await app.stop();

    ({ app, base } = await startApp(data.dir));
    try {
      const again = await dl(base, `/conversations/${c.conversationId}?watermark=0`, c.token);
      expect(again.status).toBe(200);
      const resumed = (await again.json()) as Conversation;
      await say(base, resumed, 'When is the global forum?');
      const history = await (await stream(resumed.streamUrl)).until((a) => botReplies(a).length >= 2);
      expect(history.filter((a) => a.from.role === 'user').map((a) => a.text)).toEqual(['Which platform will be used?', 'When is the global forum?']);
    } finally {
      await app.stop();
    }
  });

  test('when a page comes back after its token expired, then its user ticket resumes the same conversation', async () => {
    const { app, base } = await startApp(data.dir);
    try {
      const c = await open(base);
      await say(base, c, 'Which platform will be used?');
      // A token from an hour and more ago: the same conversation, signed by the same key, expired.
      const [body] = c.token.split('.');
      const expiredClaims = { ...JSON.parse(Buffer.from(body!, 'base64url').toString()), e: Date.now() - 1000 };
      expect((await dl(base, `/conversations/${c.conversationId}`, `${Buffer.from(JSON.stringify(expiredClaims)).toString('base64url')}.${c.token.split('.')[1]}`)).status).toBe(401);
      const withoutTicket = (await (await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: c.token.replace(/.$/, 'x') }) })).json()) as { conversationId: string };
      expect(withoutTicket.conversationId).not.toBe(c.conversationId);
      const withTicket = (await (await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: c.token, user: c.user }) })).json()) as { conversationId: string; resumed: boolean };
      expect(withTicket).toMatchObject({ conversationId: c.conversationId, resumed: true });
    } finally {
      await app.stop();
    }
  });
});

describePg('Direct Line on two instances sharing PostgreSQL', () => {
  test('when a conversation is served by two instances alternately, then a stream on one receives what the other answers', async () => {
    const pg = pgSchemaUrl();
    const [da, db] = [tempDataDir(), tempDataDir()];
    const a = await startApp(da.dir, { DATABASE_URL: pg.url });
    const b = await startApp(db.dir, { DATABASE_URL: pg.url });
    try {
      const c = await open(a.base);
      const onA = await stream(c.streamUrl);
      await say(b.base, c, 'When is the global forum?');
      await onA.until((acts) => botReplies(acts).length >= 1);
      await say(a.base, c, 'Which platform will be used?');
      const all = await onA.until((acts) => botReplies(acts).length >= 2);
      expect(botReplies(all).map((x) => x.text).join(' ')).toMatch(/early September 2020[\s\S]*Webex/i);
      const polled = (await (await dl(b.base, `/conversations/${c.conversationId}/activities`, c.token)).json()) as { activities: Activity[] };
      expect(polled.activities.filter((x) => x.from.role === 'user').map((x) => x.text)).toEqual(['When is the global forum?', 'Which platform will be used?']);
      onA.close();
    } finally {
      await a.app.stop();
      await b.app.stop();
      await pg.drop();
      da.cleanup();
      db.cleanup();
    }
  });
});
