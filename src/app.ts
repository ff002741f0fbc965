import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { SnapshotConversationState, SnapshotUserState } from './bot/snapshotState';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { channelAuthentication, channelIssuer } from './bot/channelAuth';
import { ChannelAdapter } from './http/botEndpoint';
import { ClientCachingAuthentication } from './bot/clientCache';
import { DELIVERY_FAILED } from './bot/turnFlags';
import type { Config } from './config';
import type { Translate } from './vocabulary';
import { redactedConfig } from './config';
import { createLogger, type Logger } from './logger';
import { createTranslator, localeSection, scriptJson } from './i18n';
import type { KnowledgeSources } from './knowledge/sources';
import { LiveKnowledge } from './sources/live';
import { SourceService, shippedFiles, toSources } from './sources/service';
import { SourceVersionRepository } from './sources/versions';
import { KnowledgeBase } from './knowledge/knowledgeBase';
import { sharedStems, type Analyzer, type StemMemo } from './knowledge/analyzer';
import { shippedGazetteer } from './schedule/gazetteer';
import { Answerer } from './knowledge/answerer';
import { guessLanguage, localeToLang } from './knowledge/language';
import { systemClock, type Clock } from './schedule/time';
import { openStores, type Stores } from './storage/stores';
import { FEATURE_MIGRATIONS } from './schema';
import { RetryingUnansweredQuestions, SqlUnansweredQuestions } from './questions/unanswered';
import { QuestionRepository } from './questions/repository';
import { QuestionService } from './questions/service';
import { cardPoster, conversationSender } from './questions/delivery';
import { QuestionCardLedger } from './questions/cardLedger';
import { answerAction, questionCard } from './questions/teamsCard';
import { ConfirmationService } from './confirmations/service';
import { SqlConfirmationRepository } from './confirmations/repository';
import { AssistantBot } from './bot/assistantBot';
import { TurnLeases } from './bot/turnOrder';
import { keepEntityProperties } from './bot/entities';
import { createHttpApp, type HttpDeps } from './http/server';
import { adminRouter, type AdminDeps } from './http/admin';
import type * as EntraToken from './http/entraToken';
import { organiserTab } from './http/organiserPage';
import { organiserBundle } from './web/bundle';
import type { TabStrings } from './web/organiser/boot';
import { randomBytes, randomUUID } from 'node:crypto';
import { directLine } from './directline/router';
import { FeedbackRepository } from './feedback/repository';
import { calendarRouter } from './http/calendar';
import { legalPages } from './http/legalPages';
import { DirectLineStore } from './directline/store';
import { TokenIssuer } from './directline/tokens';
import { LocalHub, PostgresHub, type ActivityHub } from './directline/hub';
import { attachStreams } from './directline/stream';
import { DigestRepository } from './digests/repository';
import { DigestService, type EmailSender } from './digests/service';
import { DigestScheduler } from './digests/scheduler';
import { proactiveSender, smtpSender } from './digests/senders';
import { Retention } from './privacy/retention';
import type * as Generation from './knowledge/generation';
import type { GenerativeAnswerer, SemanticIndex, UsageRepository } from './knowledge/generation';

export interface AppOverrides {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** How the bot obtains credentials for replies to channels; default: from MicrosoftAppId/Password. */
  readonly botCredentials?: ServiceClientCredentialsFactory;
  /** Shortest time between two updates of a streamed answer; default 1 s, the most Teams accepts. */
  readonly streamIntervalMs?: number;
  /** Stems known from an earlier start (see src/index.ts); default: none yet. */
  readonly stems?: StemMemo;
}

export interface App {
  readonly bot: AssistantBot;
  readonly adapter: ChannelAdapter;
  /** What the bot answers from: the live version of the sources. */
  readonly knowledge: LiveKnowledge;
  readonly sources: SourceService;
  readonly stores: Stores;
  readonly unanswered: RetryingUnansweredQuestions;
  readonly confirmations: ConfirmationService;
  readonly digests: DigestService;
  /** Questions asked of the organisers: the queue, their answers, the deliveries. */
  readonly questions: QuestionService;
  /** The periodic purge of old data; stores register their purge with it. */
  readonly retention: Retention;
  readonly logger: Logger;
  /** Generative answers, when a model is configured, and the semantic index when an embedding model is too. */
  readonly generation: { readonly answerer: GenerativeAnswerer; readonly semantic: SemanticIndex | undefined; readonly usage: UsageRepository } | undefined;
  /** Listens on the given port (0 for any free one) and resolves with the port in use. */
  start(port?: number): Promise<number>;
  stop(): Promise<void>;
}

/** Builds everything from a validated config. The only place where parts are wired together. */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  keepEntityProperties();
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const t = createTranslator(config.localesDir);
  // The shipped files are checked at start (a broken sources/ stops the bot with the reason); the
  // database then says which version is live.
  const files = shippedFiles(config.sourcesDir);
  toSources(files);
  const k = knowledgeParts(clock, t, overrides.stems ?? sharedStems);
  const { knowledge } = k;

  const stores = await openStores({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, features: FEATURE_MIGRATIONS });
  const unanswered = new RetryingUnansweredQuestions(new SqlUnansweredQuestions(stores.sql), (err, pending) =>
    logger.error({ err, pending }, 'could not store an unanswered question; it will be retried'),
  );
  // With a model configured, it phrases the answers the sources give; without, the extractive answers alone.
  const generative = config.generation
    ? generation().generativeAnswers(config.generation, { base: knowledge, knowledgeBase: () => k.baseOf(knowledge.sources), sql: stores.sql, clock, t, logger })
    : undefined;
  // With an embedding model, each version's passages are embedded as it goes live (once per version, across instances).
  const onLive = generative?.semantic ? (s: KnowledgeSources, version: number) => void generative.semantic!.prepare(version, k.baseOf(s)) : undefined;
  const sourceService = new SourceService({ repo: new SourceVersionRepository(stores.sql), live: knowledge, makeAnswerer: k.makeAnswerer, clock, logger, pollMs: config.sourcesPollSeconds * 1000, onLive });
  await sourceService.init(files);
  const confirmations = new ConfirmationService(new SqlConfirmationRepository(stores.sql), () => knowledge.sources.schedule, clock, t);
  const { auth, adapter, directLineAdapter } = channelAdapters(config, overrides, logger, t);
  const email = config.digest.smtpUrl ? smtpSender(config.digest.smtpUrl) : undefined;
  const digestRepo = new DigestRepository(stores.sql);
  const digests = digestService({ config, digestRepo, confirmations, unanswered, adapter, email, clock, t, logger, openQuestions: async () => (await questions.groups('open')).map((g) => ({ id: g.id, text: g.text, askers: g.askers })) });
  const scheduler = new DigestScheduler(digests, logger, { schedule: config.digest.schedule, timezone: config.digest.timezone, retryCheckMs: Math.min(30_000, config.digest.retrySeconds * 1000) });

  // The built-in Direct Line's replies come back on loopback, under a path whose secret never leaves
  // the server (it is not stored with activities nor shown to clients).
  let listeningPort = config.port;
  const connectorPath = `/directline-connector/${randomBytes(32).toString('hex')}`;
  const connectorUrl = () => `http://127.0.0.1:${listeningPort}${connectorPath}/`;
  const questions = questionService({ config, stores, digestRepo, adapter, directLineAdapter, connectorUrl, email, sourceService, analyzer: k.analyzer, clock, t, logger });

  const feedback = new FeedbackRepository(stores.sql);
  const retention = new Retention({ days: config.retentionDays }, clock, logger);
  retention.register('unanswered-questions', (before) => unanswered.purge(before));
  retention.register('feedback', (before) => feedback.purge(before));
  retention.register('questions-for-organisers', (before) => questions.purge(before));
  // Instances on one PostgreSQL database order each conversation's turns between them; one SQLite file has one process.
  const turnLeases = stores.kind === 'postgres' ? new TurnLeases(stores.sql) : undefined;
  if (turnLeases) retention.register('turn-leases', () => turnLeases.purge());
  const bot = new AssistantBot({
    answerer: generative?.answerer ?? knowledge,
    t,
    clock,
    unanswered,
    conversationState: new SnapshotConversationState(stores.botState),
    userState: new SnapshotUserState(stores.botState),
    logger,
    maxMessageLength: config.maxMessageLength,
    confirmations,
    organiserIds: config.organiserIds,
    adminIds: config.adminIds,
    trust: { appId: config.botAuth.appId, channelIssuer: channelIssuer(config) },
    sources: sourceService,
    digests,
    feedback,
    publicUrl: config.publicUrl,
    streaming: generative ? { intervalMs: overrides.streamIntervalMs ?? 1000 } : undefined,
    questions,
    turnLeases,
  });
  const dl = await directLineParts({ config, stores, adapter: directLineAdapter, bot, logger, connectorUrl, retention });
  const deliveryFailures = { count: 0 };
  const http = httpApp({ config, stores, knowledge, adapter, auth, bot, deliveryFailures, directLine: { ...dl.routers, connectorPath }, logger, admin: { confirmations, unanswered, digests, questions, feedback, sources: sourceService, t, usage: generative?.usage }, clock, t });
  const server: Server = createServer(http);
  const streams = attachStreams(server, { store: dl.store, hub: dl.hub, tokens: dl.tokens, logger });
  logger.info({ config: redactedConfig(config), database: stores.kind }, 'configured');

  return {
    bot,
    adapter,
    knowledge,
    sources: sourceService,
    stores,
    unanswered,
    confirmations,
    digests,
    questions,
    retention,
    logger,
    generation: generative,
    ...lifecycle({ server, config, logger, onListening: (port) => (listeningPort = port), running: [scheduler, { start: () => sourceService.watch(), stop: () => sourceService.stop() }], retention, questions, email, streams, unanswered, hub: dl.hub, semantic: generative?.semantic, stores, bot }),
  };
}

/**
 * Starting: listen, then the periodic work (digests, sources polling, retention, question deliveries).
 * Stopping: connections and timers first, then what writes to the database, then the database.
 */
function lifecycle(d: {
  server: Server;
  config: Config;
  logger: Logger;
  onListening: (port: number) => void;
  running: ReadonlyArray<{ start(): void; stop(): void }>;
  retention: Retention;
  questions: QuestionService;
  email: { close(): void } | undefined;
  streams: { close(): Promise<void> | void };
  unanswered: RetryingUnansweredQuestions;
  hub: ActivityHub;
  semantic: SemanticIndex | undefined;
  stores: Stores;
  bot: AssistantBot;
}): Pick<App, 'start' | 'stop'> {
  const { server, config } = d;
  return {
    start: (port = config.port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, config.host, () => {
          const actual = (server.address() as AddressInfo).port;
          d.onListening(actual);
          d.logger.info({ port: actual }, listeningLine(config, actual));
          for (const part of d.running) part.start();
          d.questions.start(Math.min(30_000, config.digest.retrySeconds * 1000));
          d.retention.start();
          resolve(actual);
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        void d.streams.close();
        server.closeAllConnections();
        for (const part of d.running) part.stop();
        const questionsStopped = d.questions.stop();
        d.email?.close();
        server.close(() => {
          d.unanswered.stop();
          void questionsStopped
            // Turns still running (a web chat turn runs after its post was answered) save their state first.
            .then(() => d.bot.idle(5_000))
            .then(() => d.retention.stop())
            .then(() => d.hub.close())
            // An embedding run in progress is cut short (it gives its version back to other instances) before the database closes.
            .then(() => d.semantic?.stop())
            .then(() => d.stores.close())
            .then(() => resolve());
        });
      }),
  };
}

/** The live knowledge, and each version's index, built on first need and shared by the extractive and generative answers. */
function knowledgeParts(clock: Clock, t: Translate, stems: StemMemo) {
  const bases = new WeakMap<KnowledgeSources, KnowledgeBase>();
  // Shared by the indexes of every version: place names and stems do not change with the sources.
  const gazetteer = shippedGazetteer();
  const makeAnswerer = (s: KnowledgeSources) => {
    const kb = new KnowledgeBase(s, gazetteer, stems);
    bases.set(s, kb);
    return new Answerer(kb, clock, t);
  };
  const knowledge = new LiveKnowledge(makeAnswerer);
  const baseOf = (s: KnowledgeSources) => bases.get(s) ?? new KnowledgeBase(s, gazetteer, stems);
  return { knowledge, makeAnswerer, baseOf, analyzer: () => baseOf(knowledge.sources).analyzer };
}

/** The channels' adapter (authenticated as configured, its clients kept) and the built-in Direct Line's, which trusts its in-process activities. */
function channelAdapters(config: Config, overrides: AppOverrides, logger: Logger, t: Translate) {
  const auth = new ClientCachingAuthentication(channelAuthentication(config, overrides.botCredentials));
  const adapter = new ChannelAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error): Promise<void> => {
    logger.error({ err: error, activityType: context.activity.type, channelId: context.activity.channelId }, 'turn failed');
    // The state is kept: a failed turn saved nothing, so the stored state is the last good one and the
    // participant's answers so far (a dialog half done) survive. Apologise in the user's language.
    const lang = guessLanguage(context.activity.text ?? '').lang ?? localeToLang(context.activity.locale) ?? 'en';
    // When the channel itself refused the reply, an apology would only wait for it to refuse again.
    if (context.activity.type === 'message' && !context.turnState.get(DELIVERY_FAILED)) await context.sendActivity(t(lang, 'error.turn')).catch(() => undefined);
  };
  const directLineAdapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  directLineAdapter.onTurnError = adapter.onTurnError;
  return { auth, adapter, directLineAdapter };
}

function digestService(d: {
  config: Config;
  digestRepo: DigestRepository;
  confirmations: ConfirmationService;
  unanswered: RetryingUnansweredQuestions;
  adapter: ChannelAdapter;
  email: EmailSender | undefined;
  openQuestions: () => Promise<Array<{ id: string; text: string; askers: number }>>;
  clock: Clock;
  t: Translate;
  logger: Logger;
}): DigestService {
  const { config, t } = d;
  return new DigestService({
    repo: d.digestRepo,
    confirmations: d.confirmations,
    unanswered: d.unanswered,
    openQuestions: d.openQuestions,
    email: d.email,
    teams: proactiveSender(d.adapter, config.botAuth.appId ?? ''),
    answerAction: (lang, groupId) => answerAction(t, lang, groupId),
    clock: d.clock,
    t,
    logger: d.logger,
    settings: {
      emailTo: config.digest.organiserEmails,
      emailFrom: config.digest.mailFrom,
      languages: config.digest.languages,
      sendEmpty: config.digest.sendEmpty,
      retryBaseMs: config.digest.retrySeconds * 1000,
      retryMaxMs: 3600_000,
      instanceId: randomUUID(),
    },
  });
}

function questionService(d: {
  config: Config;
  stores: Stores;
  digestRepo: DigestRepository;
  adapter: ChannelAdapter;
  directLineAdapter: CloudAdapter;
  connectorUrl: () => string;
  email: EmailSender | undefined;
  sourceService: SourceService;
  analyzer: () => Analyzer;
  clock: Clock;
  t: Translate;
  logger: Logger;
}): QuestionService {
  const { config, t } = d;
  const appId = config.botAuth.appId ?? '';
  return new QuestionService({
    repo: new QuestionRepository(d.stores.sql),
    analyzer: d.analyzer,
    conversation: conversationSender({ adapter: d.adapter, appId }, { adapter: d.directLineAdapter, connectorUrl: d.connectorUrl }),
    email: d.email,
    teach: (pair, actor) => d.sourceService.addQaPair(pair, actor),
    untaught: (pairId, phrasings, actor) => d.sourceService.removeQaPhrasings(pairId, phrasings, actor),
    // Each Teams conversation subscribed to the digests gets the new question with its "Answer" form, updated once answered.
    organisers: {
      ledger: new QuestionCardLedger(d.stores.sql),
      destinations: async () => (await d.digestRepo.subscriptions()).map((s) => ({ key: s.conversationKey, reference: s.conversationReference, language: s.language })),
      cards: cardPoster(d.adapter, appId),
      render: (lang, group) => ({ card: questionCard(t, lang, group), summary: t(lang, 'questions.card.title') }),
    },
    clock: d.clock,
    t,
    logger: d.logger,
    settings: { emailFrom: config.digest.mailFrom, retryBaseMs: config.digest.retrySeconds * 1000, retryMaxMs: 3600_000, emailAfterAttempts: 3 },
  });
}

/**
 * The built-in Direct Line. It keeps its conversations in the database and signs tokens with a key
 * kept there too: a restart, or another instance, goes on with the same conversations.
 */
async function directLineParts(d: { config: Config; stores: Stores; adapter: CloudAdapter; bot: AssistantBot; logger: Logger; connectorUrl: () => string; retention: Retention }) {
  const store = new DirectLineStore(d.stores.sql);
  // Web-chat transcripts: conversations idle for longer than the retention period go, with their activities.
  d.retention.register('web-chat-transcripts', (before) => store.purge(before));
  const tokens = new TokenIssuer(await store.signingKey());
  let hub: ActivityHub = new LocalHub();
  if (d.stores.pool) {
    const shared = new PostgresHub(d.stores.pool, d.logger);
    await shared.start();
    hub = shared;
  }
  const routers = directLine({
    store,
    hub,
    tokens,
    adapter: d.adapter,
    bot: d.bot,
    logger: d.logger,
    connectorUrl: d.connectorUrl,
    botId: d.config.botAuth.appId ?? 'participant-assistant',
    maxTextLength: d.config.maxMessageLength,
    azure: d.config.directLineAzure,
  });
  return { store, tokens, hub, routers };
}

/** The HTTP surface: the turns' endpoint, health, the pages, the organiser tab and its API, Direct Line. */
function httpApp(d: {
  config: Config;
  stores: Stores;
  knowledge: LiveKnowledge;
  adapter: ChannelAdapter;
  auth: ClientCachingAuthentication;
  bot: AssistantBot;
  deliveryFailures: { count: number };
  directLine: NonNullable<HttpDeps['directLine']>;
  logger: Logger;
  admin: Omit<AdminDeps, 'auth' | 'live' | 'logger'>;
  clock: Clock;
  t: Translate;
}) {
  const { config, knowledge, logger } = d;
  // The organiser tab's strings: its own, plus the names it shares with the bot.
  const tabStrings = (lang: 'en' | 'fr') => {
    const section = (name: string) => localeSection(config.localesDir, name)[lang];
    return { organiserTab: section('organiserTab'), groups: section('groups'), followUp: section('followUp'), status: section('status'), languages: section('languages') } as TabStrings;
  };
  const adminEnabled = !!config.adminToken || !!config.teamsSignIn;
  const adminAuth = {
    token: config.adminToken,
    // Organisers and admins alike may use the tab once signed in through Teams.
    signIn: config.teamsSignIn ? { verifier: new (entraToken().EntraTokenVerifier)(config.teamsSignIn), organiserIds: [...config.organiserIds, ...config.adminIds] } : undefined,
    logger,
  };
  return createHttpApp({
    messages: { adapter: d.adapter, auth: d.auth, bot: d.bot, logger, authEnabled: !!config.botAuth.appId, allowedServiceUrls: config.allowedServiceUrls, deliveryFailures: d.deliveryFailures },
    logger,
    health: async () => {
      await d.stores.ping();
      return {
        database: d.stores.kind,
        deliveryFailures: d.deliveryFailures.count,
        sources: { version: knowledge.version, passages: knowledge.sources.notes.fr.passages.length, events: knowledge.sources.schedule.events.length, qa: knowledge.sources.qa.length },
      };
    },
    directLine: d.directLine,
    pageStrings: scriptJson(localeSection(config.localesDir, 'page')),
    organiser: organiserTab({ boot: { strings: { en: tabStrings('en'), fr: tabStrings('fr') }, adminEnabled, teamsSignIn: !!config.teamsSignIn, tokenSignIn: !!config.adminToken }, script: organiserBundle, logger }),
    security: { directLineEndpoint: config.directLineAzure?.endpoint, https: config.publicUrl.startsWith('https:') },
    admin: adminEnabled ? adminRouter({ ...d.admin, auth: adminAuth, live: knowledge, logger }) : undefined,
    edge: { rateLimits: config.rateLimits, trustProxy: config.trustProxy, pool: d.stores.pool, maxMessageLength: config.maxMessageLength },
    extra: [
      ['/api/calendar', calendarRouter({ schedule: () => knowledge.sources.schedule, t: d.t, clock: d.clock })],
      ['/', legalPages({ localesDir: config.localesDir, retentionDays: config.retentionDays, organisers: () => knowledge.sources.schedule.organisers })],
    ],
  });
}

/**
 * Generative answers' module, with the model's client library: loaded only when a model is configured,
 * since it is a noticeable part of what a start loads.
 */
function generation(): typeof Generation {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./knowledge/generation') as typeof Generation;
}

/** The Entra ID token checker, with jose: loaded only when Teams sign-in is set up. */
function entraToken(): typeof EntraToken {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./http/entraToken') as typeof EntraToken;
}

/** The line that tells a newcomer where everything is, once the server listens. */
function listeningLine(config: Config, port: number): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = `http://${host}:${port}`;
  const tab = `${base}/organiser${config.adminToken || config.teamsSignIn ? '' : ' (set ADMIN_TOKEN to open it)'}`;
  return `listening: chat page ${base}/ · organiser tab ${tab} · Bot Framework endpoint ${base}/api/messages`;
}
