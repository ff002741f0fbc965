/**
 * The question sets (`npm run eval`): starts the bot on a free port with a fresh data folder, asks
 * it the development question sets over the Bot Framework protocol, and prints each set's summary.
 * The sets and their evaluator live beside the repository, in ../shared/eval (or QUESTION_SETS_DIR);
 * without them the script says so and exits 0. Add `--verbose` to see every question.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const SETS_DIR = resolve(process.env['QUESTION_SETS_DIR'] ?? join(ROOT, '..', 'shared', 'eval'));
const EVALUATOR = join(SETS_DIR, 'evaluate.mjs');
const SETS = ['dev.jsonl', 'dev2.jsonl'];
const verbose = process.argv.includes('--verbose');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function waitForHealth(url: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

/** Runs the evaluator on one set; returns its output. */
function evaluate(url: string, set: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const args = [EVALUATOR, '--url', url, '--set', join(SETS_DIR, set), ...(verbose ? ['--verbose'] : [])];
    const child = spawn(process.execPath, args, { cwd: ROOT });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

function stop(bot: ChildProcess): void {
  // The bot runs in its own process group (npm, then tsx, then node): stop them all.
  if (bot.pid) {
    try {
      process.kill(-bot.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

async function main(): Promise<number> {
  if (!existsSync(EVALUATOR)) {
    process.stdout.write(`The question sets are not here (looked for ${EVALUATOR}); nothing to run. Set QUESTION_SETS_DIR to their folder.\n`);
    return 0;
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'pa-eval-'));
  const bot = spawn('npm', ['start'], { cwd: ROOT, detached: true, stdio: 'ignore', env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
  try {
    if (!(await waitForHealth(url, 120_000))) {
      process.stderr.write(`The bot did not start on ${url}.\n`);
      return 1;
    }
    for (const set of SETS.filter((s) => existsSync(join(SETS_DIR, s)))) {
      const { output } = await evaluate(url, set);
      const lines = output.trimEnd().split('\n');
      const shown = verbose ? lines : lines.filter((l) => /^(FAIL|facts |\d+ passed)/.test(l));
      process.stdout.write(`${set}\n${shown.map((l) => `  ${l}`).join('\n')}\n`);
    }
    return 0;
  } finally {
    stop(bot);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
