import type { Activity } from 'botbuilder';
import { harnessPerTest, say, type Harness } from '../helpers/botHarness';

let h: Harness;
harnessPerTest((harness) => (h = harness));

/** Sends a message and returns the whole reply activities of that turn. */
async function turn(message: string): Promise<Array<Partial<Activity>>> {
  await h.adapter.send(message).startTest();
  return h.adapter.activeQueue.splice(0);
}

describe('the reply is in the language of the question, and a switch answers the last question again', () => {
  test.each([
    ['Quand a lieu le forum mondial ?', 'Can you answer in English please?', /early september 2020/, /^en/],
    ['Quand a lieu le forum mondial ?', 'in English please', /early september 2020/, /^en/],
    ['When is the sub-regional consultation for Africa?', 'en français svp', /jeudi 6 aout 2020/, /^fr/],
    ['Who can attend the global forum?', 'in french pls', /observateurs du public/, /^fr/],
  ])('when "%s" is followed by "%s", then the same answer comes in the other language', async (first, switchTo, fact, locale) => {
    await turn(first);
    const [reply] = await turn(switchTo);
    expect(reply!.locale).toMatch(locale);
    expect((reply!.text ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()).toMatch(fact);
  });

  test('when a French question asks about documents, then the answer is in French', async () => {
    const [reply] = await turn('Dans quelles langues seront les documents ?');
    expect(reply!.locale).toMatch(/^fr/);
    expect(reply!.text).toMatch(/anglais, français, espagnol, russe et arabe/);
  });
});

describe('how-to questions get the how; only an explicit confirmation starts the dialog', () => {
  test.each([
    ['I want to register for the 6 August consultation, how?', /catherine\.mwangi@un\.org[\s\S]*registration link[\s\S]*\[confirm my participation/],
    ['je veux m’inscrire au briefing du 23 juillet comment faire', /sur invitation[\s\S]*catherine\.mwangi@un\.org[\s\S]*\[confirmer ma participation/],
    ['How do I confirm my participation?', /catherine\.mwangi@un\.org[\s\S]*robert\.wabunoha@un\.org/],
  ])('when asked "%s", then the two addresses, the link that follows and a button come, not the dialog', async (q, re) => {
    const reply = await say(h, q);
    expect(reply).toMatch(re);
    expect(reply).not.toMatch(/full name|nom complet|which event|quel evenement/);
  });

  test.each([
    ['I confirm', /which event/],
    ['je confirme', /quel evenement/],
    ['Confirm my participation', /which event/],
  ])('when the participant says "%s", then the confirmation dialog starts', async (message, prompt) => {
    expect(await say(h, message)).toMatch(prompt);
  });

  test('when the participant cannot attend and asks for another way, then it is a question, not a cancellation', async () => {
    expect(await say(h, "I can't attend on 6 August. Is there another way to contribute?")).toMatch(/video submissions[\s\S]*written/);
  });
});

describe('follow-ups change the subject or the need of the question before', () => {
  test('when "ok and for Africa?" follows a region the note does not cover, then Africa’s dates come', async () => {
    expect(await say(h, 'When is the Asia-Pacific consultation?')).toMatch(/does not give the schedule/);
    expect(await say(h, 'ok and for Africa?')).toMatch(/6 august 2020/);
  });

  test('when "what time?" follows a question on the forum, then the note’s silence is said, with both addresses', async () => {
    await say(h, 'When is the global forum?');
    const reply = await say(h, 'what time?');
    expect(reply).toMatch(/no time for the global forum[\s\S]*catherine\.mwangi@un\.org[\s\S]*robert\.wabunoha@un\.org/);
    expect(reply).not.toMatch(/\d\d:\d\d/);
  });

  test('when "and the other one?" follows the English-only briefing, then the other briefing comes', async () => {
    await say(h, 'When is the English-only briefing?');
    expect(await say(h, 'and the other one?')).toMatch(/23 july 2020, 13:00/);
  });
});

describe('answers are light to read', () => {
  test('when an answer cites two passages, then each has its own numbered marker and reference titled with its section', async () => {
    const [reply] = await turn('When are the briefings for Africa?');
    expect(reply!.text).toMatch(/\[1\] \[2\]/);
    expect(reply!.text).not.toMatch(/\[1\]\[2\]/);
    expect(reply!.text).toMatch(/^\[1\]: cite:1 "/m);
    expect(reply!.text).toMatch(/^\[2\]: cite:2 "/m);
    const claims = ((reply!.entities ?? [])[0] as { citation?: Array<{ position: string; appearance: { name: string } }> }).citation ?? [];
    expect(claims.map((c) => c.position)).toEqual(['1', '2']);
    for (const c of claims) expect(c.appearance.name).toMatch(/§3 Briefing on the UNEA-4 resolution/);
    expect(new Set(claims.map((c) => c.appearance.name)).size).toBe(2);
  });

  test('when two briefings share a caveat, then it is said once, and a quote that repeats the answer is left out', async () => {
    const [reply] = await turn('What time are the briefings?');
    const text = reply!.text ?? '';
    expect(text.match(/general window of 10:00-13:00/g)).toHaveLength(1);
    expect(text).not.toMatch(/^> English only: 20 July 2020/m);
  });

  test('when a list of dates has a caveat about one of its events, then it is said on that event’s line, never after the list where “this consultation” names none', async () => {
    for (const q of ['What are the dates?', 'Quelles sont les dates ?']) {
      const [reply] = await turn(q);
      const lines = (reply!.text ?? '').split('\n');
      const caveat = lines.filter((l) => /no start time for this consultation|pas d'heure de début pour cette consultation/.test(l));
      expect(caveat).toHaveLength(1);
      expect(caveat[0]).toMatch(/^- \*\*(Sub-regional consultation|Consultation sous-régionale)/);
    }
  });

  test('when several answers cite the note, then "original" is offered once in the conversation', async () => {
    const first = await say(h, 'When is the global forum?');
    const second = await say(h, 'How long is the global forum?');
    expect(first).toMatch(/say "original"/);
    expect(second).not.toMatch(/say "original"/);
  });
});
