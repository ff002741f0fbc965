import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDataDir } from '../helpers/fixtures';
import { ensureBuilt, freePort } from '../cluster/cluster';
import { takeTurnsWithDist } from '../helpers/distLock';

takeTurnsWithDist();

const BUILD = join(ROOT, 'deploy', 'scripts', 'build.mjs');
const DIST = join(ROOT, 'dist');
const LOCK = join(DIST, '.build-lock');
const CODE_CACHE = join(DIST, '.code-cache', `v8-${process.version}-${process.arch}.bin`);

/** A build as `npm run build` (or `npm start`'s prestart with --if-stale) runs it; resolves with its exit code and output. */
function build(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

/** A pid no process has any more. */
function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(run.stdout);
}

describe('the build (deploy/scripts/build.mjs) when builds overlap', () => {
  test('when two builds run at once, then the second waits for the first and both leave a complete dist/', async () => {
    const first = build();
    // The first holds the lock from its start: the second, started just after, must wait for it.
    for (let i = 0; i < 100 && !existsSync(LOCK); i++) await new Promise((r) => setTimeout(r, 50));
    const second = build();
    const [a, b] = await Promise.all([first, second]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(`${a.out}\n${b.out}`).toMatch(/waiting for the build in progress/);
    expect(existsSync(join(DIST, '.build-stamp'))).toBe(true);
    expect(existsSync(join(DIST, 'src', 'index.js'))).toBe(true);
    expect(existsSync(LOCK)).toBe(false);
  }, 600_000);

  test('when a build died holding the lock, then the next build takes it over instead of waiting', async () => {
    writeFileSync(LOCK, `${deadPid()}\n`);
    const { code, out } = await build();
    expect(code).toBe(0);
    expect(out).not.toMatch(/waiting/);
    expect(existsSync(LOCK)).toBe(false);
  }, 600_000);
});

describe('the start-up caches beside the compiled code', () => {
  let child: ChildProcess | undefined;
  beforeAll(() => ensureBuilt(), 300_000);
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  test('when the code cache is damaged, then the program still starts, answers, and writes the cache anew', async () => {
    writeFileSync(CODE_CACHE, Buffer.concat([Buffer.from([16, 0, 0, 0]), Buffer.from('[["x","y",99999]]'), Buffer.alloc(64, 7)]));
    const damaged = statSync(CODE_CACHE).size;
    const data = tempDataDir();
    const port = await freePort();
    child = spawn(process.execPath, [join(DIST, 'src', 'index.js')], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: data.dir, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    let health: { sources?: { passages: number } } | undefined;
    for (let i = 0; i < 600 && !health && child.exitCode === null; i++) {
      health = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => (r.ok ? (r.json() as Promise<{ sources?: { passages: number } }>) : undefined), () => undefined);
      if (!health) await new Promise((r) => setTimeout(r, 100));
    }
    expect(health?.sources?.passages).toBeGreaterThan(10);
    for (let i = 0; i < 100 && statSync(CODE_CACHE).size === damaged; i++) await new Promise((r) => setTimeout(r, 100));
    expect(statSync(CODE_CACHE).size).toBeGreaterThan(100_000);
    expect(readFileSync(CODE_CACHE).subarray(4, 200).toString('utf8')).toContain(ROOT);
    data.cleanup();
  }, 300_000);
});
