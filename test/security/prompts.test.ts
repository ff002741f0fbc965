import { botHarness, say, type Harness } from '../helpers/botHarness';
import { tempDataDir } from '../helpers/fixtures';
import { describePg, pgSchemaUrl } from '../helpers/postgres';
import { scriptUpToSummary } from './harness';

/**
 * A control character in a name or an organisation used to pass the prompt and fail at the save
 * (SQLite: the ledger refused it; PostgreSQL: the dialog state could not even be stored), and the
 * participant lost every answer. The prompts now refuse it with the reason, in the participant's
 * language, and the dialog goes on.
 */
const REASON = { en: /invisible control characters[\s\S]*type it again/, fr: /caracteres de controle invisibles[\s\S]*saisir a nouveau/ };
const SUMMARY = { en: /is everything correct/, fr: /tout est-il correct/ };
const RECORDED = { en: /is recorded/, fr: /est enregistree/ };
const YES = { en: 'yes', fr: 'oui' };

function suite(name: string, open: () => Promise<{ h: Harness; done: () => Promise<void> }>): void {
  describe(name, () => {
    let h: Harness;
    let done: () => Promise<void>;
    beforeEach(async () => ({ h, done } = await open()));
    afterEach(async () => done());

    describe.each(['en', 'fr'] as const)('in %s', (lang) => {
      test.each([
        ['a NUL in the name', 'Amina\u0000 Diallo', 2],
        ['an escape sequence in the name', 'Amina \u001b[31mDiallo', 2],
        ['a bidirectional override in the name', 'Amina \u202eoillaiD', 2],
        ['a NUL in the organisation', 'Ministry\u0000 of\u0007 Mines', 3],
      ])('when %s is given, then it is refused with the reason, asked again, and the confirmation is recorded once given cleanly', async (_what, bad, at) => {
        const script = scriptUpToSummary(lang, 'Amina Diallo', 'Ministry of Mines');
        for (const message of script.slice(0, at)) await say(h, message);
        const reply = await say(h, bad);
        expect(reply).toMatch(REASON[lang]);
        expect(reply).not.toMatch(/went wrong|probleme est survenu/);
        let last = '';
        for (const message of script.slice(at)) last = await say(h, message);
        expect(last).toMatch(SUMMARY[lang]);
        expect(await say(h, YES[lang])).toMatch(RECORDED[lang]);
        expect(await h.service.list()).toMatchObject([{ name: 'Amina Diallo', organisation: 'Ministry of Mines', email: 'amina.diallo@example.org' }]);
        // Nothing the participant typed in the dialog became an "unanswered question".
        expect(await h.unanswered.list()).toEqual([]);
      });
    });

    test('when a name comes with tabs, line breaks and invisible marks, then it is kept normalised', async () => {
      const script = scriptUpToSummary('en', 'Amina\t\u200bDiallo\n', 'Ministry\u00a0of  Mines\ufeff');
      for (const message of script) await say(h, message);
      expect(await say(h, 'yes')).toMatch(/is recorded/);
      expect(await h.service.list()).toMatchObject([{ name: 'Amina Diallo', organisation: 'Ministry of Mines' }]);
    });

    test('when an email holds a control character, then it is refused with the reason', async () => {
      const script = scriptUpToSummary('en', 'Amina Diallo', 'Ministry of Mines');
      for (const message of script.slice(0, 4)) await say(h, message);
      expect(await say(h, 'amina\u0000@example.org')).toMatch(REASON.en);
      expect(await say(h, 'amina.diallo@example.org')).toMatch(/stakeholder group/);
    });
  });
}

suite('control characters in answers, on SQLite', async () => {
  const data = tempDataDir();
  const h = await botHarness(data.dir);
  return { h, done: async () => (await h.close(), data.cleanup()) };
});

describePg('on PostgreSQL', () => {
  suite('control characters in answers, on PostgreSQL', async () => {
    const data = tempDataDir();
    const schema = pgSchemaUrl();
    const h = await botHarness(data.dir, { databaseUrl: schema.url });
    return { h, done: async () => (await h.close(), await schema.drop(), data.cleanup()) };
  });
});
