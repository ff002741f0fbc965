/**
 * Benchmarks (`npm run bench`): prints figures, asserts nothing.
 *  1. answer turns per second in-process (the answerer alone, and a whole bot turn with SQLite state);
 *  2. HTTP turns per second and p50/p99 latency at 50 concurrent connections on /api/messages
 *     (expectReplies), beside a plain echo bot on the same stack (express + CloudAdapter), same run;
 *  3. retrieval latency on the note and on a synthetic corpus 1,000 times its size;
 *  4. confirmations recorded per second in the ledger, on SQLite and on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { ActivityHandler, ConfigurationBotFrameworkAuthentication, MessageFactory } from 'botbuilder';
import { createApp } from '../../src/app';
import { createHttpApp } from '../../src/http/server';
import { ChannelAdapter } from '../../src/http/botEndpoint';
import { KnowledgeBase } from '../../src/knowledge/knowledgeBase';
import { LexicalRetriever } from '../../src/knowledge/retriever';
import { fixedClock } from '../../src/schedule/time';
import { botHarness } from '../helpers/botHarness';
import pg from 'pg';
import { openStores } from '../../src/storage/stores';
import { SqlConfirmationRepository } from '../../src/confirmations/repository';
import type { ConfirmationInput, ConfirmationRepository } from '../../src/confirmations/confirmation';
import { AFTER, makeAnswerer, shippedSources, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';
import { FEATURE_MIGRATIONS } from '../../src/schema';

const QUESTIONS = [
  'When is the briefing session for Africa?',
  'Quand a lieu la séance d’information pour l’Afrique ?',
  'What time is the English-only briefing in Dakar?',
  'How do I register?',
  'Comment s’inscrire ?',
  'Which platform will be used?',
  'Quelle est la date limite pour les commentaires ?',
  'How long is the sub-regional consultation?',
  'Can you recommend a hotel in Nairobi?',
  'Dans quelles langues les documents seront-ils disponibles ?',
];

const fmt = (n: number, d = 1) => n.toFixed(d);
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function inProcess(): Promise<void> {
  const answerer = makeAnswerer();
  const n = 5000;
  let t = performance.now();
  for (let i = 0; i < n; i++) answerer.answer(QUESTIONS[i % QUESTIONS.length]!, { lang: i % 2 ? 'fr' : 'en' });
  const answerRate = n / ((performance.now() - t) / 1000);

  const data = tempDataDir();
  const h = await botHarness(data.dir);
  const turns = 1000;
  t = performance.now();
  for (let i = 0; i < turns; i++) await h.adapter.send(QUESTIONS[i % QUESTIONS.length]!).startTest();
  const turnRate = turns / ((performance.now() - t) / 1000);
  await h.close();
  data.cleanup();
  console.log(`in-process   answers/s (answerer alone): ${fmt(answerRate, 0)}   bot turns/s (TestAdapter + SQLite state): ${fmt(turnRate, 0)}`);
}

async function load(url: string, label: string): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  let i = 0;
  const result = await autocannon({
    url: `${url}/api/messages`,
    connections: 50,
    duration: 8,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req: autocannon.Request) => ({
          ...req,
          body: JSON.stringify({
            type: 'message',
            id: randomUUID(),
            text: QUESTIONS[i++ % QUESTIONS.length],
            channelId: 'bench',
            serviceUrl: 'http://127.0.0.1:9/',
            deliveryMode: 'expectReplies',
            from: { id: `user-${i % 200}` },
            recipient: { id: 'bot' },
            conversation: { id: `bench-${i % 200}` },
          }),
        }),
      },
    ],
  });
  const errors = result.errors + result.non2xx;
  console.log(`  ${label.padEnd(20)} ${fmt(result.requests.average, 0).padStart(6)} turns/s   p50 ${fmt(result.latency.p50)} ms   p99 ${fmt(result.latency.p99)} ms   errors ${errors}`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors };
}

async function http(): Promise<void> {
  console.log('HTTP /api/messages, expectReplies, 50 connections, 8 s each:');
  const echoAuth = new ConfigurationBotFrameworkAuthentication({});
  const echoAdapter = new ChannelAdapter(echoAuth);
  const echo = new ActivityHandler();
  echo.onMessage(async (context, next) => {
    await context.sendActivity(MessageFactory.text(`echo: ${context.activity.text}`));
    await next();
  });
  const echoServer = createServer(createHttpApp({ messages: { adapter: echoAdapter, auth: echoAuth, bot: echo, logger: silentLogger, authEnabled: false, allowedServiceUrls: [], deliveryFailures: { count: 0 } }, logger: silentLogger, health: () => Promise.resolve({}), pageStrings: '{}' }));
  await new Promise<void>((r) => echoServer.listen(0, '127.0.0.1', r));
  const echoUrl = `http://127.0.0.1:${(echoServer.address() as AddressInfo).port}`;

  const data = tempDataDir();
  // A load test is a flood from one address: the rate limits are lifted for it.
  const app = await createApp(testConfig(data.dir, { RATE_LIMIT_PER_MINUTE: '0' }), { clock: fixedClock(AFTER), logger: silentLogger });
  const botUrl = `http://127.0.0.1:${await app.start(0)}`;

  const e = await load(echoUrl, 'echo bot');
  const b = await load(botUrl, 'participant assistant');
  console.log(`  ratio assistant/echo: throughput ${fmt(b.rps / e.rps, 2)}   p50 ${fmt(b.p50 / Math.max(e.p50, 0.01), 2)}x   p99 ${fmt(b.p99 / Math.max(e.p99, 0.01), 2)}x`);
  await app.stop();
  await new Promise<void>((r) => echoServer.close(() => r()));
  data.cleanup();
}

function retrieval(): void {
  const sources = shippedSources();
  const kb = new KnowledgeBase(sources);
  const time = (search: (q: string) => unknown, n: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      search(QUESTIONS[i % QUESTIONS.length]!);
      out.push(performance.now() - t);
    }
    return out;
  };
  const small = time((q) => kb.retriever.search(q, 8), 2000);
  console.log(`retrieval    note (${sources.notes.fr.passages.length * 2 + sources.qa.length * 2} documents): p50 ${fmt(percentile(small, 50), 3)} ms   p99 ${fmt(percentile(small, 99), 3)} ms`);

  // A corpus 1,000 times the note: each passage again 1,000 times, its words shuffled and some replaced by
  // invented words, so that vocabulary and postings grow as they would with real documents.
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const big = new LexicalRetriever(kb.analyzer);
  const t0 = performance.now();
  const rss0 = process.memoryUsage().rss;
  for (const lang of ['en', 'fr'] as const) {
    for (const p of sources.notes[lang].passages) {
      const words = p.text.split(/\s+/);
      for (let k = 0; k < 1000; k++) {
        const doc = words.map((w) => (rand() < 0.3 ? `w${Math.floor(rand() * 200000).toString(36)}` : w)).sort(() => rand() - 0.5);
        big.add(`${p.id}#${k}`, lang, doc.join(' '));
      }
    }
  }
  big.search('warm up', 1);
  const buildMs = performance.now() - t0;
  const large = time((q) => big.search(q, 8), 200);
  console.log(
    `retrieval    synthetic corpus (${big.size} documents, built in ${fmt(buildMs / 1000, 1)} s, +${fmt((process.memoryUsage().rss - rss0) / 2 ** 20, 0)} MiB): p50 ${fmt(percentile(large, 50), 2)} ms   p99 ${fmt(percentile(large, 99), 2)} ms`,
  );
}

async function ledger(): Promise<void> {
  const input = (i: number): ConfirmationInput => ({
    eventId: 'subregional-africa',
    name: `Participant ${i}`,
    organisation: 'Organisation',
    email: `p${i}@example.org`,
    group: 'civil-society',
    country: 'Kenya',
    sessionLanguage: 'en',
    chatLanguage: 'en',
    consent: true,
  });
  const run = async (label: string, repo: ConfirmationRepository) => {
    const n = 2000;
    const t = performance.now();
    // 20 at a time, as concurrent turns would be.
    for (let i = 0; i < n; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, k) => repo.record(input(i + k), { channelId: 'bench', userId: `u${i + k}` }, { activityKey: randomUUID(), now: new Date() })));
    }
    console.log(`ledger       ${label.padEnd(11)} ${fmt(n / ((performance.now() - t) / 1000), 0)} confirmations/s (new records, 20 concurrent)`);
  };
  const data = tempDataDir();
  const sqlite = await openStores({ dataDir: data.dir, features: FEATURE_MIGRATIONS });
  await run('SQLite', new SqlConfirmationRepository(sqlite.sql));
  await sqlite.close();
  data.cleanup();
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${randomUUID().slice(0, 8)}`;
  let pgStores;
  try {
    pgStores = await openStores({ dataDir: '', databaseUrl: `${url}?schema=${schema}`, features: FEATURE_MIGRATIONS });
  } catch (e) {
    console.log(`ledger       PostgreSQL  not measured: ${(e as Error).message}`);
    return;
  }
  await run('PostgreSQL', new SqlConfirmationRepository(pgStores.sql));
  await pgStores.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA ${schema} CASCADE`);
  await client.end();
}

async function main(): Promise<void> {
  await inProcess();
  await http();
  retrieval();
  await ledger();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
