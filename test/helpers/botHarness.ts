import { ConversationState, TestAdapter, UserState, type Activity } from 'botbuilder';
import { AssistantBot } from '../../src/bot/assistantBot';
import { createTranslator } from '../../src/i18n';
import { openDatabase, type SqliteDatabase } from '../../src/storage/database';
import { SqliteStorage } from '../../src/storage/sqliteStorage';
import { SqliteUnansweredQuestions } from '../../src/storage/unansweredQuestions';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, LOCALES_DIR, makeAnswerer, silentLogger } from './fixtures';

export interface Harness {
  adapter: TestAdapter;
  db: SqliteDatabase;
  unanswered: SqliteUnansweredQuestions;
  close(): void;
}

/** The bot as production builds it, over a SQLite file in dataDir, driven by botbuilder's TestAdapter. */
export function botHarness(dataDir: string, opts: { maxMessageLength?: number } = {}): Harness {
  const db = openDatabase(dataDir);
  const storage = new SqliteStorage(db);
  const unanswered = new SqliteUnansweredQuestions(db);
  const clock = fixedClock(AFTER);
  const bot = new AssistantBot({
    answerer: makeAnswerer(clock),
    t: createTranslator(LOCALES_DIR),
    clock,
    unanswered,
    conversationState: new ConversationState(storage),
    userState: new UserState(storage),
    logger: silentLogger,
    maxMessageLength: opts.maxMessageLength ?? 2000,
  });
  const adapter = new TestAdapter(async (context) => bot.run(context));
  return { adapter, db, unanswered, close: () => db.close() };
}

export function textOf(activity: Partial<Activity>): string {
  return (activity.text ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}
