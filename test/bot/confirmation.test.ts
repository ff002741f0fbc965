import { botHarness, say, type Harness } from '../helpers/botHarness';
import { tempDataDir } from '../helpers/fixtures';

let data: ReturnType<typeof tempDataDir>;
let h: Harness;
beforeEach(async () => {
  data = tempDataDir();
  h = await botHarness(data.dir, { organiserIds: ['organiser-1'] });
});
afterEach(async () => {
  await h.close();
  data.cleanup();
});

/** The answers of a whole confirmation, language by language: [message, what the reply must say]. */
const SCRIPTS: Record<'en' | 'fr', Array<[string, RegExp]>> = {
  en: [
    ["I'd like to confirm my participation", /which event/],
    ['the 23 July briefing', /by invitation only[\s\S]*date of this event has passed[\s\S]*full name/],
    ['Amina Diallo', /which organisation/],
    ['Ministry of Mines', /email address/],
    ['amina.diallo@example.org', /stakeholder group/],
    ['government', /which country/],
    ['Senegal', /which language would you prefer/],
    ['French', /may i store these details/],
    ['yes', /here is what i will record[\s\S]*amina diallo[\s\S]*ministry of mines[\s\S]*senegal[\s\S]*french[\s\S]*is everything correct/],
    ['yes', /your confirmation is recorded: english and french briefing .*\. your reference: \*\*unea-[a-z0-9]{4}-[a-z0-9]{4}\*\*[\s\S]*registration link[\s\S]*mailto:catherine\.mwangi@un\.org,robert\.wabunoha@un\.org\?subject=confirmation%20of%20participation[\s\S]*or copy this text/],
  ],
  fr: [
    ['Je souhaite confirmer ma participation', /pour quel evenement/],
    ['la consultation sous-régionale', /nom complet/],
    ['Amina Diallo', /quelle organisation/],
    ['Ministère des Mines', /adresse e-mail/],
    ['amina.diallo@example.org', /groupe de parties prenantes/],
    ['Gouvernement', /quel pays/],
    ['Sénégal', /en anglais uniquement[\s\S]*puis-je conserver/],
    ['oui', /voici ce que je vais enregistrer[\s\S]*ministere des mines[\s\S]*tout est-il correct/],
    ['oui', /votre confirmation est enregistree : consultation sous-regionale pour l'afrique .*\. votre reference : \*\*unea-[\s\S]*lien d'inscription[\s\S]*subject=confirmation%20de%20participation[\s\S]*copiez ce texte/],
  ],
};

describe.each(['en', 'fr'] as const)('confirming participation in %s', (lang) => {
  test('when a participant goes through the dialog, then the confirmation is recorded with every field and the email is prepared', async () => {
    for (const [message, expected] of SCRIPTS[lang]) expect(await say(h, message)).toMatch(expected);
    const [c] = await h.service.list();
    expect(c).toMatchObject({ name: 'Amina Diallo', email: 'amina.diallo@example.org', group: 'government', status: 'confirmed', followUp: 'new', chatLanguage: lang });
    expect(c!.eventId).toBe(lang === 'en' ? 'briefing-africa-enfr' : 'subregional-africa');
    expect(c!.sessionLanguage).toBe(lang === 'en' ? 'fr' : 'en');
    expect(c!.conversationReference).toMatchObject({ conversation: { id: expect.any(String) } });
  });

  test('when the participant says cancel in the middle, then the dialog stops and nothing is recorded', async () => {
    await say(h, SCRIPTS[lang][0]![0]);
    await say(h, SCRIPTS[lang][1]![0]);
    expect(await say(h, lang === 'en' ? 'cancel' : 'annuler')).toMatch(lang === 'en' ? /nothing was recorded/ : /rien n'a ete enregistre/);
    expect(await h.service.list()).toHaveLength(0);
    expect(await say(h, lang === 'en' ? 'When is the global forum?' : 'Quand est le forum mondial ?')).toMatch(/sept/);
  });

  test('when an answer is invalid, then it is asked again with the reason', async () => {
    for (const [message] of SCRIPTS[lang].slice(0, 4)) await say(h, message);
    expect(await say(h, 'amina at example dot org')).toMatch(lang === 'en' ? /doesn't look like an email address.*email address should/ : /ne ressemble pas a une adresse e-mail.*adresse e-mail les organisateurs/);
    expect(await say(h, `${'x'.repeat(300)}@example.org`)).toMatch(lang === 'en' ? /too long/ : /trop long/);
    expect(await say(h, 'amina.diallo@example.org')).toMatch(lang === 'en' ? /stakeholder group/ : /groupe de parties prenantes/);
    expect(await say(h, 'banana')).toMatch(lang === 'en' ? /pick one of the options/ : /choisir l'une des options/);
  });

  test('when the participant answers “is everything correct?” with a new email or the field to change, then that is what is done', async () => {
    const script = SCRIPTS[lang];
    for (const [message] of script.slice(0, -1)) await say(h, message);
    // A new address typed instead of "no": taken, and the summary shown again with it.
    expect(await say(h, 'Amina.D@Example.net')).toMatch(lang === 'en' ? /amina\.d@example\.net[\s\S]*is everything correct/ : /amina\.d@example\.net[\s\S]*tout est-il correct/);
    // The name of a field: that field alone is asked again.
    expect(await say(h, lang === 'en' ? 'the organisation' : "l'organisation")).toMatch(lang === 'en' ? /^which organisation/ : /^pour quelle organisation|^quelle organisation/);
    expect(await say(h, lang === 'en' ? 'Ministry of Environment' : "Ministère de l'Environnement")).toMatch(lang === 'en' ? /ministry of environment[\s\S]*is everything correct/ : /ministere de l'environnement[\s\S]*tout est-il correct/);
    expect(await say(h, lang === 'en' ? 'email' : 'e-mail')).toMatch(lang === 'en' ? /email address/ : /adresse e-mail/);
    await say(h, 'amina.d@example.net');
    await say(h, lang === 'en' ? 'yes' : 'oui');
    const [c] = await h.service.list();
    expect(c).toMatchObject({ name: 'Amina Diallo', email: 'amina.d@example.net', organisation: lang === 'en' ? 'Ministry of Environment' : "Ministère de l'Environnement" });
  });

  test('at “is everything correct?”, an address that holds a field’s name is an address, a sentence is not a field, and the dialog goes on after a correction', async () => {
    const script = SCRIPTS[lang];
    for (const [message] of script.slice(0, -1)) await say(h, message);
    const summary = lang === 'en' ? /is everything correct/ : /tout est-il correct/;
    // An address that holds a yes ("ok"), or given in a sentence, is the new address.
    expect(await say(h, 'ok.sow@mail.org')).toMatch(/ok\.sow@mail\.org/);
    expect(await say(h, lang === 'en' ? 'change my email to fatou@mail.org' : 'changez mon e-mail pour fatou@mail.org')).toMatch(/fatou@mail\.org/);
    // A sentence about one field, or "no" with it, asks that field again.
    for (const words of lang === 'en' ? ['my email is wrong', 'no, the email'] : ["l'e-mail est faux", "non, l'e-mail"]) {
      expect(await say(h, words)).toMatch(lang === 'en' ? /email address/ : /adresse e-mail/);
      expect(await say(h, 'fatou@mail.org')).toMatch(summary);
    }
    expect(await say(h, 'my.name@mail.org')).toMatch(lang === 'en' ? /my\.name@mail\.org[\s\S]*is everything correct/ : /my\.name@mail\.org[\s\S]*tout est-il correct/);
    expect(await say(h, lang === 'en' ? 'The date is fine' : 'La date me convient')).toMatch(lang === 'en' ? /pick one of the options/ : /choisir l'une des options/);
    // After the correction the dialog is itself again: a blank message and a question each bring its question back.
    expect(await say(h, '...')).toMatch(lang === 'en' ? /is everything correct/ : /tout est-il correct/);
    expect(await say(h, lang === 'en' ? 'Which platform will be used?' : 'Quelle plateforme sera utilisée ?')).toMatch(lang === 'en' ? /webex[\s\S]*is everything correct/ : /webex[\s\S]*tout est-il correct/);
    await say(h, lang === 'en' ? 'yes' : 'oui');
    const [c] = await h.service.list();
    expect(c).toMatchObject({ name: 'Amina Diallo', email: 'my.name@mail.org' });
  });

  test('when the participant asks about “that session” in the middle of the dialog, then the answer is about the event being confirmed, and the dialog asks again', async () => {
    const script = SCRIPTS[lang];
    await say(h, script[0]![0]);
    await say(h, lang === 'en' ? 'the 23 July briefing' : 'la séance d’information du 23 juillet');
    const reply = await say(h, lang === 'en' ? 'what time is that in Accra?' : 'ça dure combien de temps, cette séance ?');
    if (lang === 'en') expect(reply).toMatch(/23 july[\s\S]*10:00/);
    else expect(reply).toMatch(/90 min/);
    expect(reply).not.toMatch(/20 (july|juillet)/);
    expect(reply).toMatch(lang === 'en' ? /full name\??$/ : /nom complet\s?\??$/);
  });

  test('when the participant sends nothing readable in the middle of the dialog, then the dialog asks its question again', async () => {
    const script = SCRIPTS[lang];
    for (const [message] of script.slice(0, 2)) await say(h, message);
    for (const blank of [' ', '...']) {
      const reply = await say(h, { type: 'message', text: blank });
      expect(reply).toMatch(lang === 'en' ? /^i (didn't receive any text|can only read text)\.\n[\s\S]*full name/ : /^je (n'ai recu aucun texte|ne lis que du texte)\.\n[\s\S]*nom complet/);
      expect(reply).not.toMatch(/consultations/);
    }
    expect(await say(h, 'Amina Diallo')).toMatch(lang === 'en' ? /which organisation/ : /quelle organisation/);
  });

  test('when the participant refuses consent, then nothing is stored', async () => {
    const script = SCRIPTS[lang];
    const consentAt = script.findIndex(([, re]) => /store these|conserver/.test(re.source));
    for (const [message] of script.slice(0, consentAt + 1)) await say(h, message);
    expect(await say(h, lang === 'en' ? 'no' : 'non')).toMatch(lang === 'en' ? /nothing has been stored/ : /rien n'a ete enregistre/);
    expect(await h.service.list()).toHaveLength(0);
  });
});

describe('the participant’s other requests', () => {
  async function confirmEnglish(): Promise<void> {
    for (const [message] of SCRIPTS.en) await say(h, message);
  }

  test('when fields are in the opening sentence, then they are not asked again', async () => {
    const reply = await say(h, "I'd like to confirm my participation in the global forum, my name is Jean Dupont, jean.dupont@example.org");
    expect(reply).toMatch(/which organisation/);
    expect(await say(h, 'OECD')).toMatch(/stakeholder group/);
  });

  test('when a question comes in the middle of the dialog, then it is answered and the dialog asks again', async () => {
    await say(h, "I'd like to confirm my participation");
    await say(h, 'the global forum');
    const reply = await say(h, 'Which platform will the meetings use?');
    expect(reply).toMatch(/webex[\s\S]*what is your full name/);
  });

  test('when the summary is corrected, then only that field is asked again', async () => {
    for (const [message] of SCRIPTS.en.slice(0, 9)) await say(h, message);
    expect(await say(h, 'no')).toMatch(/what would you like to correct/);
    expect(await say(h, 'Country')).toMatch(/which country/);
    expect(await say(h, 'Gambia')).toMatch(/gambia[\s\S]*is everything correct/);
    await say(h, 'yes');
    expect((await h.service.list())[0]!.country).toBe('Gambia');
  });

  test('when the same person confirms the same event twice, then one record remains, updated', async () => {
    await confirmEnglish();
    await confirmEnglish();
    const list = await h.service.list();
    expect(list).toHaveLength(1);
    expect(list[0]!.history.map((x) => x.action)).toEqual(['created', 'updated']);
  });

  test('when asked "what have I confirmed?", then the confirmations and what the bot remembers are listed', async () => {
    await confirmEnglish();
    expect(await say(h, 'What have I confirmed?')).toMatch(/your confirmations:[\s\S]*unea-.*english and french briefing.*confirmed \(amina diallo, amina\.diallo@example\.org\)/);
  });

  test('when the participant changes a confirmation, then the summary comes back to correct and the record is updated', async () => {
    await confirmEnglish();
    expect(await say(h, 'I want to change my email')).toMatch(/here is what i will record[\s\S]*is everything correct/);
    await say(h, 'no');
    await say(h, 'Email');
    await say(h, 'amina@newmail.org');
    await say(h, 'yes');
    const [c] = await h.service.list();
    expect(c!.email).toBe('amina@newmail.org');
  });

  test('when the participant cancels a confirmation, then its status is cancelled', async () => {
    await confirmEnglish();
    expect(await say(h, 'Please cancel my participation')).toMatch(/cancel your confirmation unea-/);
    expect(await say(h, 'yes')).toMatch(/is cancelled/);
    expect((await h.service.list())[0]!.status).toBe('cancelled');
    expect(await say(h, 'cancel my confirmation')).toMatch(/no confirmation to cancel/);
  });

  test('when the participant deletes their data, then confirmations and remembered settings are gone', async () => {
    await say(h, 'en français');
    await confirmEnglish();
    expect(await say(h, 'supprimer mes données')).toMatch(/supprime votre confirmation \(1\)/);
    expect(await say(h, 'oui')).toMatch(/c'est fait : 1 confirmation/);
    expect(await h.service.list()).toHaveLength(0);
    expect(await say(h, 'what have I confirmed?')).toMatch(/no confirmation recorded[\s\S]*language \(not set\)/);
  });

  test('when the bot restarts in the middle of the dialog, then the dialog goes on where it was', async () => {
    for (const [message] of SCRIPTS.en.slice(0, 5)) await say(h, message);
    await h.close();
    h = await botHarness(data.dir);
    for (const [message, expected] of SCRIPTS.en.slice(5)) expect(await say(h, message)).toMatch(expected);
    expect(await h.service.list()).toHaveLength(1);
  });

  test('when a name or organisation holds markup, then it is stored as given and shown escaped', async () => {
    await say(h, "I'd like to confirm my participation");
    await say(h, 'the global forum');
    await say(h, '**Amina** <b>Diallo</b>');
    await say(h, '=HYPERLINK("x")');
    await say(h, 'a@example.org');
    await say(h, 'other');
    await say(h, 'Mali');
    expect(await say(h, 'yes')).toMatch(/\\\*\\\*amina\\\*\\\* &lt;b&gt;diallo&lt;\/b&gt;[\s\S]*\\=hyperlink/);
    await say(h, 'yes');
    expect((await h.service.list())[0]).toMatchObject({ name: '**Amina** <b>Diallo</b>', organisation: '=HYPERLINK("x")' });
  });
});

describe('organisers in chat', () => {
  test('when an organiser asks for stats or the confirmations of one event, then they get counts and names; others are refused', async () => {
    for (const [message] of SCRIPTS.en) await say(h, message);
    const organiser = (text: string) => say(h, { type: 'message', text, channelId: 'msteams', from: { id: 'organiser-1', name: 'Org' } });
    expect(await organiser('stats')).toMatch(/confirmations recorded: 1[\s\S]*english and french briefing.*1 confirmed, 0 cancelled, 1 waiting/);
    expect(await organiser('confirmations for 23 July')).toMatch(/amina diallo — ministry of mines — senegal — unea-/);
    expect(await organiser('confirmations for 6 August')).toMatch(/no confirmation recorded yet/);
    expect(await say(h, 'stats')).toMatch(/for the organisers/);
  });

  test('when a web-chat client names itself with an organiser id, then it gets the participant experience', async () => {
    for (const channelId of ['directline', 'webchat', 'emulator']) {
      expect(await say(h, { type: 'message', text: 'stats', channelId, from: { id: 'organiser-1', name: 'Org', aadObjectId: 'organiser-1' } })).toMatch(/for the organisers/);
      expect(await say(h, { type: 'message', text: 'confirmations for 23 July', channelId, from: { id: 'organiser-1', name: 'Org', aadObjectId: 'organiser-1' } })).not.toMatch(/amina/);
    }
  });

  test('when the organiser is named by Teams AAD object id, then the command works from any channel user id', async () => {
    await h.close();
    h = await botHarness(data.dir, { organiserIds: ['aad-organiser'] });
    expect(await say(h, { type: 'message', text: 'statistiques', channelId: 'msteams', from: { id: '29:xyz', name: 'Org', aadObjectId: 'aad-organiser' } })).toMatch(/no confirmation recorded yet|aucune confirmation/);
  });
});
