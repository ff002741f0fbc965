import type { Browser, Page } from 'playwright-core';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { nonces } from '../../src/http/securityHeaders';
import { describeBrowser, launchBrowser } from '../helpers/browser';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';

const TOKEN = 'headers-admin-token-0123456789';
let app: App;
let base: string;
let data: ReturnType<typeof tempDataDir>;
beforeAll(async () => {
  data = tempDataDir();
  app = await createApp(testConfig(data.dir, { ADMIN_TOKEN: TOKEN }), { clock: fixedClock(AFTER), logger: silentLogger });
  base = `http://127.0.0.1:${await app.start(0)}`;
});
afterAll(async () => {
  await app?.stop();
  data?.cleanup();
});

/** The CSP as a map of directive to its sources. */
function csp(res: Response): Map<string, string[]> {
  const header = res.headers.get('content-security-policy') ?? '';
  return new Map(header.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name!, values]));
}

describe('security headers', () => {
  test.each(['/', '/organiser'])('when %s is fetched, then it comes with a CSP whose inline scripts need this response’s nonce, nosniff and no referrer', async (path) => {
    const [a, b] = [await fetch(`${base}${path}`), await fetch(`${base}${path}`)];
    const policy = csp(a);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).not.toContain("'unsafe-inline'");
    expect(policy.get('script-src')).not.toContain("'unsafe-eval'");
    const nonce = /'nonce-([^']+)'/.exec(policy.get('script-src')!.join(' '))![1]!;
    const html = await a.text();
    const inline = html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)!;
    expect(inline.length).toBeGreaterThan(0);
    for (const tag of inline) expect(tag).toContain(`nonce="${nonce}"`);
    expect(csp(b).get('script-src')!.join(' ')).not.toContain(nonce);
    expect(a.headers.get('x-content-type-options')).toBe('nosniff');
    expect(a.headers.get('referrer-policy')).toBe('no-referrer');
    expect(a.headers.get('x-powered-by')).toBeNull();
  });

  test('when nonces are drawn past several batches of the generator, then each is 128 bits and none repeats', () => {
    const next = nonces(4);
    const drawn = Array.from({ length: 1000 }, next);
    for (const n of drawn) expect(Buffer.from(n, 'base64')).toHaveLength(16);
    expect(new Set(drawn).size).toBe(drawn.length);
  });

  test('when the organiser tab is fetched, then Teams and Microsoft 365 may frame it and nothing else may', async () => {
    const res = await fetch(`${base}/organiser`);
    const ancestors = csp(res).get('frame-ancestors')!;
    for (const host of ['https://teams.microsoft.com', 'https://*.teams.microsoft.com', 'https://*.office.com', 'https://outlook.office.com', 'https://*.cloud.microsoft', 'https://*.microsoft365.com', 'https://*.skype.com']) expect(ancestors).toContain(host);
    expect(ancestors).not.toContain('*');
    expect(ancestors).not.toContain('https:');
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  test('when the participants’ page or the API is fetched, then only this origin may frame it', async () => {
    for (const path of ['/', '/api/health']) {
      const res = await fetch(`${base}${path}`);
      expect(csp(res).get('frame-ancestors')).toEqual(["'self'"]);
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  test('when Azure Direct Line is configured, then the page may connect to it (https and wss) and to nothing else', async () => {
    const other = tempDataDir();
    const azure = await createApp(testConfig(other.dir, { DIRECT_LINE_SECRET: 'secret-for-the-test' }), { clock: fixedClock(AFTER), logger: silentLogger });
    try {
      const port = await azure.start(0);
      const connect = csp(await fetch(`http://127.0.0.1:${port}/`)).get('connect-src');
      expect(connect).toEqual(["'self'", 'https://directline.botframework.com', 'wss://directline.botframework.com']);
    } finally {
      await azure.stop();
      other.cleanup();
    }
  });
});

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
    await app.confirmations.record(
      { eventId: 'global-forum', name: hostile, organisation: '<b>Mines</b>', email: 'tab@example.org', group: 'other', country: '<i>Mali</i>', sessionLanguage: 'en', consent: true },
      { channelId: 'webchat', userId: 'tab-user' },
      { chatLanguage: 'en', activityKey: 'tab-activity' },
    );
    await app.unanswered.record({ text: `${hostile} hotel?`, language: 'en', reason: 'no-match', askedAt: new Date(AFTER) });
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
