import WebSocket from 'ws';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';
import { ModelServer } from '../generation/modelServer';
import { BRIEFING_EN, FAITHFUL, UNFAITHFUL } from '../generation/unfaithful';

/**
 * Web Chat on the built-in Direct Line, with a model configured: what the page's client receives on
 * the conversation's stream while a generated answer is made.
 */
interface StreamInfo {
  type: string;
  streamType?: string;
  streamSequence?: number;
  streamId?: string;
}
interface Activity {
  id: string;
  type: string;
  text?: string;
  from: { id: string; role?: string };
  channelData?: { streamType?: string; streamSequence?: number; streamId?: string };
  entities?: Array<{ type: string; additionalType?: string[] } & Partial<StreamInfo>>;
}

const server = new ModelServer();
let data: ReturnType<typeof tempDataDir>;
let app: App;
let base: string;

beforeAll(async () => {
  const url = await server.start();
  data = tempDataDir();
  const env = { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_TOKEN_PER_MINUTE: '0', OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'test-model', OPENAI_MAX_RETRIES: '0' };
  app = await createApp(testConfig(data.dir, env), { clock: fixedClock(AFTER), logger: silentLogger, streamIntervalMs: 20 });
  base = `http://127.0.0.1:${await app.start(0)}`;
});
afterAll(async () => {
  await app.stop();
  await server.stop();
  data.cleanup();
});

const dl = (path: string, token: string, init: RequestInit = {}) =>
  fetch(`${base}/v3/directline${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });

/** A conversation as the page opens it, its stream collecting everything the client receives. */
async function open(): Promise<{ say(text: string, timezone: string): Promise<void>; until(f: (a: Activity[]) => boolean): Promise<Activity[]>; close(): void }> {
  const { token } = (await (await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { token: string };
  const c = (await (await dl('/conversations', token, { method: 'POST' })).json()) as { conversationId: string; token: string; streamUrl: string };
  const ws = new WebSocket(c.streamUrl);
  const received: Activity[] = [];
  ws.on('message', (raw: Buffer) => {
    const text = raw.toString();
    if (text) received.push(...(JSON.parse(text) as { activities: Activity[] }).activities);
  });
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  return {
    say: async (text, timezone) => {
      const res = await dl(`/conversations/${c.conversationId}/activities`, c.token, { method: 'POST', body: JSON.stringify({ type: 'message', text, locale: 'en-US', localTimezone: timezone }) });
      expect(res.status).toBe(200);
    },
    until: async (f) => {
      for (let i = 0; i < 400 && !f(received); i++) await new Promise((r) => setTimeout(r, 25));
      if (!f(received)) throw new Error(`the stream did not deliver: ${JSON.stringify(received.map((a) => [a.type, a.text]))}`);
      return received;
    },
    close: () => ws.close(),
  };
}

const fromBot = (acts: Activity[]) => acts.filter((a) => a.from.role !== 'user');
const streamInfo = (a: Activity) => a.entities?.find((e) => e.type === 'streaminfo');
const answered = (acts: Activity[]) => fromBot(acts).some((a) => a.type === 'message');
/** The streaming protocol's part of what the bot sent (a plain typing indicator may come first). */
const streamed = (acts: Activity[]) => fromBot(acts).filter((a) => streamInfo(a));

describe('generated answers streamed to Web Chat on the built-in Direct Line', () => {
  test('when the guard accepts the answer, then the client sees the informative update, the growing text under one stream id, then the final message with the AI label', async () => {
    server.reply = () => ({ answer: FAITHFUL[0]!.answer });
    const chat = await open();
    try {
      await chat.say(BRIEFING_EN, 'Europe/Paris');
      const [informative, ...rest] = streamed(await chat.until(answered));
      const final = rest.pop()!;
      expect(informative).toMatchObject({ type: 'typing', text: 'Looking in the note…', channelData: { streamType: 'informative', streamSequence: 1 } });
      expect(streamInfo(informative!)).toMatchObject({ streamType: 'informative', streamSequence: 1 });

      // The stream's id is the informative update's, as the channel gave it.
      const streamId = informative!.id;
      expect(rest.length).toBeGreaterThan(0);
      rest.forEach((a, i) => {
        expect(a.type).toBe('typing');
        expect(a.channelData).toMatchObject({ streamType: 'streaming', streamSequence: i + 2, streamId });
        expect(streamInfo(a)).toMatchObject({ streamType: 'streaming', streamSequence: i + 2, streamId });
        if (i > 0) expect(a.text!.startsWith(rest[i - 1]!.text!)).toBe(true);
      });
      expect(rest.at(-1)!.text).toMatch(FAITHFUL[0]!.shows);

      expect(final.type).toBe('message');
      expect(final.channelData).toMatchObject({ streamType: 'final', streamId });
      expect(final.text).toMatch(FAITHFUL[0]!.shows);
      expect(final.entities?.find((e) => e.type === 'https://schema.org/Message')?.additionalType).toEqual(['AIGeneratedContent']);
    } finally {
      chat.close();
    }
  });

  test('when the model’s answer is unfaithful, then none of its text reaches the client: the informative update, then the extractive answer without the AI label', async () => {
    const unfaithful = UNFAITHFUL[0]!;
    server.reply = () => ({ answer: unfaithful.answer });
    const chat = await open();
    try {
      // Another zone than the first test's: not an answer the cache holds.
      await chat.say(BRIEFING_EN, 'Europe/Berlin');
      const received = await chat.until(answered);
      const bot = streamed(received);
      expect(bot.map((a) => [a.type, a.channelData?.streamType])).toEqual([
        ['typing', 'informative'],
        ['message', 'final'],
      ]);
      const final = bot[1]!;
      expect(final.channelData?.streamId).toBe(bot[0]!.id);
      expect(final.entities?.find((e) => e.type === 'https://schema.org/Message')?.additionalType).toBeUndefined();
      const modelText = unfaithful.answer.sentences.map((s) => s.text);
      for (const a of fromBot(received)) for (const sentence of modelText) expect(a.text ?? '').not.toContain(sentence);
      expect(final.text).toMatch(/20 July 2020/);
    } finally {
      chat.close();
    }
  });
});
