import { say, type Harness } from '../helpers/botHarness';
import { tempDataDir } from '../helpers/fixtures';
import { bufferLogger, failingRecord, scriptUpToSummary, wrappedHarness } from './harness';

/**
 * A save that fails (the database is down for a moment) used to end the turn in "something went
 * wrong" and wipe the conversation: every answer was lost, and the next one was taken for a
 * question and shown to organisers. Now the dialog stays at "is everything correct?", the
 * participant is told nothing is lost, and the next "yes" saves.
 */
let data: ReturnType<typeof tempDataDir>;
let h: Harness;
let log: ReturnType<typeof bufferLogger>;
beforeEach(async () => {
  data = tempDataDir();
  log = bufferLogger();
  h = await wrappedHarness(data.dir, { wrap: failingRecord(1), logger: log.logger });
});
afterEach(async () => {
  await h.close();
  data.cleanup();
});

const APOLOGY = { en: /could not save your confirmation[\s\S]*nothing you gave me is lost[\s\S]*say yes to try again/, fr: /pas pu enregistrer votre confirmation[\s\S]*rien de ce que vous m'avez donne n'est perdu[\s\S]*oui pour reessayer/ };
const YES = { en: 'yes', fr: 'oui' };

describe.each(['en', 'fr'] as const)('in %s', (lang) => {
  test('when the save fails once, then the participant is told nothing is lost and the next "yes" records every answer', async () => {
    for (const message of scriptUpToSummary(lang, 'Amina Diallo', 'Ministry of Mines')) await say(h, message);
    const failed = await say(h, YES[lang]);
    expect(failed).toMatch(APOLOGY[lang]);
    expect(failed).not.toMatch(/went wrong|probleme est survenu/);
    expect(await h.service.list()).toHaveLength(0);
    expect(await say(h, YES[lang])).toMatch(lang === 'en' ? /is recorded: [^\n]*\. your reference/ : /est enregistree : [^\n]*\. votre reference/);
    expect(await h.service.list()).toMatchObject([{ name: 'Amina Diallo', organisation: 'Ministry of Mines', email: 'amina.diallo@example.org', country: lang === 'en' ? 'Senegal' : 'Sénégal' }]);
    expect(await h.unanswered.list()).toEqual([]);
  });
});

test('when the save fails and the participant says no, then they can correct a field and the summary comes back', async () => {
  for (const message of scriptUpToSummary('en', 'Amina Diallo', 'Ministry of Mines')) await say(h, message);
  await say(h, 'yes');
  expect(await say(h, 'no')).toMatch(/what would you like to correct/);
  expect(await say(h, 'Country')).toMatch(/which country/);
  expect(await say(h, 'Gambia')).toMatch(/gambia[\s\S]*is everything correct/);
  expect(await say(h, 'yes')).toMatch(/is recorded/);
  expect((await h.service.list())[0]).toMatchObject({ country: 'Gambia' });
});

test('when the save fails, then the failure is logged without the participant’s details', async () => {
  for (const message of scriptUpToSummary('en', 'Amina Diallo', 'Ministry of Mines')) await say(h, message);
  await say(h, 'yes');
  const lines = log.text();
  expect(lines).toMatch(/confirmation not saved/);
  expect(lines).toMatch(/ECONNRESET/);
  for (const secret of ['Amina', 'Diallo', 'Ministry of Mines', 'amina.diallo@example.org', 'Senegal']) expect(lines).not.toContain(secret);
});
