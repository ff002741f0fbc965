import type { Browser } from 'playwright-core';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { describeBrowser, launchBrowser, screenshot, ask, botMessages } from '../helpers/browser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AFTER, SOURCES_DIR, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';

jest.setTimeout(90_000);
const TOKEN = 'e2e-admin-token-0123456789';
let app: App;
let base: string;
let browser: Browser;
let data: ReturnType<typeof tempDataDir>;

describeBrowser('the web chat page and the organiser tab, in headless Chromium', () => {
  beforeAll(async () => {
    data = tempDataDir();
    app = await createApp(testConfig(data.dir, { ADMIN_TOKEN: TOKEN }), { clock: fixedClock(AFTER), logger: silentLogger });
    base = `http://127.0.0.1:${await app.start(0)}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    data?.cleanup();
  });

  test('when a participant asks in French and in English, then cited answers show; after a reload the history is still there', async () => {
    const page = await browser.newPage({ locale: 'fr-FR', timezoneId: 'Africa/Dakar' });
    await page.goto(`${base}/`);
    await page.waitForSelector('.webchat__send-box-text-box__input', { timeout: 30_000 });
    expect(await page.textContent('#title')).toBe('Assistant des participants — ANUE 4/19');
    await page.waitForFunction(() => document.body.innerText.includes('Bonjour'), null, { timeout: 15_000 });
    const fr = await ask(page, "Quand a lieu la séance d'information pour l'Afrique ?", /Source\s*:\s*note d.information/);
    expect(fr).toMatch(/20 juillet 2020/);
    expect(fr).toMatch(/Africa\/Dakar\)\s*:\s*lundi 20 juillet 2020, 08 h 00/);
    const en = await ask(page, 'Which video conferencing platform will be used?', /Source: information note/);
    expect(en).toMatch(/Webex/);
    await screenshot(page, 'webchat-answers');

    await page.reload();
    await page.waitForSelector('.webchat__send-box-text-box__input', { timeout: 30_000 });
    await page.waitForFunction(() => document.body.innerText.includes('Webex'), null, { timeout: 15_000 });
    const history = (await botMessages(page)).join('\n');
    expect(history).toMatch(/20 juillet 2020[\s\S]*Webex/);
    await screenshot(page, 'webchat-after-reload');
    await page.close();
  });

  test('when the FR/EN switch is pressed, then the page and the bot change language', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${base}/`);
    await page.waitForSelector('.webchat__send-box-text-box__input', { timeout: 30_000 });
    expect(await page.textContent('#lang')).toBe('FR');
    await page.click('#lang');
    await page.waitForFunction(() => document.body.innerText.includes('Très bien, je vous réponds désormais en français'), null, { timeout: 15_000 });
    expect(await page.getAttribute('.webchat__send-box-text-box__input', 'placeholder')).toMatch(/message/i);
    expect(await page.textContent('#title')).toBe('Assistant des participants — ANUE 4/19');
    await screenshot(page, 'webchat-switched-to-french');
    await page.close();
  });

  test('when a participant confirms through the page, then organisers find it in the tab and mark "registration link sent"', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${base}/`);
    await page.waitForSelector('.webchat__send-box-text-box__input', { timeout: 30_000 });
    await ask(page, "I'd like to confirm my participation", /Which event/);
    await ask(page, 'the sub-regional consultation', /full name/);
    await ask(page, 'Nyokabi Wanjiku', /organisation/);
    await ask(page, 'Kenya Chamber of Mines', /email address/);
    await ask(page, 'nyokabi@example.org', /stakeholder group/);
    // A suggested action, clicked as a participant would.
    const before = (await botMessages(page)).length;
    await page.click('button:has-text("Industry or employee group")');
    await page.waitForFunction((n) => document.querySelectorAll('.webchat__bubble:not(.webchat__bubble--from-user)').length > n, before, { timeout: 15_000 });
    await ask(page, 'Kenya', /May I store these details/);
    await ask(page, 'yes', /Is everything correct/);
    const done = await ask(page, 'yes', /Your reference/);
    const reference = /UNEA-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(done)![0];
    await screenshot(page, 'webchat-confirmed');

    const tab = await browser.newPage({ locale: 'en-US', viewport: { width: 1200, height: 800 } });
    await tab.goto(`${base}/organiser`);
    await tab.fill('#token', TOKEN);
    await tab.click('#signin');
    await tab.waitForSelector(`tr:has-text("${reference}")`, { timeout: 15_000 });
    await tab.fill('#search', 'Nyokabi');
    expect(await tab.textContent('#count')).toBe('1 shown');
    await tab.selectOption(`select[data-reference="${reference}"]`, 'registration-link-sent');
    await tab.waitForFunction(() => document.getElementById('status')!.textContent === 'Saved.', null, { timeout: 10_000 });
    await screenshot(tab, 'organiser-tab');
    const [c] = await app.confirmations.list();
    expect(c).toMatchObject({ reference, name: 'Nyokabi Wanjiku', group: 'industry', followUp: 'registration-link-sent' });

    // The other panels: digest preview, unanswered questions, feedback; and a phone-sized screen.
    await tab.click('nav button[data-tab="digest"]');
    await tab.waitForFunction(() => (document.getElementById('preview') as HTMLIFrameElement).srcdoc.includes('Nyokabi'), null, { timeout: 10_000 });
    await tab.setViewportSize({ width: 390, height: 800 });
    await tab.click('nav button[data-tab="confirmations"]');
    await tab.waitForSelector(`tr:has-text("${reference}")`);
    await screenshot(tab, 'organiser-tab-phone');
    await tab.close();
    await page.close();
  });

  test('when an admin uploads a moved date from the tab, previews and publishes, then the bot gives the new date', async () => {
    const read = (f: string) => readFileSync(join(SOURCES_DIR, f), 'utf8');
    const schedule = JSON.parse(read('schedule.json')) as { events: Array<{ id: string; when: unknown; noteText: unknown }> };
    Object.assign(schedule.events.find((e) => e.id === 'subregional-africa')!, { when: { type: 'day', date: '2020-08-13' }, noteText: { date: '13 août 2020' } });
    const tab = await browser.newPage({ locale: 'en-US', viewport: { width: 1200, height: 900 } });
    await tab.goto(`${base}/organiser`);
    await tab.fill('#token', TOKEN);
    await tab.click('#signin');
    await tab.click('nav button[data-tab="sources"]');
    await tab.waitForFunction(() => document.getElementById('srcStatus')!.textContent!.startsWith('Live: version'), null, { timeout: 10_000 });
    const upload = async (name: string, file: string, mimeType: string, content: string) => {
      await tab.selectOption('#srcName', name);
      await tab.setInputFiles('#srcFile', { name: file, mimeType, buffer: Buffer.from(content) });
      await tab.click('#srcUpload');
      await tab.waitForFunction((n) => document.getElementById('status')!.textContent!.includes(`draft ${n}`), 2, { timeout: 10_000 });
    };
    await upload('schedule', 'schedule.json', 'application/json', JSON.stringify(schedule));
    await tab.waitForSelector('#srcProblems li');
    expect(await tab.textContent('#srcProblems')).toMatch(/13 août 2020/);
    expect(await tab.isDisabled('#srcPublish')).toBe(true);
    await upload('note-fr', 'note.fr.md', 'text/markdown', read('note.fr.md').replace('Afrique : 6 août 2020', 'Afrique : 13 août 2020'));
    await upload('note-en', 'note.en.md', 'text/markdown', read('note.en.md').replace('Africa: 6 August 2020', 'Africa: 13 August 2020'));
    await tab.waitForFunction(() => !(document.getElementById('srcPublish') as HTMLButtonElement).disabled, null, { timeout: 10_000 });
    await tab.click('#srcPreview');
    await tab.waitForSelector('#pvBody tr:has-text("13 August 2020")', { timeout: 10_000 });
    await screenshot(tab, 'organiser-sources-preview');
    await tab.click('#srcPublish');
    await tab.waitForFunction(() => document.getElementById('status')!.textContent === 'Version 2 is live.', null, { timeout: 10_000 });
    expect(app.knowledge.version).toBe(2);
    expect(app.knowledge.answer('When is the sub-regional consultation?', { lang: 'en' }).text).toMatch(/13 August 2020/);
    await tab.click('tr[data-version="1"] button');
    await tab.waitForFunction(() => document.getElementById('status')!.textContent === 'Version 1 is live again.', null, { timeout: 10_000 });
    expect(app.knowledge.answer('When is the sub-regional consultation?', { lang: 'en' }).text).toMatch(/6 August 2020/);
    await tab.close();
  });

  test('when the organiser tab gets a wrong token, then it says so and shows nothing', async () => {
    const tab = await browser.newPage({ locale: 'fr-FR' });
    await tab.goto(`${base}/organiser`);
    expect(await tab.textContent('#signin')).toBe('Ouvrir');
    await tab.fill('#token', 'wrong-token-wrong-token');
    await tab.click('#signin');
    await tab.waitForFunction(() => document.getElementById('loginError')!.textContent!.startsWith('Ce jeton a été refusé.'), null, { timeout: 10_000 });
    expect(await tab.isVisible('#app')).toBe(false);
    await tab.close();
  });
});
