import { DateTime } from 'luxon';
import { fixedClock } from '../../src/schedule/time';
import type { Lang } from '../../src/knowledge/analyzer';
import { BEFORE, makeAnswerer, plain } from '../helpers/fixtures';

const answerer = makeAnswerer();
const ask = (q: string, lang: Lang, timezone?: string) => answerer.answer(q, { lang, ...(timezone ? { timezone } : {}) });
const visible = (a: ReturnType<typeof ask>) => plain([a.text, ...a.citations.map((c) => `${c.excerpt} ${c.label}`)].join(' '));

describe('answers from the note, in the language of the question', () => {
  // [question, language, facts the reply must show]
  const table: Array<[string, Lang, RegExp[]]> = [
    ['When are the Africa briefings?', 'en', [/20 july 2020/, /23 july 2020/]],
    ['Quelles sont les dates des séances d’information ?', 'fr', [/20 juillet 2020/, /23 juillet 2020/]],
    ['what time does the english only briefing start', 'en', [/11:00/, /13:00/, /nairobi/]],
    ['à quelle heure commence la séance en anglais et en français', 'fr', [/13 h 00/, /15 h 00/]],
    ['Date of the subregional consultation?', 'en', [/6 august 2020/]],
    ['c’est quand la consultation sous régionale ?', 'fr', [/6 aout 2020/]],
    ['When will the global forum take place?', 'en', [/early september 2020/]],
    ['Le forum mondial aura lieu quand ?', 'fr', [/debut septembre 2020/]],
    ['By when must I send my written comments?', 'en', [/2 september 2020/]],
    ['Jusqu’à quand peut-on envoyer des commentaires ?', 'fr', [/2 septembre 2020/]],
    ['When do the final versions of the documents come out?', 'en', [/30 september 2020/]],
    ['Quand le rapport sera-t-il présenté à l’ANUE-5 ?', 'fr', [/fevrier 2021/]],
    ['Where did UNEA-4 take place?', 'en', [/nairobi/, /2019/]],
    ['How can I sign up?', 'en', [/catherine\.mwangi@un\.org/, /robert\.wabunoha@un\.org/]],
    ['Comment s’inscrire aux consultations ?', 'fr', [/catherine\.mwangi@un\.org/, /lien d'inscription/]],
    ['What do I get once I have confirmed?', 'en', [/registration link/, /test/]],
    ['Is the briefing by invitation only?', 'en', [/invitation/]],
    ['Which platform will the meetings use?', 'en', [/webex/]],
    ['Quel outil de visioconférence ?', 'fr', [/webex/]],
    ['quelle plateforme de visio ?', 'fr', [/webex/]],
    ['quand aurai-je les détails de la session de test ?', 'fr', [/^des sessions de test/, /confirmation de votre participation/]],
    ['wen is teh brifing for afrca', 'en', [/20 july 2020/, /23 july 2020/]],
    ['Which briefing should a francophone attend?', 'en', [/english and french briefing/]],
    ['how many observers can attend the global forum', 'en', [/50 to 100/]],
    ['le forum mondial est ouvert au public ?', 'fr', [/^oui\b/, /observateurs du public/]],
    ['Who is Robert Wabunoha?', 'en', [/robert\.wabunoha@un\.org/, /nothing more/]],
    ['quelles sont les formes de consultation ?', 'fr', [/forum mondial/, /soumissions video/]],
    ['la séance d’information est ouverte au public ?', 'fr', [/^non\b/, /sur invitation/]],
    ['How long does the sub-regional consultation last?', 'en', [/3 hours/]],
    ['Quelle est la durée du forum mondial ?', 'fr', [/90 minutes/]],
    ['How many participants at the global forum?', 'en', [/50 to 100/]],
    ['Combien de réunions sous-régionales par région ?', 'fr', [/2 a 5/]],
    ['Which languages will the draft documents be in?', 'en', [/english/, /french/, /spanish/, /russian/, /arabic/]],
    ['Is simultaneous interpretation planned?', 'en', [/interpretation/]],
    ['Where will the documentation be published?', 'en', [/greengrowthknowledge/]],
    ['Which partners help organise the consultations?', 'en', [/oecd/, /world bank/]],
    ['Pourquoi les consultations se font-elles en ligne ?', 'fr', [/covid/]],
    ['Why is everything virtual this time?', 'en', [/covid/]],
    ['Quel est l’objet de la résolution 4/19 ?', 'fr', [/gouvernance des ressources minerales/]],
    ['What topics will be covered, such as tailings?', 'en', [/tailings/, /sand/]],
    ['Who should take part in the consultations?', 'en', [/governments/, /civil society/]],
  ];

  test.each(table)('when asked "%s" (%s), then the reply shows the facts and cites the note', (q, lang, facts) => {
    const a = ask(q, lang);
    expect(a.kind).not.toBe('abstain');
    expect(a.lang).toBe(lang);
    const text = visible(a);
    for (const f of facts) expect(text).toMatch(f);
    expect(a.citations.length).toBeGreaterThan(0);
    expect(a.citations[0]!.label).toMatch(lang === 'fr' ? /^note d'information, / : /^information note, /);
  });

  test.each([
    ['wen is the breifing', 'en', /20 july 2020/],
    ['whats the dedline for coments', 'en', /2 september 2020/],
    ['quand est la consultaton sous regionale', 'fr', /6 aout 2020/],
    ['QUELLE PLATEFORME DE VISIOCONFERENCE', 'fr', /webex/],
    ['plateforme video conference ?', 'fr', /webex/],
  ] as Array<[string, Lang, RegExp]>)('when the question has typos, no accents or odd case ("%s"), then it is still answered', (q, lang, fact) => {
    expect(visible(ask(q, lang))).toMatch(fact);
  });
});

describe('who may take part, and how to register, per event', () => {
  test.each([
    ['Is the global forum open to the public?', 'en', /^yes\. \*\*global forum\*\* — who takes part: all stakeholders; open to observers from the public/],
    ['Is the briefing by invitation only?', 'en', /^yes\. \*\*english-only briefing \/ english and french briefing\*\* — who takes part: .*by invitation only/],
    ['La consultation sous-régionale est-elle ouverte au public ?', 'fr', /^oui\. .*participants inscrits du public/],
    ['Qui peut participer au forum mondial ?', 'fr', /forum mondial\*\* — participants : toutes les parties prenantes/],
  ] as Array<[string, Lang, RegExp]>)('when asked "%s", then the event’s audience is given, with a yes or no when asked one', (q, lang, re) => {
    expect(plain(ask(q, lang).text)).toMatch(re);
  });

  test('when two events share the same answer, then it is given once for both', () => {
    const text = plain(ask('How do I register for the briefing?', 'en').text);
    expect(text.match(/catherine\.mwangi@un\.org/g)).toHaveLength(1);
    expect(text).toMatch(/english-only briefing \/ english and french briefing/);
  });

  test('when a month is named without a day, then the events of that month are listed', () => {
    const text = plain(ask('Is anything happening in September?', 'en').text);
    expect(text).toMatch(/early september 2020/);
    expect(text).toMatch(/2 september 2020/);
    expect(text).toMatch(/30 september 2020/);
    expect(text).not.toMatch(/july/);
  });

  test('when asked where to read the resolution, then the link the note gives in its footnote is shown', () => {
    expect(visible(ask('Where is the text of the resolution?', 'en'))).toMatch(/papersmart\.unon\.org/);
  });
});

describe('what the note does not say', () => {
  test.each([
    ['Can you recommend a hotel in Nairobi?', 'en'],
    ['Is there a parking at the venue?', 'en'],
    ['What is the Webex password?', 'en'],
    ['Quel est le numéro de téléphone des organisateurs ?', 'fr'],
    ['Quelle météo est prévue le 6 août ?', 'fr'],
    ['Will lunch be served?', 'en'],
    ['Combien coûte l’inscription ?', 'fr'],
  ] as Array<[string, Lang]>)('when asked "%s", then the bot says it does not know and gives the organisers, inventing nothing', (q, lang) => {
    const a = ask(q, lang);
    expect(a.kind).toBe('abstain');
    expect(a.text).toMatch(/Catherine\.Mwangi@un\.org/);
    expect(a.text).toMatch(/Robert\.Wabunoha@un\.org/);
    expect(a.text).not.toMatch(/\d{3}/);
    expect(plain(a.text)).toMatch(lang === 'fr' ? /je ne trouve pas/ : /couldn't find/);
  });
});

describe('dates in the participant’s time zone', () => {
  test.each([
    ['What time is the English-only briefing for me?', 'Africa/Dakar', [/08:00/, /10:00/, /11:00/]],
    ['What time is the bilingual briefing for me?', 'Africa/Kinshasa', [/11:00/, /13:00/]],
    ['What time is the bilingual briefing for me?', 'Europe/Paris', [/12:00/, /14:00/, /gmt\+2/]],
    ['What time is the English-only briefing for me?', 'America/New_York', [/04:00/, /06:00/, /gmt-4/]],
    ['What time is the English-only briefing for me?', 'Australia/Sydney', [/18:00/, /20:00/, /gmt\+10/]],
  ] as Array<[string, string, RegExp[]]>)('when "%s" comes from %s, then the local time is given beside Nairobi time', (q, zone, facts) => {
    const text = visible(ask(q, 'en', zone));
    for (const f of facts) expect(text).toMatch(f);
    expect(text).toMatch(/nairobi time/);
  });

  test('when a city is named, then its zone wins over the channel’s', () => {
    const text = visible(ask('What time is the 23 July briefing in Johannesburg?', 'en', 'Europe/London'));
    expect(text).toMatch(/in johannesburg: thursday 23 july 2020, 12:00 – 14:00/);
  });

  test('when a French question names a city, then the times are in French form', () => {
    const text = visible(ask('À quelle heure est la séance du 20 juillet à Dakar ?', 'fr'));
    expect(text).toMatch(/a dakar : lundi 20 juillet 2020, 08 h 00 – 10 h 00/);
  });

  test('when the participant is in Nairobi time already, then no second time is shown', () => {
    const text = visible(ask('What time is the English-only briefing for me?', 'en', 'Africa/Addis_Ababa'));
    expect(text).toMatch(/same time in your time zone/);
  });

  test('when the date has passed, then the bot says so; before it, how many days remain', () => {
    expect(visible(ask('When is the sub-regional consultation?', 'en'))).toMatch(/this date has passed/);
    const early = makeAnswerer(fixedClock(BEFORE));
    expect(plain(early.answer('When is the sub-regional consultation?', { lang: 'en' }).text)).toMatch(/in 27 days/);
    expect(plain(early.answer('Quand est la consultation sous-régionale ?', { lang: 'fr' }).text)).toMatch(/dans 27 jours/);
  });

  test('when the note gives no time for an event, then the bot says so rather than invent one', () => {
    const text = visible(ask('What time does the sub-regional consultation start?', 'en', 'Africa/Dakar'));
    expect(text).toMatch(/no time/);
    expect(text).not.toMatch(/\d\d:\d\d/);
  });
});

describe('where the note contradicts itself', () => {
  test('when asked how long a briefing lasts, then the 90 minutes are given and the two-hour slot is not hidden', () => {
    const text = visible(ask('How long is the briefing?', 'en'));
    expect(text).toMatch(/90 minutes/);
    expect(text).toMatch(/2 hours/);
  });

  test('when asked the time of a briefing, then the general 10:00-13:00 window is mentioned too', () => {
    const text = visible(ask('What time is the English-only briefing?', 'en'));
    expect(text).toMatch(/11:00 – 13:00/);
    expect(text).toMatch(/10:00-13:00/);
  });
});

describe('follow-up questions', () => {
  test('when the question only says "it", then the events of the previous answer are meant', () => {
    const first = ask('When is the global forum?', 'en');
    const next = answerer.answer('how long does it last?', { lang: 'en', previous: { eventIds: first.eventIds } });
    expect(plain(next.text)).toMatch(/global forum/);
    expect(plain(next.text)).toMatch(/90 minutes/);
  });

  test('when "et ça dure combien de temps ?" follows a question on the sub-regional consultation, then its duration is given', () => {
    const first = ask('Quand est la consultation sous-régionale ?', 'fr');
    const next = answerer.answer('et ça dure combien de temps ?', { lang: 'fr', previous: { eventIds: first.eventIds } });
    expect(plain(next.text)).toMatch(/3 heures/);
  });

  test('when "what time is that for me?" follows, then the previous event is converted to the participant’s zone', () => {
    const first = ask('When is the English-only briefing?', 'en');
    const next = answerer.answer('what time is that for me?', { lang: 'en', timezone: 'Africa/Dakar', previous: { eventIds: first.eventIds } });
    expect(visible(next)).toMatch(/08:00 – 10:00/);
  });

  test('when a follow-up asks about something else of the same event ("and is there a test session?"), then that is answered', () => {
    const first = ask('When is the sub-regional consultation?', 'en');
    const next = answerer.answer('And is there a test session before it?', { lang: 'en', previous: { eventIds: first.eventIds, sectionId: first.sectionId, needs: first.needs } });
    expect(visible(next)).toMatch(/test session/);
    expect(next.text).not.toMatch(/6 August 2020/);
  });

  test('when a follow-up names another event, then that event is answered, not the previous one', () => {
    const first = ask('When is the global forum?', 'en');
    const next = answerer.answer('and the sub-regional consultation?', { lang: 'en', previous: { eventIds: first.eventIds, needs: first.needs } });
    expect(visible(next)).toMatch(/6 august 2020/);
  });
});

describe('questions that repeat themselves', () => {
  test('when a question names a date hundreds of times, then the schedule is walked no more than for the date named once', () => {
    // Days are counted by luxon's DateTime.plus: the work, not the time it takes.
    const plus = jest.spyOn(DateTime.prototype, 'plus');
    try {
      const walked = (q: string) => {
        plus.mockClear();
        ask(q, 'en');
        return plus.mock.calls.length;
      };
      const once = walked('What happens on 9 May?');
      const repeated = walked(`What happens on ${'9 May '.repeat(300)}?`);
      expect(repeated).toBeLessThanOrEqual(once + 10);
    } finally {
      plus.mockRestore();
    }
  });


  test('when a question names the same date hundreds of times, then it is about the same event as when it names it once', () => {
    for (const [once, lang] of [['What happens on 23 July?', 'en'], ['Que se passe-t-il le 6 août ?', 'fr']] as const) {
      const repeated = `${once.replace(/\?$/, '')} ${once.match(/\d+ \S+/)![0].concat(' ').repeat(300)}?`;
      const alone = ask(once, lang);
      const many = ask(repeated, lang);
      expect(many.kind).toBe(alone.kind);
      expect(many.citations.map((c) => c.passageId)).toEqual(alone.citations.map((c) => c.passageId));
    }
  });
});
