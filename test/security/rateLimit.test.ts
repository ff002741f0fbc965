import { randomUUID } from 'node:crypto';
import { createApp, type App } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { addressKey } from '../../src/http/rateLimit';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, tempDataDir, testConfig, testStems } from '../helpers/fixtures';
import { describePg, pgSchemaUrl } from '../helpers/postgres';

const ADMIN_TOKEN = 'an-admin-token-of-some-length';

/** Starts an app with the given settings; the returned function stops it and removes its data. */
async function started(env: Record<string, string>): Promise<{ base: string; app: App; stop: () => Promise<void> }> {
  const data = tempDataDir();
  const app = await createApp(testConfig(data.dir, env), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems });
  const base = `http://127.0.0.1:${await app.start(0)}`;
  return {
    base,
    app,
    stop: async () => {
      await app.stop();
      data.cleanup();
    },
  };
}

const question = (base: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ type: 'message', id: randomUUID(), text: 'When is the global forum?', channelId: 'webchat', serviceUrl: 'http://127.0.0.1:9/', deliveryMode: 'expectReplies', from: { id: 'u' }, recipient: { id: 'bot' }, conversation: { id: 'c' } }),
  });
const newToken = (base: string) => fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

async function botReply(base: string, c: { token: string; conversationId: string }): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${base}/v3/directline/conversations/${c.conversationId}/activities`, { headers: { authorization: `Bearer ${c.token}` } });
    const { activities } = (await res.json()) as { activities: Array<{ type: string; text?: string; from: { id: string } }> };
    const reply = activities.find((a) => a.type === 'message' && a.from.id !== 'web');
    if (reply) return reply.text ?? '';
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no reply');
}

async function statuses(n: number, send: () => Promise<Response>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await send()).status);
  return out;
}

describe('rate limits', () => {
  test('when one address sends more messages than allowed, then the excess gets 429 with Retry-After, and health still answers', async () => {
    const s = await started({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      expect(await statuses(3, () => question(s.base))).toEqual([200, 200, 200]);
      const refused = await question(s.base);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(await refused.json()).toEqual({ error: { code: 'TOO_MANY_REQUESTS', message: expect.any(String) } });
      expect((await fetch(`${s.base}/api/health`)).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  test('when an address creates conversations faster than allowed, then the excess gets 429 while its conversations go on', async () => {
    const s = await started({ RATE_LIMIT_CREATE_PER_MINUTE: '2' });
    try {
      const first = (await (await newToken(s.base)).json()) as { token: string; conversationId: string };
      expect((await newToken(s.base)).status).toBe(200);
      expect((await newToken(s.base)).status).toBe(429);
      expect((await fetch(`${s.base}/v3/directline/tokens/generate`, { method: 'POST' })).status).toBe(429);
      // Talking in a conversation already open is not creating one.
      const said = await fetch(`${s.base}/v3/directline/conversations/${first.conversationId}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${first.token}` },
        body: JSON.stringify({ type: 'message', text: 'hello', from: { id: 'web' } }),
      });
      expect(said.status).toBe(200);
      // …and is answered (waited for, so that no turn is left running when the app stops).
      expect(await botReply(s.base, first)).toMatch(/\S/);
    } finally {
      await s.stop();
    }
  });

  test('when one Direct Line token polls faster than allowed, then it gets 429 and another conversation from the same address does not', async () => {
    const s = await started({ RATE_LIMIT_TOKEN_PER_MINUTE: '3' });
    try {
      const [a, b] = (await Promise.all([newToken(s.base), newToken(s.base)].map(async (r) => (await r).json()))) as Array<{ token: string; conversationId: string }>;
      const poll = (c: { token: string; conversationId: string }) => () => fetch(`${s.base}/v3/directline/conversations/${c.conversationId}/activities`, { headers: { authorization: `Bearer ${c.token}` } });
      expect(await statuses(4, poll(a!))).toEqual([200, 200, 200, 429]);
      expect((await poll(b!)()).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  test('when the admin API is called too often, then it gets 429 too', async () => {
    const s = await started({ ADMIN_TOKEN, RATE_LIMIT_TOKEN_PER_MINUTE: '2' });
    try {
      const list = () => fetch(`${s.base}/api/admin/confirmations`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(await statuses(3, list)).toEqual([200, 200, 429]);
    } finally {
      await s.stop();
    }
  });

  test('when a client writes X-Forwarded-For without TRUST_PROXY, then it is still counted by its own address', async () => {
    const s = await started({ RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const spoofed = await statuses(3, () => question(s.base, { 'x-forwarded-for': `203.0.113.${Math.floor(Math.random() * 250)}` }));
      expect(spoofed).toEqual([200, 200, 429]);
    } finally {
      await s.stop();
    }
  });

  test('when TRUST_PROXY names the proxy in front, then each client behind it has its own count', async () => {
    const s = await started({ RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: 'loopback' });
    try {
      const from = (client: string) => () => question(s.base, { 'x-forwarded-for': client });
      expect(await statuses(3, from('203.0.113.7'))).toEqual([200, 200, 429]);
      expect(await statuses(2, from('198.51.100.9'))).toEqual([200, 200]);
    } finally {
      await s.stop();
    }
  });

  test('when a limit is 0, then it is off', async () => {
    const s = await started({ RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_CREATE_PER_MINUTE: '0' });
    try {
      const all = await statuses(40, () => newToken(s.base));
      expect(all.every((st) => st === 200)).toBe(true);
    } finally {
      await s.stop();
    }
  });
});

describe('client addresses', () => {
  test.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('when the address is %s, then it is counted as %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});

describe('rate limit settings', () => {
  test('when nothing is set, then the limits have their defaults and no proxy is trusted', () => {
    expect(loadConfig({})).toMatchObject({ rateLimits: { perMinute: 600, tokenPerMinute: 120, createPerMinute: 30 }, trustProxy: false });
  });

  test.each([
    [{ TRUST_PROXY: 'true' }, true],
    [{ TRUST_PROXY: '2' }, 2],
    [{ TRUST_PROXY: 'loopback, 10.0.0.0/8' }, 'loopback,10.0.0.0/8'],
  ])('when %p is set, then express is told %p', (env, value) => {
    expect(loadConfig(env).trustProxy).toEqual(value);
  });

  test.each([[{ TRUST_PROXY: 'my proxy' }, /TRUST_PROXY/], [{ RATE_LIMIT_PER_MINUTE: '-1' }, /RATE_LIMIT_PER_MINUTE/], [{ RATE_LIMIT_CREATE_PER_MINUTE: 'many' }, /RATE_LIMIT_CREATE_PER_MINUTE/]])(
    'when %p is set, then start-up fails naming the variable',
    (env, message) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    },
  );
});

describePg('rate limits on PostgreSQL', () => {
  test('when two instances share one database, then they count one address together', async () => {
    const db = pgSchemaUrl();
    const a = await started({ DATABASE_URL: db.url, RATE_LIMIT_PER_MINUTE: '3' });
    const b = await started({ DATABASE_URL: db.url, RATE_LIMIT_PER_MINUTE: '3' });
    try {
      expect(await statuses(2, () => question(a.base))).toEqual([200, 200]);
      expect((await question(b.base)).status).toBe(200);
      // The fourth request, whichever instance takes it, is over the shared limit.
      expect((await question(b.base)).status).toBe(429);
      expect((await question(a.base)).status).toBe(429);
    } finally {
      await a.stop();
      await b.stop();
      await db.drop();
    }
  });
});
