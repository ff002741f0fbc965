/**
 * The scale-out scenario: three instances behind nginx on one PostgreSQL, participants confirming
 * over /api/messages and web chat pages over the Direct Line stream, one instance killed during the
 * load, the sources published while it is down, then a rolling restart of the others (so that every
 * page's stream loses its instance once) and a digest asked of every instance at the same moment.
 * It records what happened; the test says what must hold.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedMail } from 'mailparser';
import pg from 'pg';
import { SOURCES_DIR } from '../helpers/fixtures';
import { pgSchemaUrl } from '../helpers/postgres';
import { LoopbackSmtp } from '../helpers/smtp';
import { Cluster, LOGS, ensureBuilt, type Instance } from './cluster';
import { ConfirmingParticipant, WebChatUser, newCounters, type Counters } from './participants';

export const ADMIN_TOKEN = 'cluster-admin-token-0123456789';
const CONFIRMING = Number(process.env.CLUSTER_PARTICIPANTS ?? 24);
const PAGES = Number(process.env.CLUSTER_PAGES ?? 6);
/** The instance killed is killed once this share of the confirmation turns is done. */
const KILL_AFTER_SHARE = 0.3;
/** About how many turns a confirmation takes. */
const TURNS_PER_CONFIRMATION = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let t0 = performance.now();
/** Where the scenario is, with the time since it began (test/artifacts/cluster/scenario.log). */
function step(what: string): void {
  mkdirSync(LOGS, { recursive: true });
  appendFileSync(join(LOGS, 'scenario.log'), `${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${what}\n`);
}

export interface LedgerEntry {
  id: string;
  reference: string;
  userId: string;
  name: string;
  organisation: string;
  email: string;
  country: string;
  status: string;
  history: unknown[];
}

export interface ScenarioResult {
  participants: ConfirmingParticipant[];
  ledger: LedgerEntry[];
  pages: Array<{ user: WebChatUser; answers: string[]; history: Array<{ type: string; text?: string; from: { role?: string } }> }>;
  /** What each instance said when asked for a digest at the same moment, then once more through the proxy. */
  digestRuns: Array<{ status: number; body: { status: string; results: Array<{ destination: string; status: string; confirmations?: number }> } }>;
  secondDigest: { status: string; results: Array<{ status: string }> };
  mails: ParsedMail[];
  /** Per instance: the live sources version, and the answer to a question the publication changed. */
  instances: Array<{ name: string; version: number; answer: string; starts: number }>;
  published: unknown;
  killed: string;
  figures: Record<string, unknown>;
}

/** The sub-regional consultation moved from 6 to 13 August, in the schedule and in both notes. */
function movedSources(): Array<[string, string, string]> {
  const read = (f: string) => readFileSync(join(SOURCES_DIR, f), 'utf8');
  const schedule = JSON.parse(read('schedule.json')) as { events: Array<{ id: string; when: unknown; noteText: unknown }> };
  const e = schedule.events.find((x) => x.id === 'subregional-africa')!;
  e.when = { type: 'day', date: '2020-08-13' };
  e.noteText = { date: '13 août 2020' };
  return [
    ['schedule', JSON.stringify(schedule), 'application/json'],
    ['note-fr', read('note.fr.md').replace('Afrique : 6 août 2020', 'Afrique : 13 août 2020'), 'text/markdown'],
    ['note-en', read('note.en.md').replace('Africa: 6 August 2020', 'Africa: 13 August 2020'), 'text/markdown'],
  ];
}

const admin = (base: string, path: string, init: RequestInit = {}) => fetch(`${base}/api/admin${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-admin-name': 'cluster test', ...(init.headers ?? {}) } });

/** Uploads the moved event and publishes it, through the proxy. */
async function publish(base: string): Promise<unknown> {
  for (const [name, body, type] of movedSources()) {
    const res = await admin(base, `/sources/${name}`, { method: 'PUT', headers: { 'content-type': type }, body });
    if (!res.ok) throw new Error(`upload of ${name}: ${res.status} ${await res.text()}`);
  }
  const res = await admin(base, '/sources/draft/publish', { method: 'POST' });
  if (!res.ok) throw new Error(`publish: ${res.status} ${await res.text()}`);
  return res.json();
}

/** One question over /api/messages, straight to one instance. */
async function askInstance(instance: Instance, text: string): Promise<string> {
  const res = await fetch(`${instance.base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', id: `q-${Date.now()}`, channelId: 'webchat', serviceUrl: 'http://127.0.0.1:9/', recipient: { id: 'bot' }, from: { id: `asker-${instance.name}` }, conversation: { id: `ask-${instance.name}-${Date.now()}` }, text, deliveryMode: 'expectReplies' }),
  });
  return (((await res.json()) as { activities?: Array<{ text?: string }> }).activities ?? []).map((a) => a.text ?? '').join('\n');
}

async function waitForVersion(instances: Instance[], version: number, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const versions = await Promise.all(instances.map((x) => x.health().then((h) => h.sources.version, () => -1)));
    if (versions.every((v) => v === version)) return performance.now() - started;
    await sleep(100);
  }
  return NaN;
}

/** The confirmation load, with the given instance killed when a share of it is done; the sources published meanwhile. */
async function loadWithKill(cluster: Cluster, victim: Instance, pages: WebChatUser[], counters: Counters) {
  const participants = Array.from({ length: CONFIRMING }, (_, i) => new ConfirmingParticipant(cluster.base, { name: `Participant ${i + 1} Cluster`, organisation: `Organisation ${i + 1}`, email: `participant${i + 1}@example.org`, country: i % 2 ? 'Senegal' : 'Kenya' }, counters));
  const load = Promise.all(participants.map((p) => p.confirm()));
  // Awaited below; a failure meanwhile (the publication) must not leave it unobserved.
  load.catch(() => undefined);
  const threshold = Math.round(CONFIRMING * TURNS_PER_CONFIRMATION * KILL_AFTER_SHARE);
  while (counters.turns < threshold) await sleep(20);
  const killedAtTurn = counters.turns;
  step(`${killedAtTurn} turns done: ${victim.name} killed`);
  await victim.kill();
  // While it is down, during the load: an admin publishes new sources, pages go on talking.
  const publishStarted = performance.now();
  const published = await publish(cluster.base);
  const publishMs = performance.now() - publishStarted;
  const running = cluster.instances.filter((x) => x !== victim);
  const switchMs = await waitForVersion(running, 2, 20_000);
  step('sources published, running instances switched; pages ask again');
  const platform = await Promise.all(pages.map((p) => p.ask('Which platform will be used?', /Webex/)));
  step('pages answered; waiting for the confirmations');
  await load;
  return { participants, killedAtTurn, published, publishMs, switchMs, platform };
}

/** Every other instance is stopped and started again, one after the other, as a deployment does. */
async function rollingRestart(instances: Instance[], pages: WebChatUser[]): Promise<string[]> {
  const answers: string[] = [];
  for (const instance of instances) {
    step(`${instance.name} stopped (SIGTERM)`);
    await instance.stop();
    answers.push(...(await Promise.all(pages.map((p) => p.ask('Which languages will be used?', /English|French/)))));
    await instance.start();
  }
  return answers;
}

async function digestAtOnce(cluster: Cluster) {
  const runs = await Promise.all(
    cluster.instances.map(async (x) => {
      const res = await admin(x.base, '/digest', { method: 'POST' });
      return { status: res.status, body: (await res.json()) as ScenarioResult['digestRuns'][number]['body'] };
    }),
  );
  const second = (await (await admin(cluster.base, '/digest', { method: 'POST' })).json()) as ScenarioResult['secondDigest'];
  return { runs, second };
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

export async function runScenario(): Promise<ScenarioResult> {
  rmSync(LOGS, { recursive: true, force: true });
  t0 = performance.now();
  step('build if stale');
  ensureBuilt();
  step('fresh schema, SMTP server, three instances, nginx');
  const schema = pgSchemaUrl();
  // The database exists before the instances, as in production (the DBA or the Bicep creates it).
  const db = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await db.connect();
  await db.query(`CREATE SCHEMA ${new URL(schema.url).searchParams.get('schema')}`);
  await db.end();
  const smtp = new LoopbackSmtp();
  await smtp.start();
  const began = performance.now();
  const counters = newCounters();
  let cluster: Cluster | undefined;
  const pages: WebChatUser[] = [];
  try {
    cluster = await Cluster.start({
      instances: 3,
      databaseUrl: schema.url,
      env: { ADMIN_TOKEN, SMTP_URL: smtp.url, ORGANISER_EMAILS: 'organisers@example.org', SOURCES_POLL_SECONDS: '0.5', RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_TOKEN_PER_MINUTE: '0', RATE_LIMIT_CREATE_PER_MINUTE: '0' },
    });
    step('cluster healthy; pages open their streams');
    const started = performance.now();
    const [first, victim, ...others] = cluster.instances as [Instance, Instance, ...Instance[]];
    for (let i = 0; i < PAGES; i++) pages.push(new WebChatUser(cluster.base, counters));
    await Promise.all(pages.map((p) => p.open()));
    const forum = await Promise.all(pages.map((p) => p.ask('When is the global forum?', /September 2020/)));
    step('confirmation load');
    const load = await loadWithKill(cluster, victim, pages, counters);
    const loadMs = performance.now() - started;
    step(`load done; ${victim.name} starts again`);
    await victim.start();
    step('waiting for every instance on version 2');
    const restartedOnNewVersionMs = await waitForVersion(cluster.instances, 2, 20_000);
    step('rolling restart of the others');
    const restarted = await rollingRestart([first, ...others], pages);
    step('questions after the restarts; ledger; digest');
    const moved = await Promise.all(pages.map((p) => p.ask('When is the sub-regional consultation?', /August 2020/)));
    const instances = await Promise.all(cluster.instances.map(async (x) => ({ name: x.name, version: (await x.health()).sources.version, answer: await askInstance(x, 'When is the sub-regional consultation?'), starts: x.startTimes.length })));
    const ledger = ((await (await admin(cluster.base, '/confirmations')).json()) as { confirmations: LedgerEntry[] }).confirmations;
    const digest = await digestAtOnce(cluster);
    const histories = await Promise.all(pages.map((p) => p.history()));
    step('done');
    const figures = {
      instances: 3,
      confirmingParticipants: CONFIRMING,
      webChatPages: PAGES,
      startToHealthyMs: cluster.instances.map((x) => x.startTimes.map(Math.round)),
      killedAtTurn: load.killedAtTurn,
      turns: counters.turns,
      retriedRequests: counters.retries,
      turnLatencyMs: { p50: Math.round(percentile(counters.latencies, 50)), p95: Math.round(percentile(counters.latencies, 95)), max: Math.round(Math.max(...counters.latencies)) },
      loadSeconds: +(loadMs / 1000).toFixed(1),
      publishMs: Math.round(load.publishMs),
      runningInstancesOnNewVersionMs: Math.round(load.switchMs),
      restartedInstanceOnNewVersionMs: Math.round(restartedOnNewVersionMs),
      streamReconnects: pages.reduce((n, p) => n + p.reconnects, 0),
      questionsAskedAgain: pages.reduce((n, p) => n + p.reasked, 0),
      summaryCorrections: load.participants.reduce((n, p) => n + p.corrected.length, 0),
      totalSeconds: +((performance.now() - began) / 1000).toFixed(1),
    };
    return {
      participants: load.participants,
      ledger,
      pages: pages.map((user, i) => ({ user, answers: [forum[i]!, load.platform[i]!, ...restarted.filter((_, j) => j % PAGES === i), moved[i]!], history: histories[i]! })),
      digestRuns: digest.runs,
      secondDigest: digest.second,
      mails: smtp.mails,
      instances,
      published: load.published,
      killed: victim.name,
      figures,
    };
  } finally {
    for (const p of pages) p.close();
    await cluster?.stop();
    await smtp.stop();
    await schema.drop();
  }
}
