import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './fixtures';

/**
 * The suites that build dist/ or start the compiled program from it take turns: Jest runs suites in
 * parallel workers, and one suite rebuilding dist/, holding its build lock or damaging its code
 * cache on purpose must not meet another starting the program from it. A folder is the lock (made
 * only if absent); one left by a worker that died is taken over.
 */
const LOCK = join(tmpdir(), `pa-dist-suites-${createHash('sha256').update(ROOT).digest('hex').slice(0, 16)}`);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function holder(): number | undefined {
  try {
    return Number(readFileSync(join(LOCK, 'pid'), 'utf8')) || undefined;
  } catch {
    return undefined;
  }
}

async function acquire(): Promise<void> {
  let orphanSince: number | undefined;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = holder();
    // A lock just made may not hold its pid yet: its maker gets a moment before it is judged.
    orphanSince = pid === undefined ? (orphanSince ?? Date.now()) : undefined;
    if ((pid !== undefined && !alive(pid)) || (orphanSince !== undefined && Date.now() - orphanSince > 2000)) rmSync(LOCK, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Holds the dist/ lock from before the suite's first test until after its last. */
export function takeTurnsWithDist(): void {
  beforeAll(acquire, 600_000);
  afterAll(() => {
    if (holder() === process.pid) rmSync(LOCK, { recursive: true, force: true });
  });
}
