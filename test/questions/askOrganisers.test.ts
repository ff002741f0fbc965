import type { Activity } from 'botbuilder';
import { smtpSender } from '../../src/digests/senders';
import type { QuestionService } from '../../src/questions/service';
import { botHarness, say, type Harness } from '../helpers/botHarness';
import { tempDataDir } from '../helpers/fixtures';
import { questionService } from '../helpers/questions';
import { LoopbackSmtp } from '../helpers/smtp';

/** Asking the organisers in chat, in both languages: consent, the optional email, grouping, "delete my data", delivery by email. */
const smtp = new LoopbackSmtp();
beforeAll(() => smtp.start());
afterAll(() => smtp.stop());

let data: ReturnType<typeof tempDataDir>;
let h: Harness;
let questions: QuestionService;
/** What the conversations received; when `unreachable`, the channel answers that the conversation is gone. */
let posted: Array<Partial<Activity>>;
let unreachable: boolean;

beforeEach(async () => {
  data = tempDataDir();
  posted = [];
  unreachable = false;
  const email = smtpSender(smtp.url);
  h = await botHarness(data.dir, {
    questions: (stores) =>
      (questions = questionService(stores, {
        conversation: async (_reference, message) => {
          if (unreachable) throw Object.assign(new Error('conversation not found'), { statusCode: 404 });
          posted.push(message);
        },
        email,
      })),
  });
});
afterEach(async () => {
  await h.close();
  data.cleanup();
});

const CASES = {
  en: { question: 'Will participants receive a certificate of attendance?', ask: 'Ask the organisers', yes: 'yes', button: /\[.*ask the organisers/, consent: /send your question to the organisers/, email: /email address/, invalid: /doesn't look like an email address/, queued: /sent to the organisers/, declined: /haven't sent it/, deleteData: 'delete my data', heading: 'Answer from the organisers' },
  fr: { question: 'Est-ce que nous recevrons un certificat de participation ?', ask: 'Poser la question aux organisateurs', yes: 'oui', button: /\[.*poser la question aux organisateurs/, consent: /transmettre votre question aux organisateurs/, email: /adresse e-mail/, invalid: /ne ressemble pas a une adresse e-mail/, queued: /transmise aux organisateurs/, declined: /je ne l’ai pas transmise/, deleteData: 'supprimer mes données', heading: 'Réponse des organisateurs' },
} as const;

describe.each(Object.entries(CASES))('in %s', (lang, c) => {
  test('when a participant asks the organisers and gives an email (a wrong one first), then the question is queued with it, in their language', async () => {
    expect(await say(h, c.question)).toMatch(c.button);
    expect(await say(h, c.ask)).toMatch(c.consent);
    expect(await say(h, c.yes)).toMatch(c.email);
    expect(await say(h, 'amina@')).toMatch(c.invalid);
    expect(await say(h, 'Amina.Diallo@example.org')).toMatch(c.queued);
    const [group] = await questions.groups();
    expect(group).toMatchObject({ askers: 1, language: lang, status: 'open' });

    // The conversation is gone: the answer goes by email, once, in their language.
    unreachable = true;
    await questions.answer(group!.id, { en: 'Yes, by email.', fr: 'Oui, par e-mail.' }, 'test');
    await questions.deliverDue();
    await questions.deliverDue();
    const mails = smtp.mails.filter((m) => (m.to as { text: string }).text.includes('amina.diallo@example.org') && m.text?.includes(c.question));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(c.heading);
    expect(mails[0]!.text).toContain(lang === 'fr' ? 'Oui, par e-mail.' : 'Yes, by email.');
    expect(posted).toHaveLength(0);
  });

  test('when the participant writes the question again instead of yes or no, then the new wording is shown, and it is the one sent', async () => {
    await say(h, c.question);
    await say(h, c.ask);
    // Worded as a question with a "no" in it: still the new wording, never a refusal.
    const better = lang === 'fr' ? 'Le certificat de participation ne sera-t-il pas envoyé par e-mail ? Je viens du Ghana' : 'Is there no certificate of attendance sent by email? I am travelling from Ghana';
    const shown = await say(h, better);
    expect(shown).toMatch(c.consent);
    expect(shown).toMatch(/ghana/);
    expect(shown).not.toMatch(c.declined);
    expect(await say(h, 'send it')).toMatch(c.email);
    expect(await say(h, lang === 'fr' ? 'non' : 'no')).toMatch(c.queued);
    const groups = await questions.groups();
    expect(groups.map((g) => g.text)).toEqual([better]);
  });

  test('when the participant agrees in words of their own, then the question goes on to the email step', async () => {
    for (const agreement of lang === 'fr' ? ['oui, pourquoi pas', 'pouvez-vous l’envoyer ?', 'envoyez'] : ['yes, why not', 'can you send it?', 'send']) {
      await say(h, c.question);
      await say(h, c.ask);
      expect(await say(h, agreement)).toMatch(c.email);
      await say(h, 'cancel');
    }
  });

  test('when the question was written again, then an empty message, a question for the note and a language switch each keep the new wording', async () => {
    await say(h, c.question);
    await say(h, c.ask);
    const better = lang === 'fr' ? 'Un certificat de participation sera-t-il remis à chaque participant inscrit, même sans caméra' : 'Will every registered participant get a certificate of attendance, even without a camera';
    expect(await say(h, better)).toMatch(c.consent);
    expect(await say(h, '...')).toMatch(/camera|camera/);
    // A question the note answers is answered, and "send it?" comes again with the new wording.
    const answered = await say(h, lang === 'fr' ? 'Quelle plateforme sera utilisée ?' : 'Which platform will be used?');
    expect(answered).toMatch(/webex[\s\S]*(camera)/);
    const switched = await say(h, lang === 'fr' ? 'in English please' : 'en français svp');
    expect(switched).toMatch(/camera/);
    expect(await say(h, lang === 'fr' ? 'yes' : 'oui')).toMatch(lang === 'fr' ? CASES.en.email : CASES.fr.email);
    await say(h, lang === 'fr' ? 'no' : 'non');
    expect((await questions.groups()).map((g) => [g.text, g.language])).toEqual([[better, lang]]);
  });

  test('when the answer to “send it?” is neither yes, no nor a question, then it is asked again with what may be said', async () => {
    await say(h, c.question);
    await say(h, c.ask);
    expect(await say(h, 'hmm')).toMatch(lang === 'fr' ? /repondre oui ou non, ou reecrire votre question[\s\S]*transmettre votre question/ : /answer yes or no, or write your question again[\s\S]*send your question/);
    expect(await questions.groups()).toEqual([]);
  });

  test('when the participant asks to write to the organisers with no question yet, then the question is asked for, and sent as written', async () => {
    const request = lang === 'fr' ? 'Est-ce que je peux poser une question aux organisateurs ?' : "I'd like to ask the organisers something";
    const what = lang === 'fr' ? /que souhaitez-vous demander aux organisateurs/ : /what would you like to ask the organisers/;
    expect(await say(h, lang === 'fr' ? 'Comment puis-je poser une question aux organisateurs ?' : 'How do I ask the organisers a question?')).toMatch(what);
    await say(h, 'cancel');
    expect(await say(h, request)).toMatch(what);
    expect(await say(h, 'visa?')).toMatch(what);
    const question = lang === 'fr' ? 'Puis-je obtenir une lettre d’appui pour mon visa ?' : 'Can I get a visa support letter from UNEP?';
    const shown = await say(h, question);
    expect(shown).toMatch(c.consent);
    expect(shown).toMatch(/visa/);
    expect(await say(h, c.yes)).toMatch(c.email);
    expect(await say(h, lang === 'fr' ? 'non' : 'no')).toMatch(c.queued);
    expect(await questions.groups()).toEqual([expect.objectContaining({ text: question, language: lang })]);
    // How to reach them is a question for the note, not a request to write to them.
    expect(await say(h, lang === 'fr' ? 'Comment contacter les organisateurs ?' : 'How do I contact the organisers?')).toMatch(/catherine\.mwangi@un\.org/);
  });

  test('when the participant declines, plainly or in words that hold “send it”, then nothing is queued', async () => {
    for (const refusal of lang === 'fr' ? ['non', 'Ne l’envoyez-la pas', 'ne l’envoyez pas'] : ['no', "Don't send it", 'do not send it please']) {
      await say(h, c.question);
      await say(h, c.ask);
      expect(await say(h, refusal)).toMatch(c.declined);
      expect(await questions.groups()).toEqual([]);
    }
  });

  test('when the participant deletes their data, then their queued question goes', async () => {
    await say(h, c.question);
    await say(h, c.ask);
    await say(h, c.yes);
    await say(h, lang === 'fr' ? 'non' : 'no');
    expect(await questions.groups()).toHaveLength(1);
    await say(h, c.deleteData);
    await say(h, c.yes);
    expect(await questions.groups()).toEqual([]);
  });
});

test('when participants ask different things, then each question is a group of its own; the same question in other words joins its group', async () => {
  const ref = { conversation: { id: 'c' } };
  const ask = (text: string, language: 'en' | 'fr', userId: string) => questions.ask({ text, language, channelId: 'webchat', userId, reference: ref });
  await ask('Will participants receive a certificate of attendance?', 'en', 'u1');
  await ask('Can I bring my dog to the consultation?', 'en', 'u2');
  await ask('Is there a certificate for participants who attend?', 'en', 'u3');
  await ask('Y aura-t-il un certificat de participation ?', 'fr', 'u4');
  const groups = await questions.groups();
  expect(groups.map((g) => g.askers)).toEqual([3, 1]);
  expect(groups[1]!.text).toMatch(/dog/);
});

test('when nothing was left unanswered, then "ask the organisers" says to ask first', async () => {
  expect(await say(h, 'Ask the organisers')).toMatch(/ask your question first/);
});

describe.each([
  ['en', 'fr', CASES.en, CASES.fr, 'in French please'],
  ['fr', 'en', CASES.fr, CASES.en, 'in English please'],
] as const)('asked in %s, switched to %s', (asked, switched, c, other, switchWords) => {
  test('when the participant switches language at the email prompt, then the email prompt comes again, the question keeps its language and the answer comes in the new one', async () => {
    await say(h, c.question);
    await say(h, c.ask);
    expect(await say(h, c.yes)).toMatch(c.email);
    const again = await say(h, switchWords);
    expect(again).toMatch(other.email);
    expect(again).not.toMatch(other.consent);
    expect(await say(h, switched === 'fr' ? 'non' : 'no')).toMatch(other.queued);
    const [group] = await questions.groups();
    expect(group).toMatchObject({ language: asked, questions: [{ language: asked, text: c.question }] });

    await questions.answer(group!.id, { en: 'Yes, by email.', fr: 'Oui, par e-mail.' }, 'test');
    await questions.deliverDue();
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toContain(other.heading);
    expect(posted[0]!.text).toContain(switched === 'fr' ? 'Oui, par e-mail.' : 'Yes, by email.');
  });
});

test('when another member of a group chat asks the note a question while the first member’s “send it?” waits, then it is answered, and nothing is sent for them', async () => {
  const amina = { id: 'amina', name: 'Amina' };
  const omar = { id: 'omar', name: 'Omar' };
  await say(h, { type: 'message', text: CASES.en.question, from: amina });
  expect(await say(h, { type: 'message', text: 'Ask the organisers', from: amina })).toMatch(CASES.en.consent);
  expect(await say(h, { type: 'message', text: 'When is the global forum?', from: omar })).toMatch(/early september 2020/);
  // Omar can neither switch Amina's dialog to French nor cancel it.
  for (const words of ['in French please', 'cancel']) expect(await say(h, { type: 'message', text: words, from: omar })).toMatch(/only they can answer here/);
  expect(await say(h, { type: 'message', text: 'yes', from: amina })).toMatch(CASES.en.email);
  expect(await say(h, { type: 'message', text: 'Will a certificate of attendance be sent by email to everyone?', from: omar })).not.toMatch(/sent to the organisers/);
  expect(await questions.groups()).toEqual([]);
});

test('when another member of a group chat presses "Ask the organisers", then they cannot send the first member\'s question nor answer its prompts', async () => {
  const amina = { id: 'amina', name: 'Amina' };
  const omar = { id: 'omar', name: 'Omar' };
  const from = (user: typeof amina, text: string) => ({ type: 'message' as const, text, from: user });
  await say(h, from(amina, CASES.en.question));
  // Omar asked nothing unanswered: nothing of Amina's is his to send.
  expect(await say(h, from(omar, 'Ask the organisers'))).toMatch(/ask your question first/);
  expect(await say(h, from(amina, 'Ask the organisers'))).toMatch(CASES.en.consent);
  // Omar answers Amina's prompts: told it is not his; his email is not attached.
  expect(await say(h, from(omar, 'yes'))).toMatch(/only they can answer here/);
  expect(await say(h, from(amina, 'yes'))).toMatch(CASES.en.email);
  expect(await say(h, from(omar, 'omar@example.org'))).toMatch(/only they can answer here/);
  expect(await say(h, from(amina, 'no'))).toMatch(CASES.en.queued);
  await questions.answer((await questions.groups())[0]!.id, { en: 'Yes, by email.', fr: 'Oui, par e-mail.' }, 'test');
  unreachable = true;
  for (let i = 0; i < 4; i++) await questions.deliverDue();
  expect(smtp.mails.filter((m) => (m.to as { text: string }).text.includes('omar@example.org'))).toHaveLength(0);
});
