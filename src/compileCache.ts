import * as nodeModule from 'node:module';

/**
 * Imported first by src/index.ts, before the thousand-odd modules the bot loads: on Node 22.1 and
 * newer, V8 keeps their compiled code on disk (NODE_COMPILE_CACHE, else a temporary folder), which
 * spares most of the compile time of every later start. Node 20 has no such cache and starts as before.
 */
(nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache?.();
