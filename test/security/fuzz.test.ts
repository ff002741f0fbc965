/**
 * Generated activities, well-formed and hostile, against the two doors an anonymous client can
 * reach: POST /api/messages and the built-in Direct Line's POST …/activities. Whatever comes in,
 * the answer is never a 5xx, a refusal is coded JSON, and the bot stays healthy afterwards.
 * Replies to /api/messages come in the response (expectReplies) or, when a mutation changes the
 * delivery mode, go to a loopback connector that accepts them.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';
import { LoopbackConnector } from '../helpers/connector';

// A fuzz run is a flood from one address: the limits are lifted for it (their own tests check them).
const NO_LIMITS = { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_TOKEN_PER_MINUTE: '0', RATE_LIMIT_CREATE_PER_MINUTE: '0' };
// Bounded runs; the time limit only shortens a run on a slow machine, it asserts nothing.
const RUNS = { messages: 1500, directLine: 1000 };
const TIME_LIMIT_MS = 15_000;

let data: ReturnType<typeof tempDataDir>;
let app: App;
let base: string;
const connector = new LoopbackConnector();

beforeAll(async () => {
  await connector.start();
  data = tempDataDir();
  app = await createApp(testConfig(data.dir, NO_LIMITS), { clock: fixedClock(AFTER), logger: silentLogger });
  base = `http://127.0.0.1:${await app.start(0)}`;
});
afterAll(async () => {
  await app.stop();
  await connector.stop();
  data.cleanup();
});

/** Where a nested structure too deep for JSON.stringify is spliced in as text. */
const DEEP = '__DEEP__';
const deepJson = (levels: number, open: string, close: string) => `${open.repeat(levels)}1${close.repeat(levels)}`;

const hugeString = fc
  .tuple(fc.constantFrom('<style', '<', '<script>', '</script', '&amp;', '\u0000', 'é', ' ', 'a'), fc.integer({ min: 1_000, max: 60_000 }))
  .map(([unit, n]) => unit.repeat(n));
const oddString = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom('', '\ud800', '<at>bot</at>', '<script>alert(1)</script>', 'javascript:x', '../../etc/passwd'));
const text = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('When is the global forum?', 'Comment s’inscrire ?', 'help', 'aide', 'in English please', 'confirm', 'cancel', 'delete my data', 'stats', 'sources status', '') },
  { weight: 3, arbitrary: oddString },
  { weight: 1, arbitrary: hugeString },
);
const account = fc.record({ id: fc.oneof(fc.constant('user-1'), fc.string({ minLength: 1, maxLength: 30 })), name: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }) }, { requiredKeys: ['id'] });
/** Something of the wrong kind for any field. */
const wrongValue = fc.oneof(
  fc.anything({ maxDepth: 3, maxKeys: 5 }),
  fc.constantFrom(null, 0, -1, 1e308, true, [], {}, '', [null], { id: null }, { id: 5 }),
  hugeString,
  fc.constant(DEEP),
);
const FIELDS = ['type', 'id', 'channelId', 'serviceUrl', 'conversation', 'from', 'recipient', 'text', 'locale', 'textFormat', 'entities', 'attachments', 'value', 'channelData', 'membersAdded', 'name', 'deliveryMode', 'localTimezone', 'replyToId', 'extra'];

/** A plausible activity, then up to three of its fields replaced by something wrong. */
const activity = fc
  .record({
    type: fc.constantFrom('message', 'message', 'message', 'event', 'conversationUpdate', 'invoke', 'typing', 'messageReaction', 'endOfConversation', 'installationUpdate', 'unknownType'),
    id: fc.uuid(),
    text,
    locale: fc.constantFrom('en-US', 'fr-FR', 'fr', 'xx', ''),
    name: fc.constantFrom('webchat/join', 'message/submitAction', 'webchat:activity-status/feedback', 'other'),
    from: account,
    entities: fc.array(fc.oneof(fc.record({ type: fc.constantFrom('clientInfo', 'mention', 'https://schema.org/Message') }), fc.record({ type: fc.constant('mention'), mentioned: account, text: oddString })), { maxLength: 3 }),
    value: fc.option(fc.jsonValue({ maxDepth: 4 }), { nil: undefined }),
    membersAdded: fc.option(fc.array(account, { maxLength: 3 }), { nil: undefined }),
    conversation: fc.record({ id: fc.string({ minLength: 1, maxLength: 40 }) }),
  })
  .chain((a) =>
    fc.tuple(
      fc.constant(a),
      fc.array(fc.tuple(fc.constantFrom(...FIELDS), wrongValue), { maxLength: 3 }),
      fc.integer({ min: 2, max: 20_000 }),
      fc.constantFrom('[', '{"a":'),
    ),
  )
  .map(([a, mutations, depth, open]) => {
    const body: Record<string, unknown> = { ...a, channelId: 'fuzz', serviceUrl: connector.url, recipient: { id: 'bot' }, deliveryMode: 'expectReplies' };
    for (const [field, value] of mutations) body[field] = value;
    const close = open === '[' ? ']' : '}';
    return JSON.stringify(body).replace(`"${DEEP}"`, deepJson(depth, open, close));
  });

/** The body as sent: mostly the activity; sometimes not JSON, or not an object, or cut short. */
const body = fc.oneof(
  { weight: 12, arbitrary: activity },
  { weight: 1, arbitrary: activity.chain((json) => fc.integer({ min: 0, max: json.length }).map((n) => json.slice(0, n))) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);
const contentType = fc.oneof(
  { weight: 10, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16le', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json;;;charset', '') },
);

async function expectNoServerError(res: Response, what: string): Promise<void> {
  const answer = await res.text();
  if (res.status >= 500) throw new Error(`${res.status} for ${what.slice(0, 300)}: ${answer.slice(0, 300)}`);
  if (res.status >= 400) expect(JSON.parse(answer)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
}

describe('fuzzing the doors of the bot', () => {
  test('when thousands of generated activities are posted to /api/messages, then none gets a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, async (payload, type) => {
        const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body: payload });
        await expectNoServerError(res, payload);
      }),
      { numRuns: RUNS.messages, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
  });

  test('when thousands of generated activities are posted to a Direct Line conversation, then none gets a 5xx', async () => {
    const { token, conversationId } = (await (await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { token: string; conversationId: string };
    await fc.assert(
      fc.asyncProperty(body, contentType, async (payload, type) => {
        const res = await fetch(`${base}/v3/directline/conversations/${conversationId}/activities`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) }, body: payload });
        await expectNoServerError(res, payload);
      }),
      { numRuns: RUNS.directLine, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
  });

  test('when the fuzzing is over, then health is 200 and a question is still answered', async () => {
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    const res = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', id: randomUUID(), text: 'When is the global forum?', channelId: 'webchat', serviceUrl: 'http://127.0.0.1:9/', deliveryMode: 'expectReplies', from: { id: 'after' }, recipient: { id: 'bot' }, conversation: { id: randomUUID() } }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { activities: Array<{ text: string }> }).activities[0]!.text).toMatch(/September 2020/);
  });
});
