// Jest's module runtime, keeping between the suites a worker runs what does not change while tests
// run: V8's compiled code of every module, and the text of the installed packages' files.
//
// Jest gives each test file a fresh module registry, so each suite reads and compiles botbuilder,
// its text recognizers, zod and the rest anew (some 1,500 files), where a process outside Jest does
// it once: most of a second of every suite that starts the app. Jest compiles with
// vm.compileFunction and no cache. This runtime compiles a module as a vm.Script with the cached data
// of the same file and source from an earlier suite of this worker, and once a suite is over, asks V8
// for the data of what it compiled (the functions that ran included). A module behaves the same;
// only its compilation is skipped. If a Jest upgrade moves what this relies on (the runtime's
// `executor` and its `compile`, the file table it is given), the runtime says so once and Jest works
// as it always did; test/unit/codeCacheRuntime.test.ts fails then.
'use strict';
const { Script } = require('node:vm');
const Runtime = require('jest-runtime').default;

/** file → { its source, V8's cached data } (the source is kept to be compared: cheaper than hashing it) */
const cache = new Map();
/** Scripts compiled without usable data: their data is taken once their suite has run. */
let fresh = [];
const warned = new Set();
function warnOnce(message) {
  if (!warned.has(message)) process.stderr.write(`codeCacheRuntime: ${message}\n`);
  warned.add(message);
}
/** What this process compiled, printed at its exit when CODE_CACHE_STATS=1 (test/unit/codeCacheRuntime.test.ts). */
const stats = { compiled: 0, fromCache: 0, rejected: 0 };
if (process.env.CODE_CACHE_STATS === '1') process.on('exit', () => process.stderr.write(`code cache: ${JSON.stringify(stats)}\n`));

function keep() {
  for (const { filename, source, script } of fresh) {
    try {
      cache.set(filename, { source, data: script.createCachedData() });
    } catch {
      // nothing kept: the file compiles again next time
    }
  }
  fresh = [];
}

/**
 * The text of the installed packages' files, read once per process: Jest reads every file a suite
 * requires into that suite's own table (cacheFS). Only files under node_modules, which do not change
 * while tests run; the project's own files are read afresh for each suite.
 */
const packageFiles = new Map();
const INSTALLED = /[\\/]node_modules[\\/]/;

class CodeCacheRuntime extends Runtime {
  constructor(config, environment, resolver, transformer, cacheFS, ...rest) {
    super(config, environment, resolver, transformer, cacheFS, ...rest);
    const coverage = rest[0];
    // (after super: constructing a runtime empties the table)
    if (cacheFS instanceof Map) {
      for (const [file, text] of packageFiles) if (!cacheFS.has(file)) cacheFS.set(file, text);
      this.suiteFiles = cacheFS;
    } else warnOnce('jest-runtime is no longer given a Map of file texts; every suite reads the packages again');
    keep();
    // V8's coverage maps its ranges onto the module as Jest compiles it: a wrapper would shift them.
    if (!(coverage && coverage.collectCoverage && coverage.coverageProvider === 'v8')) this.cacheCompiledCode(environment);
  }

  /** Jest empties the suite's table of files as the suite ends: the packages' files are kept first. */
  teardown() {
    if (this.suiteFiles instanceof Map) for (const [file, text] of this.suiteFiles) if (typeof text === 'string' && INSTALLED.test(file)) packageFiles.set(file, text);
    return super.teardown();
  }

  cacheCompiledCode(environment) {
    const executor = this.executor;
    if (!executor || typeof executor.compile !== 'function' || !Array.isArray(executor.injectedModuleParameters)) {
      warnOnce('jest-runtime no longer has executor.compile; modules compile without cache');
      return;
    }
    const compile = executor.compile.bind(executor);
    // `0, function` rather than `(function`: V8 compiles a parenthesised function eagerly, and a
    // module's functions are better compiled when they first run, as Node does.
    const prefix = `0, function (${executor.injectedModuleParameters.join(', ')}) {`;
    executor.compile = (source, filename) => {
      const context = environment.getVmContext();
      if (context == null) return null;
      const kept = cache.get(filename);
      const offered = kept !== undefined && kept.source === source;
      let script;
      try {
        script = new Script(`${prefix}${source}\n}`, {
          filename,
          columnOffset: -prefix.length,
          // import() as Jest's own compile routes it (with --experimental-vm-modules)
          importModuleDynamically: typeof executor.dynamicImport === 'function' ? (specifier, _script, attributes) => executor.dynamicImport(specifier, filename, context, attributes) : undefined,
          cachedData: offered ? kept.data : undefined,
        });
      } catch {
        // let Jest report the syntax error its own way
        return compile(source, filename);
      }
      stats.compiled++;
      if (offered && !script.cachedDataRejected) stats.fromCache++;
      if (offered && script.cachedDataRejected) stats.rejected++;
      if (!offered || script.cachedDataRejected) fresh.push({ filename, source, script });
      return script.runInContext(context);
    };
  }
}

module.exports = CodeCacheRuntime;
module.exports.default = CodeCacheRuntime;
