import * as nodeModule from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';

/**
 * Imported first by src/index.ts, before the thousand-odd modules the bot loads, so that a start
 * does not compile them all again:
 * - on Node 22.1 and newer, V8 keeps their compiled code on disk (NODE_COMPILE_CACHE, else a
 *   temporary folder);
 * - on Node 20, which has no such cache, the compiled program (dist/) keeps V8's code cache of each
 *   module it loads in dist/.code-cache/, written by the build and refreshed after a start that
 *   found it missing or out of date (a module whose size or time changed is compiled afresh).
 * Run from TypeScript (tsx, jest) nothing is cached here: those compile the code themselves.
 * Any failure to read or write the cache only costs the time it would have saved.
 */

interface ModuleInternals {
  prototype: { _compile(this: ModuleInstance, content: string, filename: string, format?: string): unknown };
  wrap(script: string): string;
  _resolveFilename(request: string, parent: ModuleInstance, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: ModuleInstance): string[] | null;
  _extensions: unknown;
  _cache: unknown;
}
interface ModuleInstance {
  exports: unknown;
  require(id: string): unknown;
}

/** One module's cached code, valid while the file keeps its size and time. */
interface Entry {
  readonly key: string;
  readonly data: Buffer;
}

const CACHE_DIR = join(__dirname, '..', '.code-cache');
/** Where caches of the compiled program live (dist/.code-cache), or undefined when run from TypeScript. */
export const compiledCacheDir: string | undefined = __filename.endsWith('.js') ? CACHE_DIR : undefined;
const CACHE_FILE = join(CACHE_DIR, `v8-${process.version}-${process.arch}.bin`);

/** Modules compiled this time without a usable cache: their code is cached at the next save. */
const fresh = new Map<string, { key: string; script: Script }>();
let entries = new Map<string, Entry>();
let installed = false;

/** What identifies a version of a file cheaply: its size and time. */
export function keyOf(filename: string): string {
  const s = statSync(filename);
  return `${s.size}:${s.mtimeMs}`;
}

/** The file: a 4-byte length, a JSON index of [filename, key, length], then the data one after the other. */
function readCache(): Map<string, Entry> {
  const map = new Map<string, Entry>();
  if (!existsSync(CACHE_FILE)) return map;
  const buffer = readFileSync(CACHE_FILE);
  const indexLength = buffer.readUInt32LE(0);
  const index = JSON.parse(buffer.subarray(4, 4 + indexLength).toString('utf8')) as Array<[string, string, number]>;
  let offset = 4 + indexLength;
  for (const [filename, key, length] of index) {
    map.set(filename, { key, data: buffer.subarray(offset, offset + length) });
    offset += length;
  }
  return map;
}

/** The `require` a module is given, as Node makes it (lib/internal/modules/helpers.js). */
function requireFor(Module: ModuleInternals, mod: ModuleInstance): NodeJS.Require {
  const require = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: unknown) => Module._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => Module._resolveLookupPaths(request, mod);
  return Object.assign(require, { resolve, main: process.mainModule, extensions: Module._extensions, cache: Module._cache }) as NodeJS.Require;
}

/** Compiles each CommonJS module with V8's cached code for it when there is one. */
function installCodeCache(): void {
  try {
    entries = readCache();
  } catch {
    entries = new Map();
  }
  const Module = nodeModule.Module as unknown as ModuleInternals;
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(this: ModuleInstance, content: string, filename: string, format?: string): unknown {
    // ES modules that CommonJS requires (Node 20.19 and newer) go Node's own way.
    if ((format !== undefined && format !== 'commonjs') || filename.endsWith('.mjs')) return compile.call(this, content, filename, format);
    let key: string;
    try {
      key = keyOf(filename);
    } catch {
      key = '';
    }
    const cached = entries.get(filename);
    const script = new Script(Module.wrap(content), {
      filename,
      ...(cached && cached.key === key ? { cachedData: cached.data } : {}),
      importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (key && (!cached || cached.key !== key || script.cachedDataRejected)) fresh.set(filename, { key, script });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(Module, this), this, filename, dirname(filename));
  };
  installed = true;
}

/**
 * Writes the code of the modules compiled afresh since the start (with what they compiled while
 * running) beside the entries still valid. Does nothing when every module came from the cache.
 */
export function saveCodeCache(): void {
  if (!installed || !fresh.size) return;
  try {
    // Entries of files that are gone (an upgraded package, a removed module) are left behind.
    const next = new Map([...entries].filter(([filename]) => existsSync(filename)));
    for (const [filename, { key, script }] of fresh) next.set(filename, { key, data: script.createCachedData() });
    fresh.clear();
    const list = [...next];
    const index = Buffer.from(JSON.stringify(list.map(([filename, e]) => [filename, e.key, e.data.length])), 'utf8');
    const head = Buffer.alloc(4);
    head.writeUInt32LE(index.length, 0);
    mkdirSync(CACHE_DIR, { recursive: true });
    // Written aside then renamed: a start reading it meanwhile sees the old file or the new, whole.
    const temporary = `${CACHE_FILE}.${process.pid}.tmp`;
    writeFileSync(temporary, Buffer.concat([head, index, ...list.map(([, e]) => e.data)]));
    renameSync(temporary, CACHE_FILE);
    entries = next;
  } catch {
    // A read-only install (a container's dist/) keeps the cache the build wrote, or none.
  }
}

const builtIn = (nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
if (builtIn) builtIn();
else if (__filename.endsWith('.js')) installCodeCache();
