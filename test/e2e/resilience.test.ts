import type { Browser } from 'playwright-core';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { describeBrowser, launchBrowser, screenshot, ask, botMessages } from '../helpers/browser';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';

jest.setTimeout(120_000);

describeBrowser('the web chat page over the WebSocket stream, across a restart of the bot', () => {
  let browser: Browser;
  let data: ReturnType<typeof tempDataDir>;
  let app: App;
  const start = async (port: number) => {
    app = await createApp(testConfig(data.dir), { clock: fixedClock(AFTER), logger: silentLogger });
    return app.start(port);
  };
  beforeAll(async () => {
    data = tempDataDir();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    data?.cleanup();
  });

  test('when an email is invalid, then the page shows the re-ask; when the bot restarts, then the open page goes on with its history', async () => {
    const port = await start(0);
    const page = await browser.newPage({ locale: 'en-US' });
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector('.webchat__send-box-text-box__input', { timeout: 30_000 });
    await ask(page, "I'd like to confirm my participation in the global forum", /full name/);
    await ask(page, 'Amina Diallo', /organisation/);
    await ask(page, 'Ministry of Mines', /email address/);
    const reask = await ask(page, 'amina@domain', /email/);
    expect(reask).toMatch(/doesn.t look like an email address/i);
    expect(sockets.some((u) => /\/v3\/directline\/conversations\/[^/]+\/stream\?/.test(u))).toBe(true);

    await app.stop();
    await start(port);
    // The page was not reloaded: its stream reconnects by itself and the dialog goes on where it was.
    await ask(page, 'amina.diallo@example.org', /stakeholder group/, 60_000);
    const history = (await botMessages(page)).join('\n');
    expect(history).toMatch(/full name[\s\S]*doesn.t look like an email address[\s\S]*stakeholder group/i);
    await screenshot(page, 'webchat-after-restart');

    await page.reload();
    await page.waitForFunction(() => document.body.innerText.includes('stakeholder group'), null, { timeout: 30_000 });
    await page.close();
  });
});
