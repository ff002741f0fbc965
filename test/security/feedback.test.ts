import { FeedbackRepository } from '../../src/feedback/repository';
import { openStores, type Stores } from '../../src/storage/stores';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';
import { postActivity } from '../helpers/http';
import { FEATURE_MIGRATIONS } from '../../src/schema';
import { redactContacts } from '../../src/privacy/redaction';

/** Feedback comes back from the client: its key and comment are cut, the table is bounded. */
let data: ReturnType<typeof tempDataDir>;
let stores: Stores;
beforeEach(async () => {
  data = tempDataDir();
  stores = await openStores({ dataDir: data.dir, features: FEATURE_MIGRATIONS });
});
afterEach(async () => {
  await stores.close();
  data.cleanup();
});

const now = new Date('2026-03-01T00:00:00Z');

test('when a client sends a 200,000-character key and comment, then what is stored is cut to a sane length', async () => {
  const feedback = new FeedbackRepository(stores.sql);
  await feedback.record({ answerKey: 'k'.repeat(200_000), reaction: 'dislike', comment: 'c'.repeat(200_000), question: 'q'.repeat(200_000), channelId: 'c'.repeat(10_000), now });
  const row = await stores.sql.get<{ answer_key: string; comment: string; question: string; channel_id: string }>('SELECT answer_key, comment, question, channel_id FROM feedback');
  expect(row!.answer_key.length).toBeLessThanOrEqual(128);
  expect(row!.comment.length).toBeLessThanOrEqual(1000);
  expect(row!.question.length).toBeLessThanOrEqual(1000);
  expect(row!.channel_id.length).toBeLessThanOrEqual(64);
});

test('when a comment holds an email address or a phone number, then organisers see placeholders', async () => {
  const feedback = new FeedbackRepository(stores.sql);
  await feedback.record({ answerKey: 'k1', reaction: 'dislike', comment: 'Wrong date, call me: +254 722 123 456 or amina@example.org', channelId: 'msteams', now });
  expect((await feedback.list())[0]!.comment).toBe('Wrong date, call me: [phone] or [email]');
});

test('when more votes come than the cap, then the oldest go', async () => {
  const feedback = new FeedbackRepository(stores.sql, 3);
  for (let i = 1; i <= 5; i++) await feedback.record({ answerKey: `key-${i}`, reaction: 'like', question: `q${i}`, channelId: 'webchat', now: new Date(now.getTime() + i * 1000) });
  expect((await feedback.list()).map((f) => f.question)).toEqual(['q5', 'q4', 'q3']);
});

/** CPU time of the fastest of a few redactions, in microseconds: the least disturbed by the rest of the machine. */
function redactionMicros(text: string): number {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = process.cpuUsage();
    redactContacts(text);
    const used = process.cpuUsage(start);
    best = Math.min(best, used.user + used.system);
  }
  return Math.max(best, 1);
}

test.each(['c', 'a.b', '1', 'é'])('when a comment is 200,000 characters of `%s` with no space and no "@", then looking for contacts in it costs at most 50 times a sentence of the same size', (unit) => {
  const fill = (u: string) => u.repeat(Math.ceil(200_000 / u.length)).slice(0, 200_000);
  // Each character read again for every one before it would cost thousands of times more.
  expect(redactionMicros(fill(unit)) / redactionMicros(fill('When is the forum? '))).toBeLessThan(50);
});

test('when a comment is 200,000 characters with one "@" in the middle, then looking for contacts in it costs at most 50 times a sentence of the same size', () => {
  const half = 'c'.repeat(100_000);
  const sentence = 'When is the forum? '.repeat(Math.ceil(200_000 / 19)).slice(0, 199_999);
  expect(redactionMicros(`${half}@${half}`) / redactionMicros(`${sentence}@`)).toBeLessThan(50);
});

test('when an address has the longest local part a mail server takes, then all of it is replaced', () => {
  const address = `${'n'.repeat(64)}@${'d'.repeat(60)}.example.org`;
  expect(redactContacts(`write to ${address} please`)).toBe('write to [email] please');
});

describe('over HTTP', () => {
  let app: App;
  // The app's own folder: the database of the tests above is held open by them.
  let appData: ReturnType<typeof tempDataDir>;
  afterEach(async () => {
    await app?.stop();
    appData?.cleanup();
  });

  test('when Web Chat sends a feedback event with an oversized key no answer carried, then it is refused without a fault and nothing is kept', async () => {
    appData = tempDataDir();
    app = await createApp(testConfig(appData.dir), { clock: fixedClock(AFTER), logger: silentLogger });
    const base = `http://127.0.0.1:${await app.start(0)}`;
    const key = 'x'.repeat(200_000);
    const res = await postActivity(base, {
      type: 'event',
      name: 'webchat:activity-status/feedback',
      from: { id: 'u1' },
      conversation: { id: 'c1' },
      deliveryMode: 'expectReplies',
      entities: [{ type: 'https://schema.org/Message', '@type': 'DislikeAction', '@id': `${key}:dislike` }],
    });
    expect(res.status).toBeLessThan(500);
    const row = await app.stores.sql.get<{ n: number }>('SELECT count(*) AS n FROM feedback');
    expect(Number(row!.n)).toBe(0);
  });
});
