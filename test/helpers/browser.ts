import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './fixtures';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test', 'artifacts', 'screenshots');

/** Debian's Chromium, headless, with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}


/** Browser suites need Chromium; without it they are skipped visibly, unless REQUIRE_BROWSER=1. */
export const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable) {
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`Chromium is not at ${CHROMIUM}; REQUIRE_BROWSER=1`);
  process.stderr.write(`\n*** Chromium is not at ${CHROMIUM}: the browser suites are SKIPPED ***\n\n`);
}
export const describeBrowser = (name: string, fn: () => void): void => (browserAvailable ? describe : describe.skip)(name, fn);
