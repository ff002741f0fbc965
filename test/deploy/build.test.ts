import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, tempDataDir } from '../helpers/fixtures';
import { freePort } from '../cluster/cluster';

/**
 * The build runs on a copy of the project (its code, locales, sources and settings; the installed
 * packages linked), so that rebuilding, holding the build lock and damaging the code cache on purpose
 * leave the project's own dist/ to the suites that start the compiled program meanwhile.
 */
const PROJECT = mkdtempSync(join(tmpdir(), 'pa-build-'));
for (const part of ['src', 'dialogs', 'locales', 'sources', 'tsconfig.json', 'package.json', join('deploy', 'scripts')]) cpSync(join(ROOT, part), join(PROJECT, part), { recursive: true });
symlinkSync(join(ROOT, 'node_modules'), join(PROJECT, 'node_modules'), 'dir');
afterAll(() => rmSync(PROJECT, { recursive: true, force: true }));

const BUILD = join(PROJECT, 'deploy', 'scripts', 'build.mjs');
const DIST = join(PROJECT, 'dist');
const LOCK = join(DIST, '.build-lock');
const CODE_CACHE = join(DIST, '.code-cache', `v8-${process.version}-${process.arch}.bin`);

/** A build as `npm run build` (or `npm start`'s prestart with --if-stale) runs it; resolves with its exit code and output. */
function build(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUILD, ...args], { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'] });
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
  beforeAll(async () => {
    if (!existsSync(join(DIST, '.build-stamp'))) expect((await build()).code).toBe(0);
  }, 300_000);
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
    child = spawn(process.execPath, [join(DIST, 'src', 'index.js')], { cwd: PROJECT, env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: data.dir, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    let health: { sources?: { passages: number } } | undefined;
    for (let i = 0; i < 600 && !health && child.exitCode === null; i++) {
      health = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => (r.ok ? (r.json() as Promise<{ sources?: { passages: number } }>) : undefined), () => undefined);
      if (!health) await new Promise((r) => setTimeout(r, 100));
    }
    expect(health?.sources?.passages).toBeGreaterThan(10);
    for (let i = 0; i < 100 && statSync(CODE_CACHE).size === damaged; i++) await new Promise((r) => setTimeout(r, 100));
    expect(statSync(CODE_CACHE).size).toBeGreaterThan(100_000);
    expect(readFileSync(CODE_CACHE).subarray(4, 200).toString('utf8')).toContain(PROJECT);
    data.cleanup();
  }, 300_000);
});
