import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { describeBrowser, launchBrowser, screenshot } from '../helpers/browser';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';
import { LoopbackSmtp } from '../helpers/smtp';

/**
 * The organiser tab as an organiser meets it: on a bot started with no settings, then with an admin
 * token but no digest destination, then with email set up; in English and in French; by mouse and
 * by keyboard alone. No request leaves the app's own origin.
 */
jest.setTimeout(120_000);
const TOKEN = 'organiser-e2e-token-0123456789';
let browser: Browser;

async function started(env: Record<string, string>): Promise<{ app: App; base: string; stop: () => Promise<void> }> {
  const data = tempDataDir();
  const app = await createApp(testConfig(data.dir, env), { clock: fixedClock(AFTER), logger: silentLogger });
  const base = `http://127.0.0.1:${await app.start(0)}`;
  return { app, base, stop: async () => (await app.stop(), data.cleanup()) };
}

async function record(app: App, name: string): Promise<void> {
  await app.confirmations.record(
    { eventId: 'subregional-africa', name, organisation: 'Ministry of Mines', email: `${name.split(' ')[0]!.toLowerCase()}@example.org`, group: 'government', country: 'Senegal', sessionLanguage: 'fr', consent: true },
    { channelId: 'webchat', userId: `user-${name}` },
    { chatLanguage: 'en', activityKey: `activity-${name}` },
  );
}

/** A tab page that records every request it makes outside the app. */
async function openTab(base: string, locale: string, viewport = { width: 1000, height: 800 }): Promise<{ page: Page; elsewhere: string[] }> {
  const page = await browser.newPage({ locale, viewport, acceptDownloads: true });
  const elsewhere: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !/^(blob|data):/.test(r.url())) elsewhere.push(r.url());
  });
  await page.goto(`${base}/organiser`);
  return { page, elsewhere };
}

async function signIn(page: Page): Promise<void> {
  await page.fill('#token', TOKEN);
  await page.click('#signin');
  await page.waitForSelector('#cBody tr');
}

const status = (page: Page) => page.textContent('#status');

describeBrowser('the organiser tab, in headless Chromium', () => {
  beforeAll(async () => (browser = await launchBrowser()));
  afterAll(async () => browser?.close());

  describe('on a bot started with no settings', () => {
    let bot: Awaited<ReturnType<typeof started>>;
    beforeAll(async () => (bot = await started({})));
    afterAll(async () => bot?.stop());

    test.each([
      ['en-GB', /turned off[\s\S]*Set ADMIN_TOKEN[\s\S]*restart the bot/],
      ['fr-FR', /désactivée[\s\S]*Renseignez ADMIN_TOKEN[\s\S]*redémarrez-le/],
    ])('when the tab opens (%s), then it says the API is off and which setting turns it on, and asks for no token', async (locale, expected) => {
      const { page, elsewhere } = await openTab(bot.base, locale);
      await page.waitForSelector('#disabled:not([hidden])');
      expect(await page.textContent('#disabled')).toMatch(expected);
      expect(await page.isVisible('#token')).toBe(false);
      expect(await page.textContent('#disabled')).not.toMatch(/refused|refusé/);
      expect(elsewhere).toEqual([]);
      await page.close();
    });
  });

  describe('on a bot with an admin token and no digest destination', () => {
    let bot: Awaited<ReturnType<typeof started>>;
    beforeAll(async () => {
      bot = await started({ ADMIN_TOKEN: TOKEN });
      await record(bot.app, 'Amina Diallo');
    });
    afterAll(async () => bot?.stop());

    test('when the digest is sent now, then the tab says nothing was sent and which settings to set, in English then in French', async () => {
      const { page, elsewhere } = await openTab(bot.base, 'en-GB');
      await signIn(page);
      await page.click('[role=tab][data-tab="digest"]');
      await page.click('#sendNow');
      await page.waitForFunction(() => document.getElementById('status')!.textContent !== '');
      expect(await status(page)).toMatch(/^No digest was sent: no destination is set up\. For email, set SMTP_URL and ORGANISER_EMAILS[\s\S]*subscribe to digests/);
      expect(await status(page)).not.toMatch(/no-destination/);
      await screenshot(page, 'organiser-digest-no-destination');

      await page.click('#lang');
      expect(await status(page)).toBe('');
      await page.click('#sendNow');
      await page.waitForFunction(() => document.getElementById('status')!.textContent !== '');
      expect(await status(page)).toMatch(/^Aucun résumé n'a été envoyé\u00a0: aucune destination n'est configurée\.[\s\S]*SMTP_URL et ORGANISER_EMAILS/);
      expect(elsewhere).toEqual([]);
      await page.close();
    });

    test('when another tab is opened, then the message of the previous one goes; a disabled Publish looks disabled', async () => {
      const { page } = await openTab(bot.base, 'en-GB');
      await signIn(page);
      await page.selectOption(`select[data-reference]`, 'test-session-done');
      await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Saved.');
      await page.click('[role=tab][data-tab="sources"]');
      await page.waitForSelector('#vBody tr[data-version]');
      expect(await status(page)).toBe('');

      expect(await page.isDisabled('#srcPublish')).toBe(true);
      const look = (selector: string) =>
        page.$eval(selector, (e) => {
          const s = getComputedStyle(e);
          return { background: s.backgroundColor, color: s.color, border: s.borderStyle, cursor: s.cursor };
        });
      const [disabled, enabled] = [await look('#srcPublish'), await look('#srcUpload')];
      expect(disabled.cursor).toBe('not-allowed');
      expect(disabled.border).toBe('dashed');
      expect(disabled.background).not.toBe(enabled.background);
      expect(disabled.color).not.toBe(enabled.color);
      await page.close();
    });

    test('when a schedule renaming an event is published, then the tab shows the new name without a reload', async () => {
      const { page } = await openTab(bot.base, 'en-GB');
      await signIn(page);
      expect(await page.textContent('#cBody')).toContain('Sub-regional consultation for Africa');
      const schedule = JSON.parse(JSON.stringify(bot.app.knowledge.sources.schedule)) as { events: Array<{ id: string; short: { en: string; fr: string } }> };
      schedule.events.find((e) => e.id === 'subregional-africa')!.short.en = 'sub-regional consultation (Africa)';
      await page.click('[role=tab][data-tab="sources"]');
      await page.selectOption('#srcName', 'schedule');
      await page.setInputFiles('#srcFile', { name: 'schedule.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(schedule)) });
      await page.click('#srcUpload');
      await page.waitForFunction(() => !(document.getElementById('srcPublish') as HTMLButtonElement).disabled);
      await page.click('#srcPublish');
      await page.waitForFunction(() => /is live\.$/.test(document.getElementById('status')!.textContent!));
      await page.click('[role=tab][data-tab="confirmations"]');
      await page.waitForSelector('#cBody td:has-text("Sub-regional consultation (Africa)")');
      expect(await page.$$eval('#fEvent option', (os) => os.map((o) => o.textContent))).toContain('Sub-regional consultation (Africa)');
      await page.close();
    });
  });

  describe('on a bot that sends digests by email', () => {
    const smtp = new LoopbackSmtp();
    let bot: Awaited<ReturnType<typeof started>>;
    beforeAll(async () => {
      await smtp.start();
      bot = await started({ ADMIN_TOKEN: TOKEN, SMTP_URL: smtp.url, ORGANISER_EMAILS: 'catherine@example.org', MAIL_FROM: 'Assistant <assistant@example.org>' });
      await record(bot.app, 'Amina Diallo');
    });
    afterAll(async () => {
      await bot?.stop();
      await smtp.stop();
    });

    test('when the digest is sent now, then the tab says where it went and what it held; again, that nothing was new', async () => {
      const { page } = await openTab(bot.base, 'fr-FR');
      await signIn(page);
      await page.click('[role=tab][data-tab="digest"]');
      await page.click('#sendNow');
      await page.waitForFunction(() => document.getElementById('status')!.textContent !== '');
      expect(await status(page)).toBe('E-mail\u00a0: résumé envoyé (1 confirmation(s), 0 annulation(s), 0 question(s) sans réponse).');
      expect(smtp.mails).toHaveLength(1);
      await page.click('#lang');
      await page.click('#sendNow');
      await page.waitForFunction(() => document.getElementById('status')!.textContent !== '');
      expect(await status(page)).toBe('Email: nothing new since the last digest, nothing sent.');
      await page.close();
    });

    test('when an organiser uses the keyboard alone, then they sign in, change a follow-up and export the CSV with labels', async () => {
      const { page } = await openTab(bot.base, 'en-GB');
      /** Presses Tab until the element is focused, as a keyboard user would (never more than 40 times). */
      const tabTo = async (selector: string) => {
        for (let i = 0; i < 40; i++) {
          if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
          await page.keyboard.press('Tab');
        }
        throw new Error(`Tab never reached ${selector}`);
      };
      await tabTo('#token');
      await page.keyboard.type(TOKEN);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#cBody tr[data-id]');
      // After signing in, focus is on the open view's tab; arrows move between tabs.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-confirmations');
      await page.keyboard.press('ArrowRight');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-digest');
      expect(await page.isVisible('#panel-digest')).toBe(true);
      // Back on the confirmations, their list is fetched anew; the organiser is on a follow-up of the
      // table shown before it arrives, and the table is filled again under the keyboard.
      const list = /\/api\/admin\/confirmations(\?.*)?$/;
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let asked = 0;
      await page.route(list, async (route) => {
        asked++;
        await held;
        await route.continue();
      });
      await page.keyboard.press('ArrowLeft');
      await tabTo('select[data-reference]');
      await page.evaluate(() => ((document.activeElement as HTMLElement).dataset['before'] = 'reload'));
      for (let i = 0; i < 100 && asked === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(asked).toBeGreaterThan(0);
      release();
      await page.waitForFunction(() => document.querySelector('#cBody select[data-reference]:not([data-before])') !== null);
      await page.unroute(list);
      // Focus stays on that follow-up, in the new table.
      expect(await page.evaluate(() => document.activeElement?.matches('#cBody select[data-reference]:not([data-before])') ?? false)).toBe(true);
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Saved.');
      expect((await bot.app.confirmations.list())[0]!.followUp).toBe('registration-link-sent');

      await tabTo('#export');
      const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      const csv = readFileSync((await download.path())!, 'utf8');
      const [header, row] = csv.replace(/^\ufeff/, '').split('\r\n');
      expect(header).toMatch(/^"Reference","Event","Name","Email","Organisation","Stakeholder group",[\s\S]*"Event id","Group id","Status id","Follow-up id","Confirmation id"$/);
      expect(row).toContain('"Sub-regional consultation for Africa","Amina Diallo"');
      expect(row).toContain('"Government (ministry of mines, of environment…)"');
      expect(row).toContain('"Registration link sent"');
      expect(row).toContain('"subregional-africa","government","confirmed","registration-link-sent"');
      expect(await status(page)).toBe('Exported 1 confirmation(s) to confirmations.csv.');
      await page.close();
    });
  });
});
