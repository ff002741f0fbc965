import { TestAdapter, type Activity } from 'botbuilder';
import { SnapshotConversationState, SnapshotUserState } from '../../src/bot/snapshotState';
import type { ConfirmationRepository } from '../../src/confirmations/confirmation';
import type { Logger } from '../../src/logger';
import { AuthenticationConstants, ClaimsIdentity } from 'botframework-connector';
import { AssistantBot } from '../../src/bot/assistantBot';
import { createTranslator } from '../../src/i18n';
import { openStores, type Stores } from '../../src/storage/stores';
import { ConfirmationService } from '../../src/confirmations/service';
import { SqlConfirmationRepository } from '../../src/confirmations/repository';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, LOCALES_DIR, makeAnswerer, shippedSources, silentLogger, tempDataDir } from './fixtures';
import { FEATURE_MIGRATIONS } from '../../src/schema';
import { SqlUnansweredQuestions, type UnansweredQuestionRepository } from '../../src/questions/unanswered';
import type { QuestionService } from '../../src/questions/service';

export interface Harness {
  adapter: TestAdapter;
  stores: Stores;
  unanswered: UnansweredQuestionRepository;
  service: ConfirmationService;
  close(): Promise<void>;
}

export const TEST_APP_ID = 'test-app-id';
const CHANNEL_ISSUER = AuthenticationConstants.ToBotFromChannelTokenIssuer;

/**
 * The bot as production builds it, over SQLite in dataDir (or PostgreSQL), driven by botbuilder's TestAdapter.
 * Activities on the "msteams" channel arrive as CloudAdapter marks a request whose Bot Framework token it
 * validated (the signed path itself is tested over HTTP with real tokens); every other channel is anonymous.
 */
export async function botHarness(
  dataDir: string,
  opts: { maxMessageLength?: number; organiserIds?: string[]; databaseUrl?: string; channelId?: string; wrap?: (repo: ConfirmationRepository) => ConfirmationRepository; logger?: Logger; questions?: (stores: Stores) => QuestionService } = {},
): Promise<Harness> {
  const stores = await openStores({ dataDir, databaseUrl: opts.databaseUrl, features: FEATURE_MIGRATIONS });
  const clock = fixedClock(AFTER);
  const t = createTranslator(LOCALES_DIR);
  const ledger = new SqlConfirmationRepository(stores.sql);
  const repo = opts.wrap ? opts.wrap(ledger) : ledger;
  const service = new ConfirmationService(repo, () => shippedSources().schedule, clock, t);
  const unanswered = new SqlUnansweredQuestions(stores.sql);
  const bot = new AssistantBot({
    answerer: makeAnswerer(clock),
    t,
    clock,
    unanswered,
    questions: opts.questions?.(stores),
    conversationState: new SnapshotConversationState(stores.botState),
    userState: new SnapshotUserState(stores.botState),
    logger: opts.logger ?? silentLogger,
    maxMessageLength: opts.maxMessageLength ?? 2000,
    confirmations: service,
    organiserIds: opts.organiserIds ?? [],
    trust: { appId: TEST_APP_ID, channelIssuer: CHANNEL_ISSUER },
  });
  const adapter = new TestAdapter(async (context) => bot.run(context));
  adapter.use(async (context, next) => {
    if (context.activity.channelId === 'msteams') {
      context.turnState.set(adapter.BotIdentityKey, new ClaimsIdentity([{ type: 'iss', value: CHANNEL_ISSUER }, { type: 'aud', value: TEST_APP_ID }], true));
    }
    await next();
  });
  if (opts.channelId) adapter.template.channelId = opts.channelId;
  return { adapter, stores, unanswered, service, close: () => stores.close() };
}

export function textOf(activity: Partial<Activity>): string {
  // French spacing (no-break spaces before signs) is checked on its own; here a space is a space.
  return (activity.text ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[\u00a0\u202f]/g, ' ').toLowerCase();
}

/** Says something to the bot and returns every reply of that turn, as text without accents, lower-cased, plain-spaced. */
export async function say(h: Harness, message: string | Partial<Activity>): Promise<string> {
  await h.adapter.send(message).startTest();
  const replies = h.adapter.activeQueue.splice(0);
  return replies.map((a) => `${textOf(a)}${a.suggestedActions ? ` [${a.suggestedActions.actions.map((x) => String(x.title).toLowerCase()).join(' | ')}]` : ''}`).join('\n');
}

/**
 * Gives each test of the calling suite a new harness, on a data folder of its own, through `use`;
 * closes it and removes the folder after the test.
 */
export function harnessPerTest(use: (h: Harness) => void, opts: Parameters<typeof botHarness>[1] = {}): void {
  let data: ReturnType<typeof tempDataDir>;
  let h: Harness;
  beforeEach(async () => {
    data = tempDataDir();
    h = await botHarness(data.dir, opts);
    use(h);
  });
  afterEach(async () => {
    await h.close();
    data.cleanup();
  });
}
