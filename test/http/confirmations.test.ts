import { randomUUID } from 'node:crypto';
import { createApp } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, tempDataDir, testConfig, testStems } from '../helpers/fixtures';
import { describePg, pgSchemaUrl } from '../helpers/postgres';
import { exchange, participant } from '../helpers/http';

const TOKEN = 'test-admin-token-0123456789';

const CONFIRM = ["I'd like to confirm my participation in the sub-regional consultation", 'Fatou Ndiaye', '=CMD|calc', 'fatou@example.org', 'civil society', 'Côte d’Ivoire', 'yes', 'yes'];

async function startApp(env: Record<string, string> = {}) {
  const data = tempDataDir();
  const app = await createApp(testConfig(data.dir, { ADMIN_TOKEN: TOKEN, ...env }), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems });
  const base = `http://127.0.0.1:${await app.start(0)}`;
  return { app, base, stop: async () => (await app.stop(), data.cleanup()) };
}

describe('the organisers’ API', () => {
  let base: string;
  let stop: () => Promise<void>;
  beforeAll(async () => ({ base, stop } = await startApp()));
  afterAll(async () => stop());
  const admin = (path: string, init: RequestInit = {}) => fetch(`${base}/api/admin${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) } });

  test('when a whole confirmation goes through /api/messages, then it is in the JSON and in the CSV export', async () => {
    const talk = participant(base);
    let last = '';
    for (const text of CONFIRM) last = await talk(text);
    expect(last).toMatch(/Your reference: \*\*UNEA-/);
    const json = (await (await admin('/confirmations')).json()) as { confirmations: Array<Record<string, unknown>> };
    expect(json.confirmations).toHaveLength(1);
    expect(json.confirmations[0]).toMatchObject({ id: expect.any(String), eventId: 'subregional-africa', name: 'Fatou Ndiaye', email: 'fatou@example.org', organisation: '=CMD|calc', status: 'confirmed', followUp: 'new', createdAt: expect.any(String), country: 'Côte d’Ivoire' });
    expect(json.confirmations[0]).not.toHaveProperty('conversationReference');

    const csv = await admin('/confirmations.csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv; charset=utf-8/);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const [header, row] = text.split('\r\n');
    expect(header).toBe('"reference","event","name","email","organisation","group","country","sessionLanguage","status","followUp","createdAt","updatedAt","id"');
    expect(row).toContain('"Fatou Ndiaye","fatou@example.org","\'=CMD|calc","civil-society","Côte d’Ivoire"');
  });

  test('when follow-up is patched, then it is stored, and filters find it', async () => {
    const [c] = ((await (await admin('/confirmations')).json()) as { confirmations: Array<{ id: string }> }).confirmations;
    const res = await admin(`/confirmations/${c!.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ followUp: 'registration-link-sent' }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { confirmation: { followUp: string } }).confirmation.followUp).toBe('registration-link-sent');
    const filtered = (await (await admin('/confirmations?followUp=registration-link-sent&event=subregional-africa&status=confirmed')).json()) as { confirmations: unknown[] };
    expect(filtered.confirmations).toHaveLength(1);
    expect(((await (await admin('/confirmations?followUp=new')).json()) as { confirmations: unknown[] }).confirmations).toHaveLength(0);
    expect(((await (await admin('/confirmations?since=2099-01-01')).json()) as { confirmations: unknown[] }).confirmations).toHaveLength(0);
  });

  test.each([
    ['/confirmations?status=maybe', 'GET', undefined],
    ['/confirmations?since=yesterday', 'GET', undefined],
    ['/confirmations?colour=blue', 'GET', undefined],
    ['/confirmations/00000000-0000-4000-8000-000000000000', 'PATCH', '{"followUp":"done"}'],
    ['/confirmations/00000000-0000-4000-8000-000000000000', 'PATCH', 'not json'],
  ])('when %s is called (%s) with bad input, then the answer is 400 with a clear JSON error', async (path, method, body) => {
    const res = await admin(path, { method, ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}) });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toMatch(/BAD_REQUEST|BAD_JSON/);
    expect(json.error.message.length).toBeGreaterThan(5);
  });

  test('when an unknown confirmation is patched, then the answer is 404', async () => {
    const res = await admin('/confirmations/00000000-0000-4000-8000-000000000000', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"followUp":"test-session-done"}' });
    expect(res.status).toBe(404);
  });

  test.each([[undefined], ['Bearer wrong-token-wrong-token'], ['Basic abc']])('when the token is %p, then every admin call is refused with 401', async (authorization) => {
    for (const path of ['/confirmations', '/confirmations.csv', '/unanswered']) {
      const res = await fetch(`${base}/api/admin${path}`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
    }
    const patch = await fetch(`${base}/api/admin/confirmations/x`, { method: 'PATCH', body: '{}', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) } });
    expect(patch.status).toBe(401);
  });

  test('when questions went unanswered, then organisers can read them without any identity', async () => {
    await participant(base, 'user-secret-id')('Can you recommend a hotel in Nairobi?');
    const json = (await (await admin('/unanswered')).json()) as { questions: Array<Record<string, unknown>> };
    expect(json.questions.at(-1)).toMatchObject({ text: 'Can you recommend a hotel in Nairobi?', language: 'en' });
    expect(JSON.stringify(json)).not.toContain('user-secret-id');
  });
});

describe('without ADMIN_TOKEN', () => {
  test('when the admin API is called, then it is disabled (401) and says how to enable it', async () => {
    const data = tempDataDir();
    const app = await createApp(testConfig(data.dir), { logger: silentLogger });
    const base = `http://127.0.0.1:${await app.start(0)}`;
    const res = await fetch(`${base}/api/admin/confirmations`, { headers: { authorization: 'Bearer anything-at-all-here' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/ADMIN_TOKEN/);
    await app.stop();
    data.cleanup();
  });
});

describePg('two bot instances on one PostgreSQL database', () => {
  test('when the same participant confirms through both instances at once, then there is one confirmation', async () => {
    const { url, drop } = pgSchemaUrl();
    const one = await startApp({ DATABASE_URL: url });
    const two = await startApp({ DATABASE_URL: url });
    try {
      expect(one.app.stores.kind).toBe('postgres');
      // The same person, in two conversations, each served by another instance, at the same moment.
      const userId = `user-${randomUUID()}`;
      const a = participant(one.base, userId);
      const b = participant(two.base, userId);
      for (const text of CONFIRM.slice(0, -1)) await Promise.all([a(text), b(text)]);
      const [ra, rb] = await Promise.all([a('yes'), b('yes')]);
      expect(`${ra}\n${rb}`).toMatch(/UNEA-/);
      const list = (await (await fetch(`${one.base}/api/admin/confirmations`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { confirmations: Array<{ history: unknown[] }> };
      expect(list.confirmations).toHaveLength(1);
      expect(list.confirmations[0]!.history).toHaveLength(2);
      const viaTwo = (await (await fetch(`${two.base}/api/admin/confirmations`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { confirmations: unknown[] };
      expect(viaTwo.confirmations).toHaveLength(1);
    } finally {
      await one.stop();
      await two.stop();
      await drop();
    }
  });

  test('when the bot runs on PostgreSQL, then a conversation continues on another instance (shared state)', async () => {
    const { url, drop } = pgSchemaUrl();
    const one = await startApp({ DATABASE_URL: url });
    const two = await startApp({ DATABASE_URL: url });
    try {
      const userId = `user-${randomUUID()}`;
      const conversation = `conv-${randomUUID()}`;
      const send = async (base: string, text: string) => (await exchange(base, text, { from: userId, conversation })).map((x) => x.text).join('\n');
      expect(await send(one.base, "I'd like to confirm my participation in the global forum")).toMatch(/full name/);
      expect(await send(two.base, 'Kofi Mensah')).toMatch(/organisation/);
    } finally {
      await one.stop();
      await two.stop();
      await drop();
    }
  });
});
