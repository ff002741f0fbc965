/**
 * A hostile client against the HTTP edge (`npm run bench:attack`): prints figures, asserts nothing.
 *
 * Each scenario starts the app afresh in a child process on a free loopback port (SQLite in a
 * temporary folder), floods it with a fixed number of requests within a time limit, and prints:
 * requests answered, status codes, 5xx and connection errors, the server's peak RSS, and the
 * latency of GET /api/health probed every 100 ms during the flood. The scenarios run twice: with
 * the settings as shipped (rate limits on), then with the rate limits off, to show what the rest
 * of the edge (body limits, validation, linear-time cleaning) holds on its own.
 *
 * Only 127.0.0.1 is ever contacted; every loop is bounded in count and time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { createApp } from '../../src/app';
import { silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';

interface Scenario {
  readonly name: string;
  readonly requests: number;
  readonly connections: number;
  readonly seconds: number;
  /** Prepares the flood (tokens …) and returns the requests to rotate through. */
  readonly prepare: (base: string) => Promise<Array<{ method: 'POST' | 'GET'; path: string; headers: Record<string, string>; body?: string }>>;
}

const json = { 'content-type': 'application/json' };
const activity = (extra: Record<string, unknown>) =>
  JSON.stringify({ type: 'message', id: randomUUID(), channelId: 'webchat', serviceUrl: 'http://127.0.0.1:9/', deliveryMode: 'expectReplies', from: { id: 'attacker' }, recipient: { id: 'bot' }, conversation: { id: `attack-${randomUUID()}` }, text: 'When is the global forum?', ...extra });

async function tokens(base: string, n: number): Promise<Array<{ token: string; conversationId: string }>> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${base}/api/directline/token`, { method: 'POST', headers: json, body: '{}' });
    if (res.ok) out.push((await res.json()) as { token: string; conversationId: string });
  }
  return out;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'Direct Line posts of 60 KB',
    requests: 20_000,
    connections: 50,
    seconds: 20,
    prepare: async (base) =>
      (await tokens(base, 10)).map((c) => ({
        method: 'POST',
        path: `/v3/directline/conversations/${c.conversationId}/activities`,
        headers: { ...json, authorization: `Bearer ${c.token}` },
        body: JSON.stringify({ type: 'message', text: 'When is the global forum?', from: { id: 'attacker' }, channelData: { pad: 'x'.repeat(60_000) } }),
      })),
  },
  {
    name: 'conversation and token creation',
    requests: 20_000,
    connections: 50,
    seconds: 20,
    prepare: () =>
      Promise.resolve([
        { method: 'POST', path: '/api/directline/token', headers: json, body: '{}' },
        { method: 'POST', path: '/v3/directline/tokens/generate', headers: {} },
      ]),
  },
  {
    name: 'large bodies to /api/messages',
    requests: 3_000,
    connections: 20,
    seconds: 20,
    prepare: () =>
      Promise.resolve([
        { method: 'POST', path: '/api/messages', headers: json, body: activity({ text: 'x'.repeat(250_000) }) },
        { method: 'POST', path: '/api/messages', headers: json, body: activity({ text: 'x'.repeat(300_000) }) },
        { method: 'POST', path: '/api/messages', headers: json, body: `${'['.repeat(125_000)}${']'.repeat(125_000)}` },
        { method: 'POST', path: '/api/messages', headers: json, body: activity({ channelData: { pad: 'x'.repeat(250_000) } }) },
      ]),
  },
  {
    name: 'hostile markup messages',
    requests: 3_000,
    connections: 20,
    seconds: 20,
    prepare: () =>
      Promise.resolve(
        [
          '<style'.repeat(16_000), // 96 K characters: refused before cleaning
          '<style'.repeat(1_300), // just under what is cleaned (4 × MAX_MESSAGE_LENGTH)
          '<'.repeat(7_999),
          `<script>${'a'.repeat(7_900)}`,
          `<style>${'</style x'.repeat(880)}`,
        ].map((text) => ({ method: 'POST' as const, path: '/api/messages', headers: json, body: activity({ text }) })),
      ),
  },
  {
    // Within the length limit, what the answerer works on repeated: dates, events, places, addresses.
    name: 'questions that repeat themselves',
    requests: 600,
    connections: 10,
    seconds: 20,
    prepare: () =>
      Promise.resolve(
        ['9 May ', '13/08 ', '23 juillet ', 'le 1er août ', 'global forum ', 'minerals and metals ', 'Accra Dakar ', 'catherine.mwangi@un.org ', 'a b c d '].flatMap((unit) =>
          // Ten wordings of each, so that no answer is served from the cache.
          Array.from({ length: 10 }, (_, i) => ({ method: 'POST' as const, path: '/api/messages', headers: json, body: activity({ text: `${unit.repeat(Math.floor(1_980 / unit.length))}${i}` }) })),
        ),
      ),
  },
];

const NO_LIMITS = { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_TOKEN_PER_MINUTE: '0', RATE_LIMIT_CREATE_PER_MINUTE: '0' };

/** The app in a child process: its RSS and event loop are its own, not the attacker's. */
async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--serve', JSON.stringify(env)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

function rssMb(pid: number): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

/** Probes health every 100 ms (one probe at a time) and samples the server's RSS every 50 ms, until stopped. */
function watch(base: string, pid: number): { stop: () => Promise<{ latencies: number[]; failures: number; peakRss: number }> } {
  let running = true;
  const latencies: number[] = [];
  let failures = 0;
  let peakRss = rssMb(pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 50);
  const probes = (async () => {
    while (running) {
      const t = performance.now();
      const ok = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(30_000) }).then((r) => r.ok, () => false);
      latencies.push(performance.now() - t);
      if (!ok) failures++;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await probes;
      clearInterval(sampler);
      return { latencies, failures, peakRss };
    },
  };
}

function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function flood(base: string, scenario: Scenario, requests: Awaited<ReturnType<Scenario['prepare']>>): Promise<autocannon.Result> {
  let i = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: scenario.connections,
        amount: scenario.requests,
        timeout: 30,
        // autocannon writes Content-Length into the headers it is given: each request gets its own copy.
        requests: [{ setupRequest: (req: autocannon.Request) => { const r = requests[i++ % requests.length]!; return { ...req, ...r, headers: { ...r.headers } }; } }],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    const limit = setTimeout(() => instance.stop(), scenario.seconds * 1000);
    instance.once('done', () => clearTimeout(limit));
  });
}

async function run(scenario: Scenario, env: Record<string, string>): Promise<void> {
  const { child, base } = await startServer(env);
  try {
    const requests = await scenario.prepare(base);
    const watcher = watch(base, child.pid!);
    const result = await flood(base, scenario, requests);
    const { latencies, failures, peakRss } = await watcher.stop();
    const codes = Object.entries(result.statusCodeStats ?? {})
      .map(([code, s]) => `${code}×${s.count ?? 0}`)
      .join(' ');
    const alive = child.exitCode === null ? 'alive' : `EXITED ${child.exitCode}`;
    console.log(
      `  ${scenario.name.padEnd(34)} ${String(result.requests.total).padStart(6)} req in ${result.duration.toFixed(1)} s   ${codes}   5xx ${result['5xx']}   conn. errors ${result.errors}   peak RSS ${peakRss.toFixed(0)} MB   ` +
        `health p50 ${percentile(latencies, 50).toFixed(1)} ms p99 ${percentile(latencies, 99).toFixed(1)} ms max ${Math.max(...latencies).toFixed(0)} ms (${latencies.length} probes, ${failures} failed)   server ${alive}`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(undefined)));
  }
}

async function serve(env: Record<string, string>): Promise<void> {
  const data = tempDataDir();
  const app = await createApp(testConfig(data.dir, env), { logger: silentLogger });
  const port = await app.start(0);
  process.stdout.write(`PORT ${port}\n`);
  process.once('SIGTERM', () => void app.stop().finally(() => (data.cleanup(), process.exit(0))));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--serve') return serve(JSON.parse(process.argv[3] ?? '{}') as Record<string, string>);
  for (const [label, env] of [
    ['settings as shipped (rate limits on)', {}],
    ['rate limits off (RATE_LIMIT_*=0)', NO_LIMITS],
  ] as const) {
    console.log(`${label}:`);
    // `npm run bench:attack -- repeat` runs only the scenarios whose name holds "repeat".
    const only = process.argv[2];
    for (const scenario of SCENARIOS.filter((s) => !only || s.name.includes(only))) await run(scenario, env);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
