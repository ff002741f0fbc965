import type { Browser, Page } from 'playwright-core';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { describeBrowser, launchBrowser, screenshot, ask, waitForBot } from '../helpers/browser';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';
import { participant } from '../helpers/http';

/**
 * "Ask the organisers", from the web chat page to the organiser tab and back: two participants ask
 * the same question in their words and languages; the organiser sees one group of two, is asked for
 * the French answer before anything is sent, answers in both, and the participant's page shows it.
 */
jest.setTimeout(120_000);
const TOKEN = 'questions-e2e-token-0123456789';
const QUESTION = 'Will participants receive a certificate of attendance?';
const ANSWER = {
  en: 'Yes: every participant who attends a session receives a certificate of attendance by email.',
  fr: 'Oui : chaque participant présent à une séance reçoit une attestation de participation par e-mail.',
};
let app: App;
let base: string;
let browser: Browser;
let data: ReturnType<typeof tempDataDir>;

/** Every tab fully inside the window: none cut off or pushed sideways. */
async function tabsFit(page: Page, width: number): Promise<void> {
  const boxes = await page.$$eval('[role=tab]', (tabs) => tabs.map((t) => ({ text: (t as HTMLElement).innerText, ...t.getBoundingClientRect().toJSON() }) as { text: string; left: number; right: number; top: number }));
  expect(boxes).toHaveLength(7);
  for (const b of boxes) expect({ tab: b.text, inside: b.left >= 0 && b.right <= width }).toEqual({ tab: b.text, inside: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

describeBrowser('questions for the organisers, from the web chat page to the organiser tab, in headless Chromium', () => {
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

  test('when two participants ask the same thing and the organiser answers in the tab, then the web chat participant reads the answer under their question', async () => {
    const chat = await browser.newPage({ locale: 'en-US' });
    await chat.goto(`${base}/`);
    await chat.waitForSelector('.webchat__send-box-text-box__input', { timeout: 30_000 });
    await chat.waitForFunction(() => document.querySelectorAll('.webchat__bubble').length > 0, null, { timeout: 15_000 });
    await ask(chat, QUESTION, /couldn.t find that in the information note/);
    await chat.getByRole('button', { name: 'Ask the organisers' }).last().click();
    await waitForBot(chat, 0, /Send it\?/);
    await ask(chat, 'yes', /email address/);
    await ask(chat, 'no', /Sent to the organisers/);

    // A second participant, in French and in other words.
    const other = participant(base);
    expect(await other('Est-ce que nous recevrons un certificat de participation ?')).toMatch(/Je ne trouve pas cette information/);
    await other('Poser la question aux organisateurs');
    await other('oui');
    expect(await other('non')).toMatch(/1 autre participant a posé la même question/);

    const tab = await browser.newPage({ locale: 'en-GB', viewport: { width: 1000, height: 800 } });
    await tab.goto(`${base}/organiser`);
    await tab.fill('#token', TOKEN);
    await tab.click('#signin');
    await tab.waitForSelector('#cBody tr');
    await tabsFit(tab, 1000);
    await tab.click('[role=tab][data-tab="questions"]');
    await tab.waitForSelector('#qBody tr button');
    const rows = await tab.$$eval('#qBody tr', (trs) => trs.map((tr) => (tr as HTMLElement).innerText));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(QUESTION);
    expect(rows[0]).toContain('certificat de participation');
    expect(rows[0]).toMatch(/\b2\b/);

    await tab.click('#qBody tr button');
    await tab.fill('#qEn', ANSWER.en);
    await tab.click('#qSave');
    // Announced in the live region, focus on the French field; nothing saved.
    await tab.waitForFunction(() => /French is missing/.test(document.getElementById('status')!.textContent ?? ''));
    expect(await tab.getAttribute('#status', 'aria-live')).toBe('polite');
    expect(await tab.evaluate(() => document.activeElement?.id)).toBe('qFr');
    expect((await app.questions.groups('open')).length).toBe(1);
    await tab.fill('#qFr', ANSWER.fr);
    await tab.click('#qSave');
    await tab.waitForFunction(() => /Answer saved/.test(document.getElementById('status')!.textContent ?? ''));
    await screenshot(tab, 'questions-answered');

    // The web chat participant's page shows the organisers' answer, their question quoted.
    const shown = await waitForBot(chat, 0, /Answer from the organisers[\s\S]*certificate of attendance by email/);
    expect(shown).toContain(QUESTION);
    expect(shown).toContain(ANSWER.en);
    await screenshot(chat, 'questions-answer-in-webchat');
    await chat.close();
    await tab.close();
  });

  test('when the tab is opened on a phone, in French, then the seven tabs fit and an answer can be given with the keyboard alone', async () => {
    await app.questions.ask({ text: 'Y aura-t-il une interprétation en portugais ?', language: 'fr', channelId: 'webchat', userId: 'kb-user', reference: {} });
    const tab = await browser.newPage({ locale: 'fr-FR', viewport: { width: 390, height: 844 } });
    await tab.goto(`${base}/organiser`);
    await tab.fill('#token', TOKEN);
    await tab.press('#token', 'Enter');
    await tab.waitForSelector('#cBody tr');
    await tabsFit(tab, 390);
    // From the selected tab, arrows move to "Questions", Tab reaches the first open question's button.
    expect(await tab.evaluate(() => document.activeElement?.id)).toBe('tab-confirmations');
    await tab.keyboard.press('ArrowRight');
    await tab.keyboard.press('ArrowRight');
    expect(await tab.evaluate(() => document.activeElement?.id)).toBe('tab-questions');
    await tab.keyboard.press('Enter');
    await tab.waitForSelector('#qBody tr button');
    for (let i = 0; i < 40 && !(await tab.evaluate(() => /portugais/.test(document.activeElement?.closest('tr')?.textContent ?? ''))); i++) await tab.keyboard.press('Tab');
    await tab.keyboard.press('Enter');
    expect(await tab.evaluate(() => document.activeElement?.id)).toBe('qFormTitle');
    await tab.keyboard.press('Tab');
    await tab.keyboard.type('No: English and French only.');
    await tab.keyboard.press('Tab');
    await tab.keyboard.type('Non : anglais et français seulement.');
    await tab.keyboard.press('Tab');
    expect(await tab.evaluate(() => document.activeElement?.id)).toBe('qSave');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(() => /Réponse enregistrée/.test(document.getElementById('status')!.textContent ?? ''));
    expect((await app.questions.groups('open')).length).toBe(0);
    expect(await tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await tab.close();
  });
});
