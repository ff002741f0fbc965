import type { Activity } from 'botbuilder';
import { QuestionCardLedger } from '../../src/questions/cardLedger';
import { QuestionRepository } from '../../src/questions/repository';
import type { QuestionService } from '../../src/questions/service';
import { MAX_OPEN_PER_PARTICIPANT } from '../../src/questions/service';
import { botHarness, say, type Harness } from '../helpers/botHarness';
import { AFTER, tempDataDir } from '../helpers/fixtures';
import { questionService } from '../helpers/questions';
import { describePg, pgSchemaUrl } from '../helpers/postgres';
import { openStores } from '../../src/storage/stores';
import { FEATURE_MIGRATIONS } from '../../src/schema';

/**
 * "Ask the organisers" as an attacker would use it: flooding the queue from one conversation,
 * Markdown in the question shown back, and what of a participant is left once they delete their data.
 */
let data: ReturnType<typeof tempDataDir>;
let h: Harness;
let questions: QuestionService;
let notified: number;
let posted: Array<Partial<Activity>>;
/** The clock the service reads; a test moves it forward. */
let now: Date;
/** When set, the channel fails as in an outage: the delivery waits to be retried. */
let outage: boolean;

beforeEach(async () => {
  data = tempDataDir();
  notified = 0;
  now = new Date(AFTER);
  outage = false;
  posted = [];
  h = await botHarness(data.dir, {
    questions: (stores) =>
      (questions = questionService(stores, {
        conversation: async (_reference, message) => {
          if (outage) throw Object.assign(new Error('service unavailable'), { statusCode: 503 });
          posted.push(message);
        },
        organisers: {
          ledger: new QuestionCardLedger(stores.sql),
          destinations: () => Promise.resolve([{ key: 'organisers', reference: { conversation: { id: 'organisers' } }, language: 'en' }]),
          cards: {
            post: () => Promise.resolve(`card-${++notified}`),
            update: () => Promise.resolve(),
          },
          render: () => ({ card: {}, summary: '' }),
        },
        clock: { now: () => now },
      })),
  });
});
afterEach(async () => {
  await h.close();
  data.cleanup();
});

const DIFFERENT = ['Can I bring my dog to the consultation?', 'Is parking available near the venue?', 'Will lunch be vegetarian?', 'Can my cousin attend instead of me?', 'Is there a dress code?', 'Will the slides be shared afterwards?', 'Do you reimburse taxi fares?'];

const participant = () => ({ channelId: h.adapter.conversation.channelId!, userId: h.adapter.conversation.user!.id });

test('when one participant sends question after question, then only a few wait at once and the organisers are not told of the rest', async () => {
  const { channelId, userId } = participant();
  for (const text of DIFFERENT) await questions.ask({ text, language: 'en', channelId, userId, reference: { conversation: { id: 'c' } } });
  expect((await questions.groups()).length).toBe(MAX_OPEN_PER_PARTICIPANT);
  // What a run already under way did not take, the next takes.
  await questions.deliverDue();
  await questions.deliverDue();
  expect(notified).toBe(MAX_OPEN_PER_PARTICIPANT);
  // Another participant is not held back by them.
  await questions.ask({ text: 'Will interpretation into Portuguese be offered?', language: 'en', channelId, userId: 'someone-else', reference: {} });
  expect((await questions.groups()).length).toBe(MAX_OPEN_PER_PARTICIPANT + 1);
});

describe.each([
  ['en', 'Will participants receive a certificate of attendance?', 'Ask the organisers', 'yes', 'no', /questions waiting for the organisers/],
  ['fr', 'Est-ce que nous recevrons un certificat de participation ?', 'Poser la question aux organisateurs', 'oui', 'non', /questions en attente/],
] as const)('in %s', (lang, question, ask, yes, no, tooMany) => {
  test('when the participant has too many questions waiting, then the next one is not queued and they are told why', async () => {
    const { channelId, userId } = participant();
    for (const text of DIFFERENT.slice(0, MAX_OPEN_PER_PARTICIPANT)) await questions.ask({ text, language: lang, channelId, userId, reference: {} });
    await say(h, question);
    await say(h, ask);
    await say(h, yes);
    expect(await say(h, no)).toMatch(tooMany);
    expect((await questions.groups()).length).toBe(MAX_OPEN_PER_PARTICIPANT);
  });
});

test('when the question holds Markdown, then the consent shows it as typed, with no link', async () => {
  await say(h, 'Can I [claim my prize](https://evil.example/x) at the **consultation**?');
  const consent = (await h.adapter.send('Ask the organisers').startTest(), h.adapter.activeQueue.splice(0))[0]!.text ?? '';
  expect(consent).not.toMatch(/\]\(https:\/\//);
  expect(consent).toMatch(/> .*\\\*\\\*consultation/);
});

test('when the first asker of a shared question deletes their data, then their words are gone from the group and only the others remain', async () => {
  const { channelId, userId } = participant();
  await questions.ask({ text: 'Will participants receive a certificate of attendance? I am Amina from Dakar.', language: 'en', channelId, userId, reference: {} });
  await questions.ask({ text: 'Is there a certificate for participants who attend?', language: 'en', channelId, userId: 'u2', reference: {} });
  const [answered] = await questions.groups();
  await questions.answer(answered!.id, { en: 'Yes.', fr: 'Oui.' }, 'test');
  await questions.deliverDue();
  // A second, open group of theirs, that someone else asked too.
  await questions.ask({ text: 'Can I bring my dog to the consultation? Amina', language: 'en', channelId, userId, reference: {} });
  await questions.ask({ text: 'Are dogs allowed at the consultation?', language: 'en', channelId, userId: 'u3', reference: {} });

  await questions.forget(channelId, userId);
  const groups = await questions.groups();
  expect(groups).toHaveLength(2);
  expect(JSON.stringify(groups)).not.toMatch(/Amina/);
  expect(groups.map((g) => g.text).sort()).toEqual(['Are dogs allowed at the consultation?', 'Is there a certificate for participants who attend?']);
});

test('when a retention purge removes the first asker of a group, then the group no longer shows their words', async () => {
  const { channelId, userId } = participant();
  await questions.ask({ text: 'Will participants receive a certificate of attendance? I am Amina.', language: 'en', channelId, userId, reference: {} });
  now = new Date(Date.parse(AFTER) + 40 * 86_400_000);
  await questions.ask({ text: 'Is there a certificate for participants who attend?', language: 'en', channelId, userId: 'u2', reference: {} });
  await questions.purge(new Date(Date.parse(AFTER) + 86_400_000));
  const groups = await questions.groups();
  expect(groups.map((g) => g.text)).toEqual(['Is there a certificate for participants who attend?']);
});

test('when a participant deletes their data while the answer waits to reach them, then it is never delivered', async () => {
  const { channelId, userId } = participant();
  await questions.ask({ text: 'Will participants receive a certificate of attendance?', language: 'en', channelId, userId, reference: {} });
  const [group] = await questions.groups();
  outage = true;
  await questions.answer(group!.id, { en: 'Yes.', fr: 'Oui.' }, 'test');
  await questions.deliverDue();
  expect((await questions.groups())[0]!.deliveries.pending).toBe(1);
  await questions.forget(channelId, userId);
  outage = false;
  now = new Date(Date.parse(AFTER) + 86_400_000);
  expect(await questions.deliverDue()).toBe(0);
  expect(posted).toEqual([]);
  expect((await questions.groups())[0]!.deliveries).toEqual({ pending: 0, sent: 0 });
});

describePg('on PostgreSQL', () => {
  test('when the first asker of answered and open groups deletes their data, then the groups are worded by those left, or by the answer', async () => {
    const pgDb = pgSchemaUrl();
    const dir = tempDataDir();
    const stores = await openStores({ dataDir: dir.dir, databaseUrl: pgDb.url, features: FEATURE_MIGRATIONS });
    try {
      const repo = new QuestionRepository(stores.sql);
      const add = (text: string, userId: string, groupId?: string) => repo.add({ groupId, terms: [], text, language: 'en', channelId: 'webchat', userId, conversationReference: {}, email: null, now: new Date(AFTER) });
      const alone = await add('Amina asks: is there a certificate?', 'amina');
      await repo.saveAnswer(alone, { en: 'Yes.', fr: 'Oui.', by: 'test', now: new Date(AFTER) });
      const shared = await add('Amina asks: can I bring a dog?', 'amina');
      await add('Are dogs allowed?', 'other', shared);
      await repo.forget('webchat', 'amina');
      expect((await repo.groups()).map((g) => g.text).sort()).toEqual(['Are dogs allowed?', 'Yes.']);
    } finally {
      await stores.close();
      await pgDb.drop();
      dir.cleanup();
    }
  });
});
