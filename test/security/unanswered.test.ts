import { SqlUnansweredQuestions, type UnansweredQuestionRepository } from '../../src/questions/unanswered';
import { openPostgres } from '../../src/storage/postgres';
import { postgresSql, sqliteSql } from '../../src/storage/sql';
import { FEATURE_MIGRATIONS } from '../../src/schema';
import { openDatabase } from '../../src/storage/database';
import { botHarness, say, type Harness } from '../helpers/botHarness';
import { tempDataDir } from '../helpers/fixtures';
import { describePg, pgSchemaUrl, pgAvailable } from '../helpers/postgres';

/**
 * Unanswered questions are shown to organisers: a participant's email address or phone number in
 * one must not reach them, and the table must not grow without end.
 */
const at = (day: number) => new Date(Date.UTC(2026, 0, day));

describe.each([['SQLite'], ['PostgreSQL']] as const)('unanswered questions on %s', (kind) => {
  const run = kind === 'PostgreSQL' && !pgAvailable ? test.skip : test;
  let done: () => Promise<void>;
  let repo: (maxLength?: number, maxRows?: number) => UnansweredQuestionRepository;
  beforeEach(async () => {
    const data = tempDataDir();
    if (kind === 'PostgreSQL' && pgAvailable) {
      const schema = pgSchemaUrl();
      const pool = await openPostgres(schema.url, FEATURE_MIGRATIONS);
      repo = (maxLength, maxRows) => new SqlUnansweredQuestions(postgresSql(pool), maxLength, maxRows);
      done = async () => (await pool.end(), await schema.drop(), data.cleanup());
    } else {
      const db = openDatabase(data.dir, undefined, FEATURE_MIGRATIONS);
      repo = (maxLength, maxRows) => new SqlUnansweredQuestions(sqliteSql(db), maxLength, maxRows);
      done = async () => (db.close(), data.cleanup());
    }
  });
  afterEach(async () => done?.());

  run('when a question holds an email address or a phone number, then organisers see placeholders instead', async () => {
    await repo().record({ text: 'Can you call me on +254 20 762 1234 or write to Amina.Diallo@example.org about the hotel?', language: 'en', reason: 'no-match', askedAt: at(1) });
    await repo().record({ text: 'Mon numéro est le 06 12 34 56 78, y a-t-il un parking le 23.07.2020 ?', language: 'fr', reason: 'no-match', askedAt: at(2) });
    const texts = (await repo().list()).map((q) => q.text);
    expect(texts).toEqual(['Can you call me on [phone] or write to [email] about the hotel?', 'Mon numéro est le [phone], y a-t-il un parking le 23.07.2020 ?']);
  });

  run('when a message is nothing but contact details (an answer meant for a dialog), then it is not stored', async () => {
    await repo().record({ text: 'amina.diallo@example.org', language: 'en', reason: 'unknown-words', askedAt: at(1) });
    await repo().record({ text: '+221 77 123 45 67', language: 'fr', reason: 'unknown-words', askedAt: at(1) });
    expect(await repo().list()).toEqual([]);
  });

  run('when more questions come than the cap, then the oldest are evicted and each text is cut', async () => {
    const small = repo(40, 3);
    for (let i = 1; i <= 5; i++) await small.record({ text: `question ${i} ${'x'.repeat(100)}`, language: 'en', reason: 'no-match', askedAt: at(i) });
    const kept = await small.list();
    expect(kept.map((q) => q.text.slice(0, 10))).toEqual(['question 3', 'question 4', 'question 5']);
    expect(kept.every((q) => q.text.length === 40)).toBe(true);
  });

  run('when a question holds a NUL, then it is stored without it (it would block the queue on PostgreSQL)', async () => {
    await repo().record({ text: 'hotel\u0000 nearby?', language: 'en', reason: 'no-match', askedAt: at(1) });
    expect((await repo().list()).map((q) => q.text)).toEqual(['hotel nearby?']);
  });
});

describe('the bot and unanswered questions', () => {
  let data: ReturnType<typeof tempDataDir>;
  let h: Harness;
  beforeEach(async () => {
    data = tempDataDir();
    h = await botHarness(data.dir);
  });
  afterEach(async () => {
    await h.close();
    data.cleanup();
  });

  test('when a participant sends their email address outside any dialog, then it is not shown to organisers', async () => {
    await say(h, 'amina.diallo@example.org');
    await say(h, 'Is there a hotel for participants? My phone is +254 722 123 456');
    expect((await h.unanswered.list()).map((q) => q.text)).toEqual(['Is there a hotel for participants? My phone is [phone]']);
  });
});

describePg('a participant on PostgreSQL', () => {
  test('when the name holds a NUL, then the dialog survives and the next answer is never stored as an unanswered question', async () => {
    const data = tempDataDir();
    const schema = pgSchemaUrl();
    const h = await botHarness(data.dir, { databaseUrl: schema.url });
    try {
      await say(h, "I'd like to confirm my participation");
      await say(h, 'the global forum');
      await say(h, 'Amina\u0000 Diallo');
      await say(h, 'amina.diallo@example.org');
      expect(await h.unanswered.list()).toEqual([]);
    } finally {
      await h.close();
      await schema.drop();
      data.cleanup();
    }
  });
});
