import type { Browser, Page } from 'playwright-core';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { expectNoSeriousViolation } from '../helpers/axe';
import { describeBrowser, launchBrowser, ask } from '../helpers/browser';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';

/**
 * axe-core (WCAG 2.0–2.2 A and AA) on every view of the chat page and of the organiser tab, in
 * French and in English, at 1,000 px and at a phone's width, and the tab in Teams' three themes:
 * any serious or critical violation fails. The Questions view is checked empty, with questions, and
 * with its answer form open and refused for a missing language.
 */
jest.setTimeout(240_000);
const TOKEN = 'a11y-admin-token-0123456789';
const WIDE = { width: 1000, height: 800 };
const PHONE = { width: 390, height: 844 };
let app: App;
let base: string;
let browser: Browser;
let data: ReturnType<typeof tempDataDir>;

/** The page as it is, checked at both widths. */
async function checkBothWidths(page: Page, view: string): Promise<void> {
  for (const size of [WIDE, PHONE]) {
    await page.setViewportSize(size);
    await expectNoSeriousViolation(page, `${view} at ${size.width} px`);
  }
}

const CHAT: Record<'en' | 'fr', { question: string; cited: RegExp; dialog: Array<[string, RegExp]> }> = {
  en: {
    question: 'What time are the briefings for Africa?',
    cited: /2 references/,
    dialog: [
      ["I'd like to confirm my participation", /Which event/],
      ['the sub-regional consultation', /full name/],
      ['Amina Diallo', /organisation/],
      ['Ministry of Mines', /email address/],
      ['amina@domain', /doesn.t look like an email address/],
      ['amina.diallo@example.org', /stakeholder group/],
      ['government', /country/],
      ['Senegal', /May I store these details/],
      ['yes', /Is everything correct/],
      ['yes', /Your reference/],
    ],
  },
  fr: {
    question: "À quelle heure sont les séances d'information pour l'Afrique ?",
    cited: /2 références/,
    dialog: [
      ['Je souhaite confirmer ma participation', /Pour quel événement/i],
      ['la consultation sous-régionale', /nom complet/i],
      ['Amina Diallo', /quelle organisation/i],
      ['Ministère des Mines', /adresse e-mail/i],
      ['amina@domaine', /adresse e-mail/i],
      ['amina.diallo@example.org', /groupe de parties prenantes/i],
      ['Gouvernement', /quel pays/i],
      ['Sénégal', /Puis-je conserver/i],
      ['oui', /Tout est-il correct/i],
      ['oui', /Votre référence/i],
    ],
  },
};

/** Waits until a view of the organiser tab has drawn what it fetched. */
const DRAWN: Record<string, string> = {
  confirmations: '#cBody tr',
  digest: '#preview[srcdoc]',
  unanswered: '#uBody tr',
  feedback: '#fbBody tr',
  sources: '#vBody tr',
};

/** Signs in, then checks every view of the tab; on the Sources view, also a draft with problems and its preview. */
async function checkOrganiserViews(page: Page, label: string): Promise<void> {
  await page.waitForSelector('#token');
  await expectNoSeriousViolation(page, `${label}: sign-in`);
  await page.fill('#token', 'not-the-token-at-all');
  await page.press('#token', 'Enter');
  await page.waitForFunction(() => document.getElementById('loginError')!.textContent !== '');
  await expectNoSeriousViolation(page, `${label}: token refused`);
  await page.fill('#token', TOKEN);
  await page.press('#token', 'Enter');
  for (const tab of ['confirmations', 'digest', 'unanswered', 'feedback', 'sources']) {
    await page.click(`[role=tab][data-tab="${tab}"]`);
    await page.waitForSelector(`#panel-${tab} ${DRAWN[tab]}`);
    await expectNoSeriousViolation(page, `${label}: ${tab}`);
  }
  const schedule = JSON.parse(JSON.stringify(app.knowledge.sources.schedule)) as { events: Array<{ id: string; when: unknown; noteText: unknown }> };
  Object.assign(schedule.events.find((e) => e.id === 'subregional-africa')!, { when: { type: 'day', date: '2020-08-13' }, noteText: { date: '13 août 2020' } });
  await page.selectOption('#srcName', 'schedule');
  await page.setInputFiles('#srcFile', { name: 'schedule.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(schedule)) });
  await page.click('#srcUpload');
  await page.waitForSelector('#srcProblems li');
  await expectNoSeriousViolation(page, `${label}: sources, a draft with problems`);
  await page.click('#srcPreview');
  await page.waitForSelector('#pvBody tr');
  await expectNoSeriousViolation(page, `${label}: sources, the draft's preview`);
  await page.click('#srcDiscard');
  await page.waitForFunction(() => document.getElementById('srcProblemsBox')!.hidden);
  await checkQuestionsView(page, label);
}

/** The Questions view without questions (as the API answers before any), with them, its form open, and the answer refused for a missing language. */
async function checkQuestionsView(page: Page, label: string): Promise<void> {
  await page.route('**/api/admin/questions*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ groups: [] }) }));
  await page.click('[role=tab][data-tab="questions"]');
  await page.waitForSelector('#qBody td[colspan]');
  await expectNoSeriousViolation(page, `${label}: questions, none yet`);
  await page.unroute('**/api/admin/questions*');
  await page.click('[role=tab][data-tab="confirmations"]');
  await page.click('[role=tab][data-tab="questions"]');
  await page.waitForSelector('#qBody tr button');
  await expectNoSeriousViolation(page, `${label}: questions`);
  await page.click('#qBody tr button');
  await page.fill('#qEn', 'Yes, by email.');
  await page.fill('#qFr', '');
  await page.click('#qSave');
  await page.waitForFunction(() => document.getElementById('status')!.textContent !== '');
  await expectNoSeriousViolation(page, `${label}: questions, the answer form asking for French`);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
}

describeBrowser('accessibility of the pages (axe-core in headless Chromium)', () => {
  beforeAll(async () => {
    data = tempDataDir();
    app = await createApp(testConfig(data.dir, { ADMIN_TOKEN: TOKEN }), { clock: fixedClock(AFTER), logger: silentLogger });
    base = `http://127.0.0.1:${await app.start(0)}`;
    browser = await launchBrowser();
  });
  let seeded = false;
  /** A confirmation, an unanswered question: the tab's tables have rows to check. */
  async function seedOnce(): Promise<void> {
    if (seeded) return;
    seeded = true;
    await app.confirmations.record(
      { eventId: 'global-forum', name: 'Nyokabi Wanjiku', organisation: 'Kenya Chamber of Mines', email: 'nyokabi.wanjiku.long.address@chamber-of-mines.example.org', group: 'industry', country: 'Kenya', sessionLanguage: 'en', consent: true },
      { channelId: 'webchat', userId: 'a11y-user' },
      { chatLanguage: 'en', activityKey: 'a11y-activity' },
    );
    await app.unanswered.record({ text: 'Can you recommend a hotel in Nairobi?', language: 'en', reason: 'no-match', askedAt: new Date(AFTER) });
    // Two askers, two languages: a group of two for the Questions view.
    await app.questions.ask({ text: 'Will participants receive a certificate of attendance?', language: 'en', channelId: 'webchat', userId: 'a11y-asker-1', reference: {} });
    await app.questions.ask({ text: 'Est-ce que nous recevrons un certificat de participation ?', language: 'fr', channelId: 'webchat', userId: 'a11y-asker-2', reference: {} });
  }
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    data?.cleanup();
  });

  test.each(['en', 'fr'] as const)('when the chat page is used in %s (greeting, a cited answer with buttons, every step of a confirmation), then no view has a serious or critical violation', async (lang) => {
    const page = await browser.newPage({ locale: lang === 'fr' ? 'fr-FR' : 'en-US', viewport: WIDE, bypassCSP: true });
    await page.goto(`${base}/`);
    await page.waitForSelector('.webchat__send-box-text-box__input', { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelectorAll('.webchat__bubble').length > 0, null, { timeout: 15_000 });
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    await checkBothWidths(page, `${lang} greeting`);

    await ask(page, CHAT[lang].question, CHAT[lang].cited);
    const last = page.locator('.webchat__bubble:not(.webchat__bubble--from-user) >> nth=-1');
    expect(await last.locator('button').count()).toBeGreaterThan(1);
    await checkBothWidths(page, `${lang} cited answer`);

    for (const [i, [message, expected]] of CHAT[lang].dialog.entries()) {
      await ask(page, message, expected);
      await checkBothWidths(page, `${lang} confirmation step ${i + 1} ("${message}")`);
    }
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    await page.close();
  });

  test.each([
    ['en', WIDE],
    ['en', PHONE],
    ['fr', WIDE],
    ['fr', PHONE],
  ] as const)('when the organiser tab is used in %s at %p, then no view has a serious or critical violation', async (lang, viewport) => {
    await seedOnce();
    const page = await browser.newPage({ locale: lang === 'fr' ? 'fr-FR' : 'en-US', viewport, bypassCSP: true });
    await page.goto(`${base}/organiser`);
    await checkOrganiserViews(page, `${lang} at ${viewport.width} px`);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    // Nothing wider than the window: no sideways scrolling.
    await page.click('[role=tab][data-tab="confirmations"]');
    await page.waitForSelector('#cBody tr[data-id]');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    await page.close();
  });

  test.each(['dark', 'contrast'])('when the organiser tab is shown in the Teams %s theme, then no view has a serious or critical violation (contrast included)', async (theme) => {
    await seedOnce();
    const page = await browser.newPage({ locale: 'en-US', viewport: WIDE, bypassCSP: true });
    await page.goto(`${base}/organiser?theme=${theme}`);
    expect(await page.getAttribute('html', 'data-theme')).toBe(theme);
    await checkOrganiserViews(page, `${theme} theme`);
    await page.close();
  });

  test('when the bot answers in the other language, then the page follows and its lang says so', async () => {
    const page = await browser.newPage({ locale: 'en-US', viewport: WIDE });
    await page.goto(`${base}/`);
    await page.waitForSelector('.webchat__send-box-text-box__input', { timeout: 30_000 });
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await ask(page, 'Quelle plateforme de visioconférence sera utilisée ?', /Webex/);
    await page.waitForFunction(() => document.documentElement.lang === 'fr', null, { timeout: 10_000 });
    expect(await page.textContent('#title')).toBe('Assistant des participants — ANUE 4/19');
    await page.close();
  });
});
