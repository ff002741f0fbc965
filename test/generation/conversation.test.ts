import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { exchange } from '../helpers/http';
import { AFTER, silentLogger, tempDataDir, testConfig, testStems } from '../helpers/fixtures';
import { ModelServer } from './modelServer';
import { BRIEFING_EN, FAITHFUL, UNFAITHFUL } from './unfaithful';

const ADMIN_TOKEN = 'usage-token-0123456789';
const server = new ModelServer();
let data: ReturnType<typeof tempDataDir>;
let withModel: App;
let without: App;
let base: string;
let plainBase: string;

beforeAll(async () => {
  const url = await server.start();
  data = tempDataDir();
  const limits = { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_TOKEN_PER_MINUTE: '0', ADMIN_TOKEN };
  withModel = await createApp(testConfig(`${data.dir}/a`, { ...limits, OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'test-model', OPENAI_MAX_RETRIES: '1' }), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems });
  without = await createApp(testConfig(`${data.dir}/b`, limits), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems });
  base = `http://127.0.0.1:${await withModel.start(0)}`;
  plainBase = `http://127.0.0.1:${await without.start(0)}`;
});
afterAll(async () => {
  await withModel.stop();
  await without.stop();
  await server.stop();
  data.cleanup();
});

/** One question in a new web-chat conversation, from a participant in the given zone: the bot's answer. */
async function ask(at: string, text: string, zone: string): Promise<Partial<Activity>> {
  const replies = await exchange(at, text, { from: `user-${randomUUID()}`, conversation: `conv-${randomUUID()}`, channelId: 'webchat', localTimezone: zone });
  return replies.find((a) => a.type === 'message')!;
}
const messageEntity = (a: Partial<Activity>) => (a.entities ?? []).find((e) => e.type === 'https://schema.org/Message') as { additionalType?: string[]; citation?: unknown[] } | undefined;

describe('generative answers in a conversation', () => {
  test('when the model answers faithfully, then the participant sees its answer with citations and the "AI generated" label', async () => {
    server.reply = () => ({ answer: FAITHFUL[0]!.answer });
    const reply = await ask(base, BRIEFING_EN, 'Europe/Paris');
    expect(reply.text).toMatch(FAITHFUL[0]!.shows);
    expect(reply.text).toMatch(/\[1\]/);
    expect(messageEntity(reply)?.additionalType).toEqual(['AIGeneratedContent']);
    expect(messageEntity(reply)?.citation?.length).toBeGreaterThan(0);
  });

  test('when the model invents a date, then the participant gets exactly the answer the bot gives without a model, with no AI label', async () => {
    server.reply = () => ({ answer: UNFAITHFUL[0]!.answer });
    const reply = await ask(base, BRIEFING_EN, 'Europe/Berlin');
    const plain = await ask(plainBase, BRIEFING_EN, 'Europe/Berlin');
    expect(reply.text).toBe(plain.text);
    expect(messageEntity(reply)?.additionalType).toBeUndefined();
  });

  test('when the model’s server fails, then the participant gets the same answer as without a model', async () => {
    server.reply = () => ({ status: 500 });
    const reply = await ask(base, PLATFORM, 'Africa/Dakar');
    const plain = await ask(plainBase, PLATFORM, 'Africa/Dakar');
    expect(reply.text).toBe(plain.text);
    expect(messageEntity(reply)?.additionalType).toBeUndefined();
  });

  test('when no model is configured, then answers carry no AI label', async () => {
    const reply = await ask(plainBase, BRIEFING_EN, 'Europe/Paris');
    expect(reply.text).toMatch(/20 July 2020/);
    expect(messageEntity(reply)?.additionalType).toBeUndefined();
  });

  test('when organisers look at the usage, then they see the day’s tokens and what became of the answers', async () => {
    // Counting is not on the participant's path: it may land just after the reply (waited for, within bounds).
    type Usage = { generation: { enabled: boolean; days: Array<{ day: string; promptTokens: number; completionTokens: number; outcomes: Record<string, number>; reasons: Record<string, number> }> } };
    const read = async () => (await (await fetch(`${base}/api/admin/usage`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as Usage;
    const counted = (u: Usage) => Object.values(u.generation.days[0]?.outcomes ?? {}).reduce((a, b) => a + b, 0);
    let body = await read();
    for (let i = 0; i < 100 && counted(body) < 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
      body = await read();
    }
    expect(body.generation.enabled).toBe(true);
    const [today] = body.generation.days;
    expect(today!.day).toBe(AFTER.slice(0, 10));
    expect(today!.promptTokens).toBeGreaterThan(0);
    expect(today!.outcomes).toMatchObject({ shown: 1, blocked: 1, fallback: 1 });
    expect(today!.reasons).toMatchObject({ 'unsupported-date': 1, 'http-500': 1 });
    const off = (await (await fetch(`${plainBase}/api/admin/usage`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { generation: { enabled: boolean } };
    expect(off.generation.enabled).toBe(false);
  });
});

const PLATFORM = 'Which videoconference platform will be used?';
