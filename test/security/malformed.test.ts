import { randomUUID } from 'node:crypto';
import { Agent, request, type ClientRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { createApp, type App } from '../../src/app';
import { cleanText } from '../../src/bot/assistantBot';
import { parseClientActivity } from '../../src/http/activitySchema';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';

let data: ReturnType<typeof tempDataDir>;
let app: App;
let base: string;

beforeAll(async () => {
  data = tempDataDir();
  app = await createApp(testConfig(data.dir), { clock: fixedClock(AFTER), logger: silentLogger });
  base = `http://127.0.0.1:${await app.start(0)}`;
});
afterAll(async () => {
  await app.stop();
  data.cleanup();
});

/** A well-formed activity; each case below breaks one thing in it. Replies come in the response (no outbound call). */
function activity(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: randomUUID(),
    text: 'When is the global forum?',
    channelId: 'webchat',
    serviceUrl: 'http://127.0.0.1:9/',
    deliveryMode: 'expectReplies',
    from: { id: 'user-1', name: 'Participant' },
    recipient: { id: 'bot' },
    conversation: { id: `conv-${randomUUID()}` },
    locale: 'en-US',
    ...extra,
  };
}
const without = (key: string) => {
  const a = activity();
  delete a[key];
  return a;
};
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
/** JSON text of an activity with `raw` (JSON text, not an object) in one field: nesting that JSON.stringify could not even build. */
const withRaw = (field: string, raw: string) => JSON.stringify(activity({ [field]: '__RAW__' })).replace('"__RAW__"', raw);

const post = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${base}/api/messages`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });

async function expectCodedError(res: Response, status: number | RegExp, code?: string): Promise<void> {
  if (typeof status === 'number') expect(res.status).toBe(status);
  else expect(String(res.status)).toMatch(status);
  const json = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
  expect(json).toEqual({ error: { code: code ?? expect.any(String), message: expect.any(String) } });
}

describe('POST /api/messages with malformed activities', () => {
  test.each<[string, string]>([
    ['no channelId', JSON.stringify(without('channelId'))],
    ['an empty channelId', JSON.stringify(activity({ channelId: '' }))],
    ['no conversation', JSON.stringify(without('conversation'))],
    ['no conversation.id', JSON.stringify(activity({ conversation: {} }))],
    ['a numeric conversation.id', JSON.stringify(activity({ conversation: { id: 42 } }))],
    ['no from', JSON.stringify(without('from'))],
    ['a from without id', JSON.stringify(activity({ from: { name: 'x' } }))],
    ['a null from', JSON.stringify(activity({ from: null }))],
    ['no recipient', JSON.stringify(without('recipient'))],
    ['no serviceUrl', JSON.stringify(without('serviceUrl'))],
    ['a serviceUrl that is not http', JSON.stringify(activity({ serviceUrl: 'file:///etc/passwd' }))],
    ['a serviceUrl that is a number', JSON.stringify(activity({ serviceUrl: 8080 }))],
    ['a numeric text', JSON.stringify(activity({ text: 12 }))],
    ['an object as text', JSON.stringify(activity({ text: { toString: 'x' } }))],
    ['a text of 150,000 characters', JSON.stringify(activity({ text: 'a'.repeat(150_000) }))],
    ['a numeric locale', JSON.stringify(activity({ locale: 7 }))],
    ['an array as locale', JSON.stringify(activity({ locale: ['fr'] }))],
    ['a very long locale', JSON.stringify(activity({ locale: 'fr-'.repeat(100) }))],
    ['a numeric textFormat', JSON.stringify(activity({ textFormat: 1 }))],
    ['no type', JSON.stringify(without('type'))],
    ['a numeric type', JSON.stringify(activity({ type: 3 }))],
    ['an empty type', JSON.stringify(activity({ type: '' }))],
    ['entities that are not an array', JSON.stringify(activity({ entities: { type: 'mention' } }))],
    ['a null entity', JSON.stringify(activity({ entities: [null] }))],
    ['a mention of no one', JSON.stringify(activity({ entities: [{ type: 'mention', text: '<at>bot</at>' }] }))],
    ['a thousand entities', JSON.stringify(activity({ entities: Array.from({ length: 1000 }, () => ({ type: 'clientInfo' })) }))],
    ['a thousand attachments', JSON.stringify(activity({ attachments: Array.from({ length: 1000 }, () => ({ contentType: 'text/plain' })) }))],
    ['members that are strings', JSON.stringify(activity({ type: 'conversationUpdate', membersAdded: ['bot', 'user'] }))],
    ['a value nested 20 deep', withRaw('value', nested(20))],
    ['channelData of 5,000 values', JSON.stringify(activity({ channelData: { list: Array.from({ length: 5000 }, (_x, i) => i) } }))],
    ['a from nested 5,000 deep', withRaw('from', nested(5000))],
    ['a body nested 100,000 deep in arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['100 extra fields', JSON.stringify(activity(Object.fromEntries(Array.from({ length: 100 }, (_x, i) => [`field${i}`, i]))))],
    ['an invoke the bot does not implement', JSON.stringify(activity({ type: 'invoke', name: 'composeExtension/nothing' }))],
    ['a message action that is not the feedback buttons', JSON.stringify(activity({ type: 'invoke', name: 'message/submitAction', deliveryMode: 'normal', value: { other: 'omfp' } }))],
    ['an array', '[{"type": "message"}]'],
    ['null', 'null'],
    ['a string', '"message"'],
    ['a number', '42'],
    ['truncated JSON', JSON.stringify(activity()).slice(0, 50)],
  ])('when the activity has %s, then the answer is 400 with a coded JSON error', async (_what, body) => {
    await expectCodedError(await post(body), 400);
  });

  test('when the body is declared in latin1, then the answer is 415 and nothing is read', async () => {
    const body = Buffer.from(JSON.stringify(activity({ text: 'Où est la séance ?' })), 'latin1');
    await expectCodedError(await post(body, { 'content-type': 'application/json; charset=latin1' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test.each([['application/json; charset=utf-16'], ['application/json; charset="ISO-8859-1"'], ['text/plain'], ['application/x-www-form-urlencoded']])(
    'when the body is sent as %s, then the answer is 415',
    async (contentType) => {
      await expectCodedError(await post(JSON.stringify(activity()), { 'content-type': contentType }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    },
  );

  test('when the body has no content type, then the answer is 415', async () => {
    await expectCodedError(await post(Buffer.from(JSON.stringify(activity())), {}), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('when the body is compressed, then the answer is 415 (no inflating of what a client sends)', async () => {
    const res = await post(gzipSync(JSON.stringify(activity())), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    await expectCodedError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('when the body says it is larger than 256 KiB, then the answer is 413 before it is read', async () => {
    await expectCodedError(await post(JSON.stringify(activity({ text: 'x'.repeat(300 * 1024) }))), 413, 'PAYLOAD_TOO_LARGE');
  });

  /** Raw requests on one kept-alive connection: each answer, and whether the connection still serves the next. */
  async function onOneConnection(requests: Array<(req: ClientRequest) => void>): Promise<Array<{ status: number; body: string }>> {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const answers: Array<{ status: number; body: string }> = [];
    for (const send of requests) {
      answers.push(
        await new Promise((resolve, reject) => {
          const req = request(`${base}/api/messages`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on('socket', (socket) => sockets.add(socket));
          req.on('error', reject);
          send(req);
        }),
      );
    }
    agent.destroy();
    expect(sockets.size).toBe(1);
    return answers;
  }

  test('when a body without a declared length grows past 256 KiB, then 413, and the connection then serves a good activity', async () => {
    const [tooLarge, next] = await onOneConnection([
      (req) => {
        // Chunked: no Content-Length to refuse it by, the limit is found while reading.
        for (let i = 0; i < 40; i++) req.write(`{"text": "${'x'.repeat(10_000)}", `);
        req.end('"type": "message"}');
      },
      (req) => req.end(JSON.stringify(activity())),
    ]);
    expect(tooLarge!.status).toBe(413);
    expect(JSON.parse(tooLarge!.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(next!.status).toBe(200);
    expect(next!.body).toMatch(/September 2020/);
  });

  test('when a body starts with a byte order mark or is sent in chunks, then it is read as the same activity', async () => {
    const text = JSON.stringify(activity());
    const answers = await onOneConnection([
      (req) => req.end(`\uFEFF${text}`),
      (req) => {
        for (const part of text.match(/[^]{1,7}/g)!) req.write(part);
        req.end();
      },
    ]);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body).toMatch(/September 2020/);
    }
  });

  test('when a body is empty, then it is not an activity; when it is only spaces, then it is not JSON', async () => {
    await expectCodedError(await post(''), 400, 'BAD_ACTIVITY');
    await expectCodedError(await post('   \n '), 400, 'BAD_JSON');
  });

  test('when the charset is written UTF-8 in any case, then the activity is answered', async () => {
    const res = await post(JSON.stringify(activity()), { 'content-type': 'Application/JSON; Charset="UTF-8"' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { activities: Array<{ text: string }> }).activities[0]!.text).toMatch(/September 2020/);
  });

  test('when a text is longer than the bot reads but within the edge’s bound, then the bot says so politely', async () => {
    const res = await post(JSON.stringify(activity({ text: '<style>'.repeat(5000) })));
    expect(res.status).toBe(200);
    const [reply] = ((await res.json()) as { activities: Array<{ text: string }> }).activities;
    expect(reply!.text).toMatch(/too long|trop long/i);
  });

  test('when Teams sends a message as HTML with a mention, its clientInfo and its channel data, then it passes and is answered', async () => {
    const teams = activity({
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      text: '<at>Participant assistant</at> <p>When is the <b>global forum</b>?</p>',
      textFormat: 'plain',
      timestamp: '2026-11-28T09:00:00.000Z',
      localTimestamp: '2026-11-28T12:00:00.000+03:00',
      localTimezone: 'Africa/Nairobi',
      from: { id: `29:${'x'.repeat(120)}`, name: 'Awa Traoré', aadObjectId: randomUUID() },
      recipient: { id: '28:bot-app-id', name: 'Participant assistant' },
      conversation: { id: `a:${'y'.repeat(150)}`, conversationType: 'personal', tenantId: randomUUID() },
      attachments: [{ contentType: 'text/html', content: '<p>When is the <b>global forum</b>?</p>' }],
      entities: [
        { type: 'clientInfo', locale: 'en-US', country: 'KE', platform: 'Web', timezone: 'Africa/Nairobi' },
        { type: 'mention', mentioned: { id: '28:bot-app-id', name: 'Participant assistant' }, text: '<at>Participant assistant</at>' },
      ],
      channelData: { tenant: { id: randomUUID() }, source: { name: 'message' } },
    });
    const res = await post(JSON.stringify(teams));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { activities: Array<{ text: string }> }).activities[0]!.text).toMatch(/September 2020/);
  });

  test('when Web Chat posts a message as it does to Direct Line, then the client activity passes as it is', () => {
    const webChat = {
      type: 'message',
      text: 'Quand a lieu le forum mondial ?',
      textFormat: 'plain',
      locale: 'fr-FR',
      localTimestamp: '2026-11-28T12:00:00+03:00',
      localTimezone: 'Africa/Nairobi',
      timestamp: '2026-11-28T09:00:00.000Z',
      from: { id: 'dl_user', name: '', role: 'user' },
      channelData: { clientActivityID: randomUUID(), clientTimestamp: '2026-11-28T09:00:00.000Z', attachmentSizes: [] },
      entities: [{ type: 'ClientCapabilities', requiresBotState: true, supportsListening: true, supportsTts: true }],
      attachments: [],
    };
    expect(parseClientActivity(webChat)).toEqual(webChat);
    // The endpoint names the sender from its token: a client's `from` may be left out altogether.
    expect(() => parseClientActivity({ ...webChat, from: { name: 'no id' } })).not.toThrow();
  });

  test('when all of the above has been sent, then health is 200 and a well-formed question is answered', async () => {
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    const res = await post(JSON.stringify(activity({ text: 'Quand a lieu le forum mondial ?', locale: 'fr-FR' })));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { activities: Array<{ text: string }> }).activities[0]!.text).toMatch(/septembre 2020/);
  });
});

/** The regular expressions cleanText used to be: the reference for what it must still do. */
function regexCleanText(text: string): string {
  return (
    text
      .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<[^>]{0,500}>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200d\ufeff]/g, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

const SIZE = 256 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

/** CPU time of the fastest of a few runs, in microseconds: the least disturbed by the rest of the machine. */
function cpuMicros(text: string): number {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = process.cpuUsage();
    cleanText(text);
    const used = process.cpuUsage(start);
    best = Math.min(best, used.user + used.system);
  }
  return Math.max(best, 1);
}

describe('cleaning the text of a message', () => {
  test('when markup, entities and control characters come mixed, then the text is what the former regular expressions made of it', () => {
    const piece = fc.constantFrom('<', '>', '</', '<script', '<SCRIPT', '<Style', '</script', '</style', '</STYLE >', '<scripts', 'style', ' ', '\n', '\t', 'a', 'é', 'İ', '&', '&amp;', '&lt;', '&gt;', '&nbsp;', 'lt;', '\u0000', '\u200b', '\r', 'x'.repeat(250), '_');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        expect(cleanText(text)).toBe(regexCleanText(text));
      }),
      { numRuns: 3000 },
    );
  });

  test('when a Teams message comes as HTML, then the participant’s words are left', () => {
    expect(cleanText('<p>When is the <b>global</b>&nbsp;forum?</p><style>p{}</style><script>x()</script>')).toBe('When is the global forum?');
  });

  const plain = fill('Quand a lieu la séance d’information pour l’Afrique ? When is the global forum? ');
  test.each<[string, string]>([
    ['`<style` repeated', fill('<style')],
    ['`<script` repeated', fill('<script')],
    ['`<` repeated', fill('<')],
    ['an unclosed `<script>` before text', `<script>${fill('a')}`.slice(0, SIZE)],
    ['`<script>` openers without a closer', fill('<script>a')],
    ['closers that never match', `<script>${fill('</script x')}`.slice(0, SIZE)],
    ['`<style>` then closers padded with spaces', `<style>${fill(`</style${' '.repeat(300)}`)}`.slice(0, SIZE)],
    ['tags 500 characters long', fill(`<${'x'.repeat(500)}>`)],
    ['tags one character too long', fill(`<${'x'.repeat(501)}`)],
    ['entities', fill('&amp;&lt;&nbsp;')],
    ['white space and control characters', fill(' \u0000\t\u200b\n')],
  ])('when 256 KB of %s are cleaned, then it costs at most ten times plain text of the same size', (_what, hostile) => {
    expect(hostile.length).toBe(SIZE);
    const ratio = cpuMicros(hostile) / cpuMicros(plain);
    expect(ratio).toBeLessThan(10);
  });
});
