import { SqlUnansweredQuestions } from '../../src/questions/unanswered';
import { FeedbackRepository } from '../../src/feedback/repository';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { Retention } from '../../src/privacy/retention';
import { fixedClock } from '../../src/schedule/time';
import { openStores, type Stores } from '../../src/storage/stores';
import { silentLogger, SOURCES_DIR, tempDataDir, testConfig } from '../helpers/fixtures';
import { pgAvailable, pgSchemaUrl } from '../helpers/postgres';
import { FEATURE_MIGRATIONS } from '../../src/schema';

const NOW = '2026-06-01T12:00:00Z';
const daysAgo = (n: number) => new Date(Date.parse(NOW) - n * 86_400_000);

describe.each([['SQLite'], ['PostgreSQL']] as const)('retention on %s', (kind) => {
  const run = kind === 'PostgreSQL' && !pgAvailable ? test.skip : test;
  let stores: Stores;
  let done: () => Promise<void>;
  beforeEach(async () => {
    const data = tempDataDir();
    const schema = kind === 'PostgreSQL' && pgAvailable ? pgSchemaUrl() : undefined;
    stores = await openStores({ dataDir: data.dir, databaseUrl: schema?.url, features: FEATURE_MIGRATIONS });
    done = async () => (await stores.close(), await schema?.drop(), data.cleanup());
  });
  afterEach(async () => done?.());

  run('when the purge runs, then unanswered questions and feedback older than the retention period are gone and newer ones stay', async () => {
    const feedback = new FeedbackRepository(stores.sql);
    for (const [text, age] of [['old question', 91], ['recent question', 89]] as const) await new SqlUnansweredQuestions(stores.sql).record({ text, language: 'en', reason: 'no-match', askedAt: daysAgo(age) });
    for (const [key, age] of [['old-key', 120], ['recent-key', 3]] as const) await feedback.record({ answerKey: key, reaction: 'like', question: `about ${key}`, channelId: 'webchat', now: daysAgo(age) });
    const retention = new Retention({ days: 90 }, fixedClock(NOW), silentLogger);
    retention.register('unanswered-questions', (before) => new SqlUnansweredQuestions(stores.sql).purge(before));
    retention.register('feedback', (before) => feedback.purge(before));
    expect(await retention.purgeNow()).toEqual({ 'unanswered-questions': 1, feedback: 1 });
    expect((await new SqlUnansweredQuestions(stores.sql).list()).map((q) => q.text)).toEqual(['recent question']);
    expect((await feedback.list()).map((f) => f.question)).toEqual(['about recent-key']);
  });
});

describe('the retention job', () => {
  test('when one store’s purge fails, then the others still run and the failure is retried at the next run', async () => {
    let calls = 0;
    const retention = new Retention({ days: 30 }, fixedClock(NOW), silentLogger);
    retention.register('broken', () => (++calls === 1 ? Promise.reject(new Error('database is locked')) : Promise.resolve(2)));
    retention.register('transcripts', (before) => Promise.resolve(before.toISOString() === daysAgo(30).toISOString() ? 5 : -1));
    expect(await retention.purgeNow()).toEqual({ transcripts: 5 });
    expect(await retention.purgeNow()).toEqual({ broken: 2, transcripts: 5 });
  });

  test('when RETENTION_DAYS is unset, then 90 days are kept; a bad value is refused by name', () => {
    expect(loadConfig({ SOURCES_DIR }).retentionDays).toBe(90);
    expect(loadConfig({ SOURCES_DIR, RETENTION_DAYS: '30' }).retentionDays).toBe(30);
    expect(() => loadConfig({ SOURCES_DIR, RETENTION_DAYS: '0' })).toThrow(/RETENTION_DAYS/);
  });

  test('when the app starts, then old unanswered questions are purged without anyone asking', async () => {
    const data = tempDataDir();
    const app = await createApp(testConfig(data.dir, { RETENTION_DAYS: '7' }), { clock: fixedClock(NOW), logger: silentLogger });
    try {
      await app.unanswered.record({ text: 'last month?', language: 'en', reason: 'no-match', askedAt: daysAgo(30) });
      await app.unanswered.record({ text: 'yesterday?', language: 'en', reason: 'no-match', askedAt: daysAgo(1) });
      await app.start(0);
      for (let i = 0; i < 100 && (await app.unanswered.list()).length > 1; i++) await new Promise((r) => setTimeout(r, 20));
      expect((await app.unanswered.list()).map((q) => q.text)).toEqual(['yesterday?']);
    } finally {
      await app.stop();
      data.cleanup();
    }
  });
});
