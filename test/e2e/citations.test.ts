import type { Browser, Page } from 'playwright-core';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeBrowser, launchBrowser, SCREENSHOTS } from '../helpers/browser';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';

jest.setTimeout(90_000);
let app: App;
let base: string;
let browser: Browser;
let data: ReturnType<typeof tempDataDir>;

const lastBotBubble = '.webchat__bubble:not(.webchat__bubble--from-user) >> nth=-1';

async function askAndWait(page: Page, text: string, expected: RegExp): Promise<void> {
  await page.fill('.webchat__send-box-text-box__input', text);
  await page.keyboard.press('Enter');
  for (let i = 0; i < 100; i++) {
    if (expected.test((await page.locator(lastBotBubble).innerText().catch(() => '')) ?? '')) return;
    await page.waitForTimeout(150);
  }
  throw new Error(`no reply matching ${expected} to "${text}"`);
}

describeBrowser('an answer about two events, as Web Chat shows it', () => {
  beforeAll(async () => {
    data = tempDataDir();
    app = await createApp(testConfig(data.dir), { clock: fixedClock(AFTER), logger: silentLogger });
    base = `http://127.0.0.1:${await app.start(0)}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    data?.cleanup();
  });

  test('when both briefings are asked about, then each reference is its own numbered link with its own title, and the caveat is said once', async () => {
    const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Africa/Dakar', viewport: { width: 900, height: 1600 } });
    await page.goto(`${base}/`);
    await page.waitForSelector('.webchat__send-box-text-box__input', { timeout: 30_000 });
    await askAndWait(page, 'What time are the briefings for Africa?', /2 references/);
    const bubble = page.locator(lastBotBubble);

    // "[1] [2]" are two citation buttons opening references 1 and 2, not one link opening the second.
    const markers = await bubble.locator('button.webchat__render-markdown__citation').evaluateAll((els) => els.map((e) => ({ text: (e as HTMLElement).innerText, value: (e as HTMLButtonElement).value })));
    expect(markers).toEqual([{ text: '1', value: 'cite:1' }, { text: '2', value: 'cite:2' }]);
    const titles = await bubble.locator('.webchat__link-definitions__list-item-text').allInnerTexts();
    expect(titles).toHaveLength(2);
    expect(new Set(titles).size).toBe(2);
    for (const title of titles) expect(title).toMatch(/^“(English only|English and French): 2\d July 2020.*” · §3 Briefing on the UNEA-4 resolution/);

    const text = await bubble.innerText();
    expect(text.match(/general window of 10:00-13:00/g)).toHaveLength(1);
    expect(text).toMatch(/20 July 2020, 11:00 – 13:00 Nairobi time[\s\S]*08:00 – 10:00/);
    expect(text).toMatch(/23 July 2020, 13:00 – 15:00 Nairobi time[\s\S]*10:00 – 12:00/);
    // The answer itself, references open: the page's transcript scrolls it out of a full-page shot.
    mkdirSync(SCREENSHOTS, { recursive: true });
    await bubble.screenshot({ path: join(SCREENSHOTS, 'webchat-two-event-answer.png') });
    await page.close();
  });
});
