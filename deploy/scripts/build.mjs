// The production build: `npm run build` compiles src/ and dialogs/ into dist/ (esbuild, file by file,
// to CommonJS for Node 20; the types are checked by `npm test` and `npm run lint`, with tsc) and
// copies what the compiled code reads beside itself. locales/ and sources/ stay where they are:
// the program reads them from the project folder (see localesFolder in src/config.ts, SOURCES_DIR).
//
//   node deploy/scripts/build.mjs             build now
//   node deploy/scripts/build.mjs --if-stale  build only when dist/ is missing or older than the code
//                                             (`npm start` runs this first, so that a fresh clone or a
//                                             pull starts on up-to-date code without a separate step)
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = join(ROOT, 'dist');
/** Written last by a successful build: its time is the build's. */
const STAMP = join(DIST, '.build-stamp');
const ENTRY = join(DIST, 'src', 'index.js');
/** Held by the build that is writing dist/: a second build waits for it instead of writing over it. */
const LOCK = join(DIST, '.build-lock');
/** What the build reads: a change to any of these makes dist/ stale. */
const INPUTS = ['src', 'dialogs', 'tsconfig.json', 'deploy/scripts/build.mjs'];

/** A path and, for a folder, everything under it (a folder's time changes when a file is added, removed or renamed). */
function* paths(path) {
  if (!existsSync(path)) return;
  yield path;
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) yield* paths(join(path, entry));
}

/** Why dist/ must be rebuilt, or undefined when it is up to date. */
function staleness() {
  if (!existsSync(ENTRY) || !existsSync(STAMP)) return 'dist/ has no complete build';
  // A deployment may ship dist/ without the sources (the container): nothing to compare, it is what it is.
  if (!existsSync(join(ROOT, 'src'))) return undefined;
  const built = statSync(STAMP).mtimeMs;
  for (const input of INPUTS) for (const f of paths(join(ROOT, input))) if (statSync(f).mtimeMs > built) return `${relative(ROOT, f)} changed since the last build`;
  return undefined;
}

/** The program's TypeScript files: src/ and dialogs/ (the organiser tab's browser code too: the server reads its shared constants). */
function programFiles() {
  const files = [];
  for (const folder of ['src', 'dialogs']) {
    for (const f of paths(join(ROOT, folder))) if (f.endsWith('.ts') && !f.endsWith('.d.ts') && !statSync(f).isDirectory()) files.push(f);
  }
  return files;
}

/**
 * Each TypeScript file into its JavaScript under dist/ (same relative path), as tsc would emit it
 * for tsconfig.json (ES2022 classes and fields, CommonJS modules): no bundling, so that stack
 * traces, source maps and the modules' own paths (__dirname) stay those of the project.
 */
function compile() {
  const esbuild = createRequire(import.meta.url)('esbuild');
  rmSync(join(DIST, 'src'), { recursive: true, force: true });
  rmSync(join(DIST, 'dialogs'), { recursive: true, force: true });
  esbuild.buildSync({
    entryPoints: programFiles(),
    outdir: DIST,
    outbase: ROOT,
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    tsconfig: join(ROOT, 'tsconfig.json'),
    logLevel: 'warning',
  });
}

/** Plain JavaScript that the compiled code runs from its own folder (the PDF reader's child process). */
function copyAssets() {
  for (const f of paths(join(ROOT, 'src'))) {
    if (!f.endsWith('.mjs') || statSync(f).isDirectory()) continue;
    const target = join(DIST, relative(ROOT, f));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(f, target);
  }
}

/** A Node child process running `script` from the project folder; resolves with its exit code. */
function node(args, script) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args, '-e', script], { cwd: ROOT, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
}

/** The organiser tab's script, bundled once here so that production serves a file and needs no bundler. */
async function bundleOrganiserTab() {
  const script = `require('./src/web/bundle.ts').buildOrganiserBundle().then((js) => {
    const { PREBUILT_ORGANISER_BUNDLE } = require('./src/web/bundle.ts');
    const target = require('node:path').join('dist', require('node:path').relative(__dirname, PREBUILT_ORGANISER_BUNDLE));
    require('node:fs').mkdirSync(require('node:path').dirname(target), { recursive: true });
    require('node:fs').writeFileSync(target, js);
  })`;
  const status = await node(['--import', 'tsx'], script);
  if (status !== 0) throw new Error(`the organiser tab's bundle failed (exit code ${status})`);
}

/**
 * The caches a start reads beside the compiled code (src/compileCache.ts, src/startCaches.ts): V8's
 * compiled code of the modules the program loads, and the stems of the shipped sources' words, so
 * that the first start is as quick as the next. Only an optimisation: without it the first start
 * writes them itself.
 */
async function warmStartCaches() {
  const script = `require('./dist/src/compileCache');
    require('./dist/src/app');
    const { readStems, saveCaches } = require('./dist/src/startCaches');
    const stems = readStems();
    if (require('node:fs').existsSync('sources')) {
      const { shippedFiles, toSources } = require('./dist/src/sources/service');
      const { KnowledgeBase } = require('./dist/src/knowledge/knowledgeBase');
      new KnowledgeBase(toSources(shippedFiles('sources')), undefined, stems);
    }
    saveCaches(stems);`;
  const status = await node([], script);
  if (status !== 0) process.stderr.write(`warning: the start-up caches were not written (exit code ${status}); the first start will write them\n`);
}

// The last two run side by side, each in its own process: neither reads what the other writes (the
// caches load the compiled server, which reads the tab's bundle only when the tab is asked for).
const STEPS = [
  ['compile', compile],
  ['assets', copyAssets],
  ['organiser tab and start-up caches', async () => {
    // Both are waited for before a failure is reported: the lock is not released while one still writes to dist/.
    const failed = (await Promise.allSettled([bundleOrganiserTab(), warmStartCaches()])).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }],
];

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
};

/**
 * Takes the build lock: a file created only if absent, holding the builder's pid. While another live
 * build holds it, waits (up to 10 minutes); a lock whose builder is gone (killed mid-build) is taken over.
 */
function lock() {
  mkdirSync(DIST, { recursive: true });
  const deadline = Date.now() + 600_000;
  let waited = false;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return waited;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    let age = 0;
    try {
      holder = Number(readFileSync(LOCK, 'utf8').trim() || NaN);
      age = Date.now() - statSync(LOCK).mtimeMs;
    } catch {
      continue; // released meanwhile: try again
    }
    // A lock just created may not hold its pid yet: give its builder a moment before judging it.
    if (Number.isInteger(holder) ? !alive(holder) : age > 10_000) rmSync(LOCK, { force: true });
    else if (Date.now() > deadline) throw new Error(`another build (pid ${holder}) has held ${relative(ROOT, LOCK)} for 10 minutes`);
    else {
      if (!waited) process.stdout.write(`waiting for the build in progress (pid ${holder})\n`);
      waited = true;
      sleep(200);
    }
  }
}

function unlock() {
  rmSync(LOCK, { force: true });
}

async function build() {
  const started = Date.now();
  rmSync(STAMP, { force: true });
  for (const [, step] of STEPS) await step();
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  process.stdout.write(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

let locked = false;
try {
  if (process.argv.includes('--if-stale')) {
    // Checked before the lock (the usual case: nothing to do, no waiting), and again once it is held,
    // since the build that held it may have brought dist/ up to date.
    if (staleness()) {
      lock();
      locked = true;
      const why = staleness();
      if (why) {
        process.stdout.write(`building: ${why}\n`);
        await build();
      }
    }
  } else {
    lock();
    locked = true;
    await build();
  }
} catch (e) {
  process.stderr.write(`build failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
} finally {
  if (locked) unlock();
}
