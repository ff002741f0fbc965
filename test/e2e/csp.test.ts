import type { Browser, Page } from 'playwright-core';
import { startApp, type StartedApp } from '../helpers/app';
import { describeBrowser, launchBrowser } from '../helpers/browser';
import { AFTER } from '../helpers/fixtures';

// The pages' security headers themselves are checked without a browser in test/security/headers.test.ts.
const TOKEN = 'headers-admin-token-0123456789';
let started: StartedApp;
let base: string;
beforeAll(async () => {
  started = await startApp({ ADMIN_TOKEN: TOKEN });
  base = started.base;
});
afterAll(async () => started?.stop());

describeBrowser('the pages under their CSP, in headless Chromium', () => {
  jest.setTimeout(90_000);
  let browser: Browser;
  beforeAll(async () => (browser = await launchBrowser()));
  afterAll(async () => browser?.close());

  /** Opens a page and collects every CSP violation and console error it reports. */
  async function open(path: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ locale: 'en-US' });
    const problems: string[] = [];
    page.on('console', (m) => {
      // Network errors are expected here (no internet: Teams JS's list of hosts cannot be fetched); CSP ones are not.
      if (/Content Security Policy|CSP violation/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)));
    await page.goto(`${base}${path}`);
    return { page, problems };
  }

  const bubbles = (page: Page) => page.$$eval('.webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content', (els) => els.map((e) => (e as HTMLElement).innerText));
  async function send(page: Page, text: string, expected: RegExp): Promise<void> {
    const before = (await bubbles(page)).length;
    await page.fill('.webchat__send-box-text-box__input', text);
    await page.keyboard.press('Enter');
    for (let i = 0; i < 100; i++) {
      if (expected.test((await bubbles(page)).slice(before).join('\n'))) return;
      await page.waitForTimeout(150);
    }
    throw new Error(`no reply matching ${expected} to "${text}"`);
  }

  test('when a participant uses Web Chat, then it works with no CSP violation and a hostile name shows as typed, with no link or image', async () => {
    const { page, problems } = await open('/');
    await page.waitForSelector('.webchat__send-box-text-box__input', { timeout: 30_000 });
    await page.waitForFunction(() => document.body.innerText.includes('Hello'), null, { timeout: 15_000 });
    await send(page, "I'd like to confirm my participation", /Which event/);
    await send(page, 'the global forum', /full name/);
    const hostile = '[Open](https://evil.example) ![x](https://evil.example/x.png) <img src=x onerror=alert(1)> www.evil.example Amina';
    await send(page, hostile, /organisation/);
    await send(page, '<b>Mines</b> evil.example', /email address/);
    await send(page, 'amina@example.org', /stakeholder group/);
    await send(page, 'government', /country/);
    await send(page, 'Senegal', /May I store these details/);
    await send(page, 'yes', /Is everything correct/);
    const summary = page.locator('.webchat__bubble__content', { hasText: 'Here is what I will record' }).last();
    expect((await summary.innerText()).replace(/\u200b/g, '')).toContain(hostile);
    expect(await summary.locator('a[href*="evil"], img').count()).toBe(0);
    expect(await summary.locator('b').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('when an organiser uses the tab, then it works with no CSP violation and participant text shows as text, never as markup', async () => {
    const hostile = '<img src=x onerror="document.title=1"> <a href="https://evil.example">Amina</a>';
    await started.app.confirmations.record(
      { eventId: 'global-forum', name: hostile, organisation: '<b>Mines</b>', email: 'tab@example.org', group: 'other', country: '<i>Mali</i>', sessionLanguage: 'en', consent: true },
      { channelId: 'webchat', userId: 'tab-user' },
      { chatLanguage: 'en', activityKey: 'tab-activity' },
    );
    await started.app.unanswered.record({ text: `${hostile} hotel?`, language: 'en', reason: 'no-match', askedAt: new Date(AFTER) });
    const { page, problems } = await open('/organiser');
    await page.fill('#token', TOKEN);
    await page.click('#signin');
    await page.waitForSelector('tr:has-text("tab@example.org")', { timeout: 15_000 });
    expect(await page.locator('#cBody').innerText()).toContain(hostile);
    for (const tab of ['digest', 'unanswered', 'feedback', 'sources', 'confirmations']) {
      await page.click(`nav button[data-tab="${tab}"]`);
      await page.waitForTimeout(300);
    }
    expect(await page.locator('#uBody').innerText()).toContain(hostile);
    expect(await page.locator('main, #app').locator('img, a[href*="evil"], b, i').count()).toBe(0);
    expect(await page.title()).not.toBe('1');
    expect(await page.textContent('#status')).not.toMatch(/wrong|error/i);
    expect(problems).toEqual([]);
    await page.close();
  });
});
