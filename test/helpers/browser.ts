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

/** The text of every bot message Web Chat shows, in order. */
export const botMessages = (page: Page): Promise<string[]> =>
  page.$$eval('.webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content', (els) => els.map((e) => (e as HTMLElement).innerText));

/** Waits until the bot messages shown after the first `before` match `expected`, and returns them. */
export async function waitForBot(page: Page, before: number, expected: RegExp, waitMs = 20_000): Promise<string> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const fresh = (await botMessages(page)).slice(before).join('\n');
    if (expected.test(fresh)) return fresh;
    await page.waitForTimeout(150);
  }
  throw new Error(`no bot message matching ${expected}; got:\n${(await botMessages(page)).slice(before).join('\n---\n')}`);
}

/** Types a message into Web Chat's send box, sends it, and waits for the bot's reply matching `expected`. */
export async function ask(page: Page, text: string, expected: RegExp, waitMs = 20_000): Promise<string> {
  const before = (await botMessages(page)).length;
  await page.fill('[data-id="webchat-sendbox-input"], .webchat__send-box-text-box__input', text);
  await page.keyboard.press('Enter');
  return waitForBot(page, before, expected, waitMs).catch((e: Error) => {
    throw new Error(`after "${text}": ${e.message}`);
  });
}

/** Browser suites need Chromium; without it they are skipped visibly, unless REQUIRE_BROWSER=1. */
export const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable) {
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`Chromium is not at ${CHROMIUM}; REQUIRE_BROWSER=1`);
  process.stderr.write(`\n*** Chromium is not at ${CHROMIUM}: the browser suites are SKIPPED ***\n\n`);
}
export const describeBrowser = (name: string, fn: () => void): void => (browserAvailable ? describe : describe.skip)(name, fn);
