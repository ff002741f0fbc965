import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { LoopbackConnector } from '../helpers/connector';
import { exchange, postActivity } from '../helpers/http';
import { AFTER, silentLogger, tempDataDir, testConfig, testStems } from '../helpers/fixtures';
import { ModelServer } from './modelServer';
import { BRIEFING_EN, FAITHFUL, PLATFORM_FR, UNFAITHFUL } from './unfaithful';

const server = new ModelServer();
const connector = new LoopbackConnector();
let data: ReturnType<typeof tempDataDir>;
let withModel: App;
let without: App;
let base: string;
let plainBase: string;

beforeAll(async () => {
  const url = await server.start();
  await connector.start();
  data = tempDataDir();
  const limits = { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_TOKEN_PER_MINUTE: '0' };
  const model = { OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'test-model', OPENAI_MAX_RETRIES: '0' };
  withModel = await createApp(testConfig(`${data.dir}/a`, { ...limits, ...model }), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems, streamIntervalMs: 20 });
  without = await createApp(testConfig(`${data.dir}/b`, limits), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems });
  base = `http://127.0.0.1:${await withModel.start(0)}`;
  plainBase = `http://127.0.0.1:${await without.start(0)}`;
});
afterAll(async () => {
  await withModel.stop();
  await without.stop();
  await connector.stop();
  await server.stop();
  data.cleanup();
});

type Sent = { id: string; activity: Partial<Activity> };
type StreamInfo = { type: string; streamType?: string; streamSequence?: number; streamId?: string };

/** A Teams participant's question in a new chat of the given kind: everything the bot sent, in order, once its message came. */
async function askInTeams(text: string, conversationType: 'personal' | 'groupChat', lang: 'en' | 'fr' = 'en', timezone = 'Europe/Paris'): Promise<Sent[]> {
  const conversation = `a:${randomUUID()}`;
  await postActivity(base, {
    text,
    channelId: 'msteams',
    serviceUrl: connector.url,
    locale: lang === 'fr' ? 'fr-FR' : 'en-US',
    from: { id: `29:${randomUUID()}`, name: 'Participant' },
    recipient: { id: '28:bot', name: 'Bot' },
    conversation: { id: conversation, conversationType, ...(conversationType === 'groupChat' ? { isGroup: true } : {}) },
    entities: [{ type: 'clientInfo', locale: lang === 'fr' ? 'fr-FR' : 'en-US', timezone }],
    channelData: { tenant: { id: 'tenant-1' } },
  });
  await connector.waitFor(conversation, 1);
  return connector.sent.get(conversation)!;
}
const streamInfo = (a: Partial<Activity>) => (a.entities ?? []).find((e) => e.type === 'streaminfo') as StreamInfo | undefined;
const messageEntity = (a: Partial<Activity>) => (a.entities ?? []).find((e) => e.type === 'https://schema.org/Message') as { additionalType?: string[]; citation?: unknown[] } | undefined;
/** The streaming protocol's part of what was sent: the activities with a streaminfo entity. */
const streamed = (sent: Sent[]) => sent.filter((s) => streamInfo(s.activity));

describe('generated answers streamed in Teams one-to-one chats', () => {
  test.each([
    ['en', BRIEFING_EN, FAITHFUL[0]!, 'Looking in the note…'],
    ['fr', PLATFORM_FR, FAITHFUL[1]!, 'Je cherche dans la note…'],
  ] as const)('when a participant asks in %s and the guard accepts the answer, then Teams gets an informative update, the growing text, then the final message with the AI label and citations', async (lang, question, faithful, looking) => {
    server.reply = () => ({ answer: faithful.answer });
    const [informative, ...rest] = streamed(await askInTeams(question, 'personal', lang));
    const final = rest.pop()!;
    expect(informative!.activity).toMatchObject({ type: 'typing', text: looking });
    expect(streamInfo(informative!.activity)).toMatchObject({ streamType: 'informative', streamSequence: 1 });
    expect(streamInfo(informative!.activity)?.streamId).toBeUndefined();

    const streamId = informative!.id;
    expect(rest.length).toBeGreaterThan(0);
    rest.forEach((s, i) => {
      expect(s.activity.type).toBe('typing');
      expect(streamInfo(s.activity)).toMatchObject({ streamType: 'streaming', streamSequence: i + 2, streamId });
      // Each update carries the whole text so far.
      if (i > 0) expect(s.activity.text!.startsWith(rest[i - 1]!.activity.text!)).toBe(true);
    });
    expect(rest.at(-1)!.activity.text).toMatch(faithful.shows);

    expect(final.activity.type).toBe('message');
    expect(streamInfo(final.activity)).toMatchObject({ streamType: 'final', streamId });
    expect(final.activity.text).toMatch(faithful.shows);
    expect(messageEntity(final.activity)?.additionalType).toEqual(['AIGeneratedContent']);
    expect(messageEntity(final.activity)?.citation?.length).toBeGreaterThan(0);
    expect(final.activity.channelData).toMatchObject({ feedbackLoopEnabled: true, streamType: 'final', streamId });
  });

  test('when the guard blocks the model’s answer, then the stream ends at once with the extractive answer, without the AI label', async () => {
    server.reply = () => ({ answer: UNFAITHFUL[0]!.answer });
    // Another zone than the faithful answer's: a new question for the cache.
    const sequence = streamed(await askInTeams(BRIEFING_EN, 'personal', 'en', 'Europe/Berlin'));
    expect(sequence.map((s) => streamInfo(s.activity)?.streamType)).toEqual(['informative', 'final']);
    const final = sequence[1]!.activity;
    expect(streamInfo(final)?.streamId).toBe(sequence[0]!.id);
    expect(messageEntity(final)?.additionalType).toBeUndefined();
    const plain = (await exchange(plainBase, BRIEFING_EN, { from: `user-${randomUUID()}`, conversation: `conv-${randomUUID()}`, channelId: 'webchat', localTimezone: 'Europe/Berlin' })).find((a) => a.type === 'message')!;
    expect(final.text).toBe(plain.text);
  });

  test('when the question is asked in a group chat, then the answer comes as one message, not streamed', async () => {
    server.reply = () => ({ answer: FAITHFUL[0]!.answer });
    const sent = await askInTeams(BRIEFING_EN, 'groupChat');
    expect(streamed(sent)).toEqual([]);
    const message = sent.find((s) => s.activity.type === 'message')!.activity;
    expect(message.text).toMatch(FAITHFUL[0]!.shows);
    expect(messageEntity(message)?.additionalType).toEqual(['AIGeneratedContent']);
  });
});
