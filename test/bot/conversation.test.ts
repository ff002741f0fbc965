import type { Activity } from 'botbuilder';
import { botHarness, textOf, type Harness } from '../helpers/botHarness';
import { tempDataDir } from '../helpers/fixtures';

let data: ReturnType<typeof tempDataDir>;
let h: Harness;
beforeEach(async () => {
  data = tempDataDir();
  h = await botHarness(data.dir);
});
afterEach(async () => {
  await h.close();
  data.cleanup();
});

const expectText = (re: RegExp) => (a: Partial<Activity>) => {
  expect(textOf(a)).toMatch(re);
};

describe('a participant talks to the bot', () => {
  test('when a participant joins, then the bot greets in both languages and says what it can do', async () => {
    await h.adapter
      .send({ type: 'conversationUpdate', membersAdded: [{ id: 'user', name: 'Participant' }] })
      .assertReply((a) => {
        expect(textOf(a)).toMatch(/hello!.*dates and times/);
        expect(textOf(a)).toMatch(/bonjour !.*inscription/);
        expect(a.suggestedActions?.actions.length).toBeGreaterThan(0);
      });
  });

  test.each([
    ['en', 'When is the global forum?', /early september 2020/, /source: information note, §3/],
    ['fr', 'Quand se tient le forum mondial ?', /debut septembre 2020/, /source : note d'information, §3/],
  ])('when asked in %s, then the reply answers in that language and cites the section', async (_lang, q, fact, source) => {
    await h.adapter.send(q).assertReply((a) => {
      expect(textOf(a)).toMatch(fact);
      expect(textOf(a)).toMatch(source);
      expect(a.locale).toMatch(_lang === 'fr' ? /^fr/ : /^en/);
      expect(a.suggestedActions?.actions.length).toBeGreaterThan(0);
    });
  });

  test('when the participant says "and in French?", then the last answer comes again in French, and French stays', async () => {
    await h.adapter
      .send('When is the sub-regional consultation?')
      .assertReply(expectText(/thursday 6 august 2020/))
      .send('and in French?')
      .assertReply(expectText(/jeudi 6 aout 2020/))
      .send('What is the deadline for written comments?')
      .assertReply(expectText(/mercredi 2 septembre 2020/));
  });

  test('when the participant asks "in English please" first, then the bot confirms and answers French questions in English', async () => {
    await h.adapter
      .send('in English please')
      .assertReply(expectText(/i will answer in english/))
      .send('Quand est le forum mondial ?')
      .assertReply(expectText(/early september 2020/));
  });

  test('when Web Chat sends the participant’s zone, then "what time is that for me?" converts the previous event', async () => {
    await h.adapter
      .send({ type: 'message', text: 'When is the English-only briefing?', localTimezone: 'Africa/Dakar' })
      .assertReply(expectText(/20 july 2020/))
      .send({ type: 'message', text: 'what time is that for me?', localTimezone: 'Africa/Dakar' })
      .assertReply(expectText(/in your time zone \(africa\/dakar\): monday 20 july 2020, 08:00 – 10:00/));
  });

  test('when Teams sends its clientInfo entity, then its time zone is used', async () => {
    await h.adapter
      .send({ type: 'message', text: 'À quelle heure est la séance bilingue pour moi ?', entities: [{ type: 'clientInfo', timezone: 'Africa/Kinshasa', locale: 'fr-FR' }] })
      .assertReply(expectText(/africa\/kinshasa\) : jeudi 23 juillet 2020, 11 h 00 – 13 h 00/));
  });

  test('when Teams gives only a French clientInfo locale and the text says nothing, then the answer is in French', async () => {
    await h.adapter.send({ type: 'message', text: 'Webex ?', entities: [{ type: 'clientInfo', locale: 'fr-FR' }] }).assertReply(expectText(/les reunions utiliseront la videoconference webex/));
  });

  test('when "et ça dure combien de temps ?" follows, then it is answered about the same event', async () => {
    await h.adapter
      .send('Quand a lieu la consultation sous-régionale ?')
      .assertReply(expectText(/6 aout 2020/))
      .send('et ça dure combien de temps ?')
      .assertReply(expectText(/3 heures/));
  });

  test('when the participant says "original", then the French text of the cited passage is shown', async () => {
    await h.adapter
      .send('Which platform will be used?')
      .assertReply(expectText(/webex/))
      .send('original')
      .assertReply(expectText(/les reunions utiliseront la videoconference webex/));
  });

  test('when the note does not answer, then the bot says so, gives the organisers and keeps the question without identity', async () => {
    await h.adapter
      .send({ type: 'message', text: 'Can you recommend a hotel in Nairobi?', from: { id: 'participant-42', name: 'Amina' } })
      .assertReply(expectText(/couldn't find.*catherine\.mwangi@un\.org.*robert\.wabunoha@un\.org/));
    const stored = await h.unanswered.list();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ text: 'Can you recommend a hotel in Nairobi?', language: 'en' });
    expect(JSON.stringify(stored[0])).not.toMatch(/participant-42|Amina/);
  });

  test('when a Teams channel message @mentions the bot, then the mention is removed before answering', async () => {
    await h.adapter
      .send({
        type: 'message',
        channelId: 'msteams',
        text: '<at>Participant assistant</at> When is the global forum?',
        entities: [{ type: 'mention', mentioned: { id: 'bot', name: 'Participant assistant' }, text: '<at>Participant assistant</at>' }],
      })
      .assertReply((a) => expect(a.type).toBe('typing'))
      .assertReply(expectText(/early september 2020/));
  });
});

describe('small talk and the whole schedule', () => {
  test.each([
    ['hello', /hello!.*dates and times/],
    ['Bonjour', /bonjour !.*dates et les heures/],
    ['thanks!', /you're welcome/],
    ['merci beaucoup', /avec plaisir/],
    ['help', /i answer from the consultation's information note/],
  ])('when the participant says "%s", then the bot answers itself and logs nothing as unanswered', async (text, re) => {
    await h.adapter.send(text).assertReply(expectText(re));
    expect(await h.unanswered.list()).toHaveLength(0);
  });

  test.each([
    ['Show all the dates', [/20 july 2020/, /23 july 2020/, /6 august 2020/, /early september 2020/, /2 september 2020/]],
    ['Quel est le calendrier ?', [/20 juillet 2020/, /6 aout 2020/, /debut septembre 2020/, /30 septembre 2020/]],
  ])('when asked "%s", then every date of the schedule is listed', async (text, facts) => {
    await h.adapter.send(text).assertReply((a) => {
      for (const f of facts) expect(textOf(a)).toMatch(f);
    });
  });
});

describe('bad input gets a short, polite answer and no error', () => {
  test.each([
    ['', /didn't receive any text/],
    ['   ', /didn't receive any text/],
    ['🙂🙂🙂', /i can only read text/],
    ['x'.repeat(10000), /too long.*10000 characters/],
    ['<script>alert(1)</script> When is the forum?', /early september 2020/],
  ])('when the message is %p, then the reply is polite and useful', async (text, re) => {
    await h.adapter.send(text).assertReply(expectText(re));
  });

  test('when a very long message is in French, then the refusal is in French', async () => {
    await h.adapter.send(`Bonjour, je voudrais savoir quand a lieu la séance. ${'très '.repeat(2000)}`).assertReply(expectText(/trop long/));
  });

  test('when an activity carries no text at all (a card submit), then the bot asks for a question', async () => {
    await h.adapter.send({ type: 'message', value: { x: 1 } }).assertReply(expectText(/didn't receive any text/));
  });
});

describe('state lives in the database', () => {
  test('when the bot restarts between two turns, then the follow-up still knows the previous event and language choice', async () => {
    await h.adapter.send('en français').assertReply(expectText(/en francais/)).send('When is the global forum?').assertReply(expectText(/debut septembre 2020/));
    await h.close();
    h = await botHarness(data.dir);
    await h.adapter.send('how long does it last?').assertReply(expectText(/forum mondial.*90 minutes/));
  });
});
