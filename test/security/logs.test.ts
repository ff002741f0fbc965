import { randomUUID } from 'node:crypto';
import { TurnContext, type Activity } from 'botbuilder';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, tempDataDir, testConfig } from '../helpers/fixtures';
import { postActivity } from '../helpers/http';
import { ChannelIssuer } from '../helpers/channelIssuer';
import { LoopbackConnector } from '../helpers/connector';
import { bufferLogger } from './harness';

/**
 * Names, emails and phone numbers never reach the logs: every flow is run against the app as
 * production builds it, logging at "trace" into a buffer, and the buffer is searched for what the
 * participants typed. The turn-error handler is given an error that quotes the dialog state, as
 * PostgreSQL's errors do.
 */
const TOKEN = 'logs-admin-token-0123456789';
const ORGANISER = 'organiser-logs';
const PERSON = {
  name: 'Wanjiru Kamau-Otieno',
  organisation: 'Kenya Chamber of Extractives',
  email: 'wanjiru.kamau@example.org',
  newEmail: 'w.kamau@newmail.example',
  phone: '+254 722 555 019',
  phoneDigits: '722555019',
};
const SECRETS = [PERSON.name, 'Wanjiru', 'Otieno', PERSON.organisation, PERSON.email, 'wanjiru.kamau', PERSON.newEmail, PERSON.phone, PERSON.phoneDigits, 'Nyeri Highlands'];

let app: App;
let base: string;
let data: ReturnType<typeof tempDataDir>;
let log: ReturnType<typeof bufferLogger>;
// Organiser commands are trusted only from signed Teams requests: every request here is signed.
const issuer = new ChannelIssuer();
// The channel's connector refuses every post at once (403): the digest sent to Teams fails and its
// failure is logged, without the retries a closed port would cost (seconds per attempt).
const connector = new LoopbackConnector();
connector.failWith = 403;
beforeAll(async () => {
  await issuer.start();
  await connector.start();
  data = tempDataDir();
  log = bufferLogger('trace');
  app = await createApp(testConfig(data.dir, { ADMIN_TOKEN: TOKEN, ORGANISER_IDS: ORGANISER, LOG_LEVEL: 'trace', ...issuer.env() }), { clock: fixedClock(AFTER), logger: log.logger, botCredentials: issuer.credentials() });
  base = `http://127.0.0.1:${await app.start(0)}`;
});
afterAll(async () => {
  await app?.stop();
  await issuer.stop();
  await connector.stop();
  data?.cleanup();
});

const signed = async (activity: Record<string, unknown>) => postActivity(base, { serviceUrl: connector.url, ...activity }, { authorization: await issuer.sign(connector.url) });

/** One person in one conversation: says each message in turn, returns the replies of the last. */
function person(from = `user-${randomUUID()}`) {
  const conversation = `conv-${randomUUID()}`;
  // The organiser speaks from Teams (its AAD object id); participants from the web page.
  const channel = from === ORGANISER ? { channelId: 'msteams', from: { id: `29:${from}`, aadObjectId: from } } : { channelId: 'webchat', from: { id: from } };
  const say = async (text: string) => {
    const res = await signed({ text, deliveryMode: 'expectReplies', conversation: { id: conversation }, ...channel });
    return ((await res.json()) as { activities?: Array<{ text?: string }> }).activities?.map((a) => a.text ?? '').join('\n') ?? '';
  };
  return { from, conversation, say, script: async (messages: string[]) => { let last = ''; for (const m of messages) last = await say(m); return last; } };
}

const admin = (path: string, init: RequestInit = {}) => fetch(`${base}/api/admin${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}` } });

test('when every flow runs (questions, confirm, change, cancel, feedback, delete data, organiser commands, admin API), then no log line holds a name, an email or a phone number', async () => {
  const p = person();
  expect(await p.say('When is the global forum?')).toMatch(/September/);
  await p.say(`Is there a hotel near the venue? Call me on ${PERSON.phone} or write to ${PERSON.email}`);
  await p.say(`My name is ${PERSON.name}, can I bring my cat?`);
  // Confirm, with a control character the prompt refuses on the way.
  const confirmed = await p.script(["I'd like to confirm my participation", 'the global forum', `${PERSON.name}\u0000`, PERSON.name, PERSON.organisation, PERSON.email, 'government', 'Nyeri Highlands', 'yes', 'yes']);
  expect(confirmed).toMatch(/is recorded/);
  expect(await p.say('What have I confirmed?')).toContain(PERSON.email);
  // Change the email, then cancel.
  expect(await p.script(['I want to change my email', 'no', 'Email', PERSON.newEmail, 'yes'])).toMatch(/updated/);
  // Feedback from Teams, with a comment that holds a phone number.
  await signed({ type: 'invoke', name: 'message/submitAction', from: { id: p.from, name: PERSON.name }, conversation: { id: p.conversation }, replyToId: 'reply-1', value: { actionName: 'feedback', actionValue: { reaction: 'dislike', feedback: JSON.stringify({ feedbackText: `Wrong, call ${PERSON.phone}` }) } } });
  // Organisers in chat, and the admin API.
  const o = person(ORGANISER);
  expect(await o.say('stats')).toMatch(/confirmations recorded: 1/i);
  expect(await o.say('confirmations for the global forum')).toContain('Wanjiru');
  await o.say('subscribe');
  await o.say('digest now');
  for (const path of ['/confirmations', '/confirmations.csv', '/unanswered', '/feedback']) expect((await admin(path)).status).toBe(200);
  await admin('/digest', { method: 'POST' });
  expect(await p.script(['Please cancel my participation', 'yes'])).toMatch(/is cancelled/);
  expect(await p.script(['delete my data', 'yes'])).toMatch(/done/i);

  const lines = log.text();
  expect(lines.split('\n').length).toBeGreaterThan(5);
  for (const secret of SECRETS) expect({ secret, found: lines.includes(secret) }).toEqual({ secret, found: false });
  expect(lines).not.toMatch(/[\w.+-]+@(example|newmail)\.\w+/);
});

test('when a turn fails with an error that quotes the dialog state, then the log holds neither the state nor the details, and the dialog goes on where it was', async () => {
  const p = person();
  await p.script(["I'd like to confirm my participation", 'the global forum', PERSON.name]);
  const activity = { type: 'message', id: randomUUID(), text: PERSON.organisation, channelId: 'webchat', serviceUrl: 'http://127.0.0.1:9/', deliveryMode: 'expectReplies', from: { id: p.from }, recipient: { id: 'bot' }, conversation: { id: p.conversation }, locale: 'en-US' } as Activity;
  const context = new TurnContext(app.adapter, activity);
  const state = JSON.stringify({ dialogState: { dialogStack: [{ state: { options: { draft: { name: PERSON.name, email: PERSON.email } } } }] } });
  const error = Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05', detail: `\\u0000 cannot be converted to text; ${PERSON.email}`, where: `JSON data, line 1: ${state.slice(0, 120)}` });
  await app.adapter.onTurnError!(context, error);
  const apology = context.bufferedReplyActivities.map((a) => a.text).join('\n');
  expect(apology).toMatch(/something went wrong[\s\S]*nothing you told me is lost/i);
  const lines = log.text();
  expect(lines).toMatch(/turn failed/);
  expect(lines).toMatch(/22P05/);
  for (const secret of [PERSON.name, PERSON.email, 'dialogStack', 'draft']) expect(lines).not.toContain(secret);
  // The participant sends the answer again: the dialog was kept and takes it.
  expect(await p.say(PERSON.organisation)).toMatch(/email address/);
});
