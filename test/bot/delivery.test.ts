import { randomUUID } from 'node:crypto';
import { LoopbackConnector } from '../helpers/connector';
import { plain } from '../helpers/fixtures';
import { startApp, type StartedApp } from '../helpers/app';
import { postActivity } from '../helpers/http';

/**
 * The dialogs as Teams and Direct Line deliver them: normal delivery to the channel's connector, a
 * typing indicator first. Every prompt, every re-ask of an invalid answer must reach the participant.
 * Each step: [an invalid answer, what the re-ask must say, the valid answer, what the next prompt says].
 */
const STEPS: Record<'en' | 'fr', { open: [string, RegExp]; steps: Array<[string, RegExp, string, RegExp]> }> = {
  en: {
    open: ["I'd like to confirm my participation", /which event/],
    steps: [
      ['the picnic', /which event/, 'the 23 July briefing', /full name/],
      ['12345', /name/, 'Amina Diallo', /which organisation/],
      ['Ministry of Mines', /email address/, 'name@domain', /email/],
      ['amina.diallo@example.org', /stakeholder group/, 'banana', /pick one of the options/],
      ['government', /which country/, 'Senegal', /which language would you prefer/],
      ['Klingon', /language/, 'French', /store these details/],
      ['perhaps', /store these details|yes or no/, 'yes', /is everything correct/],
      ['perhaps', /is everything correct|yes or no/, 'yes', /is recorded/],
    ],
  },
  fr: {
    open: ['Je souhaite confirmer ma participation', /pour quel evenement/],
    steps: [
      ['le pique-nique', /evenement/, 'la séance d’information du 23 juillet', /nom complet/],
      ['12345', /nom/, 'Amina Diallo', /quelle organisation/],
      ['Ministère des Mines', /adresse e-mail/, 'nom@domaine', /e-mail/],
      ['amina.diallo@example.org', /groupe de parties prenantes/, 'banane', /choisir l'une des options/],
      ['Gouvernement', /quel pays/, 'Sénégal', /langue/],
      ['klingon', /langue/, 'français', /conserver/],
      ['peut-être', /conserver|oui ou non/, 'oui', /tout est-il correct/],
      ['peut-être', /tout est-il correct|oui ou non/, 'oui', /est enregistree/],
    ],
  },
};

const connector = new LoopbackConnector();
let started: StartedApp;
let base: string;
beforeAll(async () => {
  await connector.start();
  started = await startApp();
  base = started.base;
});
afterAll(async () => {
  await started.stop();
  await connector.stop();
});

/** A participant in a Teams chat: each message is posted as Teams does; resolves with the replies that arrived. */
function teamsParticipant(lang: 'en' | 'fr') {
  const conversation = `a:${randomUUID()}`;
  const user = `29:${randomUUID()}`;
  return async (text: string): Promise<string> => {
    const before = connector.received.get(conversation)?.length ?? 0;
    const typingBefore = connector.typing.get(conversation) ?? 0;
    const res = await postActivity(base, { text, channelId: 'msteams', serviceUrl: connector.url, locale: lang === 'fr' ? 'fr-FR' : 'en-US', from: { id: user, name: 'P' }, conversation: { id: conversation } });
    expect(res.status).toBe(200);
    const all = await connector.waitFor(conversation, before + 1).catch(() => connector.received.get(conversation) ?? []);
    expect(connector.typing.get(conversation) ?? 0).toBeGreaterThan(typingBefore);
    return all.slice(before).map((a) => plain(a.text ?? '')).join('\n');
  };
}

describe.each(['en', 'fr'] as const)('the confirmation dialog in %s, delivered as Teams delivers it', (lang) => {
  test('when an answer is invalid at any step, then the re-ask arrives, and the dialog completes', async () => {
    const say = teamsParticipant(lang);
    const { open, steps } = STEPS[lang];
    expect(await say(open[0])).toMatch(open[1]);
    for (const [first, firstReply, second, secondReply] of steps) {
      expect(await say(first)).toMatch(firstReply);
      expect(await say(second)).toMatch(secondReply);
    }
  });
});

/** The prompts of a confirmation for the 23 July briefing, in order, and the answers that lead to each. */
const PROMPTS: Record<'en' | 'fr', RegExp[]> = {
  en: [/which event/, /full name/, /which organisation/, /email address/, /stakeholder group/, /which country/, /which language would you prefer/, /store these details/, /is everything correct/],
  fr: [/pour quel evenement/, /nom complet/, /quelle organisation/, /adresse e-mail/, /groupe de parties prenantes/, /quel pays/, /quelle langue/, /conserver/, /tout est-il correct/],
};
const ANSWERS: Record<'en' | 'fr', string[]> = {
  en: ["I'd like to confirm my participation", 'the 23 July briefing', 'Amina Diallo', 'Ministry of Mines', 'amina.diallo@example.org', 'government', 'Senegal', 'French', 'yes'],
  fr: ['Je souhaite confirmer ma participation', 'la séance d’information du 23 juillet', 'Amina Diallo', 'Ministère des Mines', 'amina.diallo@example.org', 'Gouvernement', 'Sénégal', 'français', 'oui'],
};
const SWITCH = { en: 'en français svp', fr: 'in English please' } as const;

describe.each(['en', 'fr'] as const)('a language switch in the middle of the dialog, from %s', (lang) => {
  const other = lang === 'en' ? 'fr' : 'en';
  // At the session-language prompt "French" is an answer: the switch is asked everywhere else.
  const steps = PROMPTS[lang].map((_, i) => i).filter((i) => i !== 6);
  test.each(steps)('when the switch comes at prompt %i, then that prompt is asked again in the other language and the dialog goes on there', async (step) => {
    const say = teamsParticipant(lang);
    for (let i = 0; i <= step; i++) expect(await say(ANSWERS[lang][i]!)).toMatch(PROMPTS[lang][i]!);
    const reply = await say(SWITCH[lang]);
    expect(reply).toMatch(other === 'fr' ? /desormais en francais/ : /answer in english from now on/);
    expect(reply).toMatch(PROMPTS[other][step]!);
    if (step + 1 < ANSWERS[other].length && step !== 5) expect(await say(ANSWERS[other][step + 1]!)).toMatch(PROMPTS[other][step + 1]!);
  });
});

/** "Ask the organisers" as Teams delivers it: [what the participant says, what the reply must say]. */
const ASK: Record<'en' | 'fr', Array<[string, RegExp]>> = {
  en: [
    ['Will participants receive a certificate of attendance?', /./],
    ['Ask the organisers', /send your question to the organisers/],
    ['perhaps', /send your question to the organisers/],
    ['yes', /email address/],
    ['amina@', /doesn't look like an email address/],
    // The switch asks again what was waiting: the email, not the consent already given.
    ['en français svp', /desormais en francais[\s\S]*adresse e-mail/],
    ['non', /transmise aux organisateurs/],
  ],
  fr: [
    ['Est-ce que nous recevrons un certificat de participation ?', /./],
    ['Poser la question aux organisateurs', /transmettre votre question aux organisateurs/],
    ['peut-être', /transmettre votre question aux organisateurs/],
    ['oui', /adresse e-mail/],
    ['amina@', /ne ressemble pas a une adresse e-mail/],
    ['in English please', /answer in english from now on[\s\S]*email address/],
    ['no', /sent to the organisers/],
  ],
};

describe.each(['en', 'fr'] as const)('asking the organisers in %s, delivered as Teams delivers it', (lang) => {
  test('when the participant answers wrongly and switches language, then every prompt and re-ask arrives, and the question is queued', async () => {
    const say = teamsParticipant(lang);
    for (const [text, reply] of ASK[lang]) expect(await say(text)).toMatch(reply);
  });
});
