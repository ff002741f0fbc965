/**
 * Start-up figures (`npm run bench:start`): for the production command (the compiled code with
 * plain node, as `npm start` and the container run it) and, for comparison, TypeScript through tsx
 * (`npm run dev` without the watcher), each started RUNS times on a fresh SQLite folder:
 *  - time from spawn to the first 200 of /api/health (sources loaded, database answering);
 *  - CPU seconds the process tree used until then (less sensitive than wall time to a busy machine);
 *  - the process tree's count and resident memory after IDLE_SECONDS of idleness.
 * Medians are printed, with the machine's load average, since figures from a shared machine vary.
 * Linux only (/proc).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT, tempDataDir } from '../helpers/fixtures';

const RUNS = Number(process.env['RUNS'] ?? 5);
const IDLE_SECONDS = Number(process.env['IDLE_SECONDS'] ?? 5);
const TICKS_PER_SECOND = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const COMMANDS: Array<{ label: string; argv: string[] }> = [
  { label: 'node dist/src/index.js (npm start, container)', argv: [process.execPath, 'dist/src/index.js'] },
  { label: 'tsx src/index.ts (development)', argv: [process.execPath, join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/index.ts'] },
];

/** pid and its descendants, from /proc. */
function tree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [child, parent] of parents) if (parent === out[i]) out.push(child);
  return out;
}

function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks / TICKS_PER_SECOND;
}

function rssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // The process ended meanwhile.
    }
  }
  return kb / 1024;
}

interface Run {
  healthyMs: number;
  cpu: number;
  processes: number;
  rss: number;
}

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

async function once(argv: string[]): Promise<Run> {
  const data = tempDataDir();
  const port = await freePort();
  const started = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: data.dir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    let healthyMs = NaN;
    for (let i = 0; i < 3000 && Number.isNaN(healthyMs); i++) {
      if (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)) healthyMs = performance.now() - started;
      else await sleep(10);
    }
    if (Number.isNaN(healthyMs)) throw new Error(`${argv.join(' ')} did not become healthy`);
    const cpu = cpuSeconds(tree(child.pid!));
    await sleep(IDLE_SECONDS * 1000);
    const pids = tree(child.pid!);
    return { healthyMs, cpu, processes: pids.length, rss: rssMb(pids) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    data.cleanup();
  }
}

async function main(): Promise<void> {
  const built = spawnSync(process.execPath, [join(ROOT, 'deploy', 'scripts', 'build.mjs'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
  process.stdout.write(`node ${process.version}, ${RUNS} runs each, idle ${IDLE_SECONDS} s, load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  for (const { label, argv } of COMMANDS) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once(argv));
    const m = (f: (r: Run) => number) => median(runs.map(f));
    process.stdout.write(
      `${label}: healthy in ${(m((r) => r.healthyMs) / 1000).toFixed(2)} s (min ${(Math.min(...runs.map((r) => r.healthyMs)) / 1000).toFixed(2)} s), ` +
        `${m((r) => r.cpu).toFixed(2)} CPU s to healthy, ${m((r) => r.processes)} process(es), idle RSS ${m((r) => r.rss).toFixed(0)} MB\n`,
    );
  }
  process.stdout.write(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
