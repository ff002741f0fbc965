import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledCacheDir, keyOf, saveCodeCache } from './compileCache';
import { StemMemo } from './knowledge/analyzer';

/**
 * The stems of the words the sources use, kept beside the compiled code from one start to the next
 * (written by the build too): valid while the analyser and Snowball are the same files.
 */
const stemsFile = compiledCacheDir && join(compiledCacheDir, 'stems.json');
const stemsKey = (): string => [require.resolve('./knowledge/analyzer'), require.resolve('snowball-stemmers')].map(keyOf).join(' ');

export function readStems(): StemMemo {
  try {
    if (!stemsFile || !existsSync(stemsFile)) return new StemMemo();
    const saved = JSON.parse(readFileSync(stemsFile, 'utf8')) as { key?: string; stems?: ConstructorParameters<typeof StemMemo>[0] };
    return saved.key === stemsKey() ? new StemMemo(saved.stems) : new StemMemo();
  } catch {
    return new StemMemo();
  }
}

/** Writes the caches of this start for the next: compiled code and stems. A failure only costs time. */
export function saveCaches(stems: StemMemo): void {
  saveCodeCache();
  if (!stemsFile || !stems.changed) return;
  try {
    mkdirSync(compiledCacheDir!, { recursive: true });
    writeFileSync(`${stemsFile}.${process.pid}.tmp`, JSON.stringify({ key: stemsKey(), stems }));
    renameSync(`${stemsFile}.${process.pid}.tmp`, stemsFile);
    stems.changed = false;
  } catch {
    // A read-only install keeps what the build wrote.
  }
}
