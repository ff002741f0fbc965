import { rmSync } from 'node:fs';

/** Removes what test/helpers/globalSetup.ts wrote for the run. */
export default function globalTeardown(): void {
  if (process.env.TEST_STEMS_FILE) rmSync(process.env.TEST_STEMS_FILE, { force: true });
}
