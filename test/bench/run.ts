/**
 * Benchmarks (`npm run bench`): prints figures, asserts nothing.
 *  1. answer turns per second in-process (the answerer alone, and a whole bot turn with SQLite state);
 *  2. HTTP turns per second and p50/p99 latency at 50 concurrent connections on /api/messages
 *     (expectReplies), alternated in one run with a plain echo bot (node:http + the same CloudAdapter),
 *     each server in a process of its own (test/bench/server.ts) so the load generator stays apart;
 *     then a CPU profile of the assistant under the same load: self time by own function and by package;
 *  3. retrieval latency on the note and on a synthetic corpus 1,000 times its size;
 *  4. confirmations recorded per second in the ledger, on SQLite and on PostgreSQL.
 * `--quick` (about a minute): 1 and 2 only, shorter rounds.
 */
import { randomUUID } from 'node:crypto';
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { join } from 'node:path';
import { createHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { KnowledgeBase } from '../../src/knowledge/knowledgeBase';
import { LexicalRetriever } from '../../src/knowledge/retriever';
import { botHarness } from '../helpers/botHarness';
import pg from 'pg';
import { openStores } from '../../src/storage/stores';
import { SqlConfirmationRepository } from '../../src/confirmations/repository';
import type { ConfirmationInput, ConfirmationRepository } from '../../src/confirmations/confirmation';
import { makeAnswerer, shippedSources, tempDataDir } from '../helpers/fixtures';
import { FEATURE_MIGRATIONS } from '../../src/schema';
import type { LoopStats } from './server';

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
  // The same questions, each made new to the answerer's memos by trailing spaces (which change no answer):
  // what a question never asked before costs.
  t = performance.now();
  for (let i = 0; i < n; i++) answerer.answer(`${QUESTIONS[i % QUESTIONS.length]!}${' '.repeat(1 + Math.floor(i / QUESTIONS.length))}`, { lang: i % 2 ? 'fr' : 'en' });
  const unseenRate = n / ((performance.now() - t) / 1000);

  const data = tempDataDir();
  const h = await botHarness(data.dir);
  const turns = 1000;
  t = performance.now();
  for (let i = 0; i < turns; i++) await h.adapter.send(QUESTIONS[i % QUESTIONS.length]!).startTest();
  const turnRate = turns / ((performance.now() - t) / 1000);
  await h.close();
  data.cleanup();
  console.log(`in-process   answers/s (answerer alone): ${fmt(answerRate, 0)} (questions never asked before: ${fmt(unseenRate, 0)})   bot turns/s (TestAdapter + SQLite state): ${fmt(turnRate, 0)}`);
}

const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 3 : 5;
const SECONDS = QUICK ? 4 : 8;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/**
 * One round at 50 connections, measured in the steady state only. autocannon opens its 50 connections
 * when the round starts, and node 20's libuv accepts one connection per turn of the event loop
 * (libuv/libuv#3696): under load each turn serves a whole batch of requests, so the last connections
 * get their first answer seconds later. Counted in, that ramp made both bots' p99 close to the length
 * of the round. The round is therefore timed from the moment every connection has had its first
 * answer, for `seconds`; the ramp is printed apart.
 */
async function load(server: Child, label: string, seconds = SECONDS): Promise<Load> {
  let i = 0;
  const connections = 50;
  await server.request('loop-reset');
  const clientLoop = monitorEventLoopDelay({ resolution: 10 });
  const latency = createHistogram();
  const answered = new Set<unknown>();
  const t0 = performance.now();
  let steadyAt = 0;
  let count = 0;
  let errors = 0;
  let reset: Promise<unknown> = Promise.resolve();
  let done!: (r: { result?: autocannon.Result; err?: unknown }) => void;
  const finished = new Promise<{ result?: autocannon.Result; err?: unknown }>((resolve) => (done = resolve));
  const instance = autocannon({
    url: `${server.url}/api/messages`,
    connections,
    duration: seconds + 60,
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
  }, (err, result) => done({ result, err }));
  instance.on('response', (client: unknown, status: number, _bytes: number, ms: number) => {
    if (!steadyAt) {
      answered.add(client);
      if (answered.size < connections) return;
      steadyAt = performance.now();
      reset = server.request('loop-reset');
      clientLoop.enable();
      setTimeout(() => instance.stop(), seconds * 1000);
      return;
    }
    count++;
    if (status < 200 || status > 299) errors++;
    latency.record(Math.max(1, Math.round(ms * 1000)));
  });
  const { result, err } = await finished;
  if (!result) throw err;
  const elapsed = (performance.now() - steadyAt) / 1000;
  clientLoop.disable();
  await reset;
  const loop = await server.request<LoopStats>('loop-read');
  errors += result.errors;
  const rps = count / elapsed;
  const p50 = latency.percentile(50) / 1000;
  const p99 = latency.percentile(99) / 1000;
  console.log(
    `  ${label.padEnd(24)} ${fmt(rps, 0).padStart(6)} turns/s   p50 ${fmt(p50)} ms   p99 ${fmt(p99)} ms   max ${fmt(latency.max / 1000, 0)} ms   errors ${errors}   (ramp to ${connections} connections ${fmt((steadyAt - t0) / 1000, 1)} s)`,
  );
  // Whether a tail is the server's: its event loop's delay, its garbage collector's pauses, a request's time inside it.
  console.log(
    `  ${''.padEnd(24)} server: loop delay p50 ${fmt(loop.delayP50)} p99 ${fmt(loop.delayP99)} max ${fmt(loop.delayMax, 0)} ms   gc ${loop.gcCount}× ${fmt(loop.gcTotal, 0)} ms (longest ${fmt(loop.gcMax)}, full ${fmt(loop.majorMax)})   in server p99 ${fmt(loop.serverP99)} max ${fmt(loop.serverMax, 0)} ms   client: loop delay p99 ${fmt(clientLoop.percentile(99) / 1e6)} ms`,
  );
  return { rps, p50, p99, errors };
}

interface Child {
  url: string;
  request<T>(msg: string): Promise<T>;
  stop(): void;
}

/** Starts test/bench/server.ts in a process of its own (TypeScript through tsx). */
function startServer(kind: 'echo' | 'bot'): Promise<Child> {
  const child = fork(join(__dirname, 'server.ts'), [kind], { execArgv: ['--import', 'tsx', ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>() => new Promise<T>((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`bench server ${kind} exited with ${code}`));
    child.once('exit', exited);
    child.once('message', (m) => {
      child.off('exit', exited);
      resolve(m as T);
    });
  });
  return next<{ port: number }>().then(({ port }) => ({
    url: `http://127.0.0.1:${port}`,
    request: <T>(msg: string) => {
      const reply = next<T>();
      child.send(msg);
      return reply;
    },
    stop: () => void child.send('exit'),
  }));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function http(): Promise<void> {
  console.log(`HTTP /api/messages, expectReplies, 50 connections, ${ROUNDS} rounds of ${SECONDS} s each in the steady state, alternated:`);
  console.log('  echo bot: node:http + CloudAdapter; assistant: createApp (express, SQLite state), each in its own process');
  const [echo, bot] = await Promise.all([startServer('echo'), startServer('bot')]);
  // Warm both up (JIT, SQLite pages, first-turn state) before measuring.
  await load(echo, 'warm-up echo', 2);
  await load(bot, 'warm-up assistant', 2);
  const e: Load[] = [];
  const b: Load[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    e.push(await load(echo, `echo bot #${r + 1}`));
    b.push(await load(bot, `participant assistant #${r + 1}`));
  }
  const avg = (xs: Load[]) => ({ rps: mean(xs.map((x) => x.rps)), p50: mean(xs.map((x) => x.p50)), p99: mean(xs.map((x) => x.p99)) });
  const ea = avg(e);
  const ba = avg(b);
  console.log(`  mean echo bot             ${fmt(ea.rps, 0).padStart(6)} turns/s   p50 ${fmt(ea.p50)} ms   p99 ${fmt(ea.p99)} ms`);
  console.log(`  mean participant assistant ${fmt(ba.rps, 0).padStart(5)} turns/s   p50 ${fmt(ba.p50)} ms   p99 ${fmt(ba.p99)} ms`);
  console.log(`  ratio of the means assistant/echo: throughput ${fmt(ba.rps / ea.rps, 2)}   p50 ${fmt(ba.p50 / Math.max(ea.p50, 0.01), 2)}x   p99 ${fmt(ba.p99 / Math.max(ea.p99, 0.01), 2)}x`);
  // Other work on the machine moves both bots' figures from one round to the next: each assistant round
  // is compared with the echo round just before it, and the median of those ratios is the figure to read.
  const pairs = b.map((x, r) => ({ rps: x.rps / e[r]!.rps, p50: x.p50 / Math.max(e[r]!.p50, 0.01), p99: x.p99 / Math.max(e[r]!.p99, 0.01) }));
  const median = (xs: number[]) => percentile(xs, 50);
  console.log(
    `  ratio assistant/echo, median of the ${pairs.length} rounds: throughput ${fmt(median(pairs.map((p) => p.rps)), 2)} (rounds ${pairs.map((p) => fmt(p.rps, 2)).join(', ')})   p50 ${fmt(median(pairs.map((p) => p.p50)), 2)}x   p99 ${fmt(median(pairs.map((p) => p.p99)), 2)}x`,
  );

  await bot.request('profile-start');
  await load(bot, 'assistant (profiled)');
  const { profile } = await bot.request<{ profile: Profiler.Profile }>('profile-stop');
  printProfile(profile);
  // `--profile-out=file.cpuprofile`: the whole profile, for Chrome DevTools or a closer look.
  const out = process.argv.find((a) => a.startsWith('--profile-out='))?.slice('--profile-out='.length);
  if (out) writeFileSync(out, JSON.stringify(profile));
  echo.stop();
  bot.stop();
}

/** Where a function lives: the project's own file, a package, node itself, or the VM. */
function owner(url: string): { own: boolean; name: string } {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return { own: false, name: pkg[1]! };
  const own = /\/((?:src|dialogs)\/.+)$/.exec(url);
  if (own) return { own: true, name: own[1]! };
  if (url.startsWith('node:') || !url.includes('/')) return { own: false, name: url ? '(node internals)' : '(vm: gc, program, native)' };
  return { own: false, name: url.replace(/^.*\/wt\/[^/]+\//, '') };
}

/** Self time by own function and by package, from a sampled profile. */
function printProfile(profile: Profiler.Profile): void {
  const total = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let idle = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') {
      idle += hits;
      continue;
    }
    const o = owner(url);
    byOwner.set(o.name, (byOwner.get(o.name) ?? 0) + hits);
    if (o.own) {
      const key = `${functionName || '(anonymous)'} ${o.name}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
    }
  }
  const busy = total - idle;
  const pct = (n: number) => `${fmt((100 * n) / busy, 1).padStart(5)} %`;
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`CPU profile of the assistant under load (self time, % of non-idle samples; idle ${fmt((100 * idle) / total, 0)} %):`);
  console.log('  own code (src/, dialogs/), by function:');
  for (const [k, v] of top(byFunction, 15)) console.log(`    ${pct(v)}  ${k}`);
  const ownTotal = [...byOwner].filter(([k]) => k.startsWith('src/') || k.startsWith('dialogs/')).reduce((n, [, v]) => n + v, 0);
  console.log(`  by package or file (own code together: ${pct(ownTotal).trim()}):`);
  for (const [k, v] of top(byOwner, 20)) console.log(`    ${pct(v)}  ${k}`);
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
  if (QUICK) return;
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
