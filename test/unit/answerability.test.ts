import type { Lang } from '../../src/knowledge/analyzer';
import { givesNeed, judge } from '../../src/knowledge/answerability';
import { buildFrame } from '../../src/knowledge/frame';
import { KnowledgeBase } from '../../src/knowledge/knowledgeBase';
import { makeAnswerer, plain, shippedSources } from '../helpers/fixtures';

const answerer = makeAnswerer();
const kb = new KnowledgeBase(shippedSources());
const ask = (q: string, lang: Lang) => answerer.answer(q, { lang });
const frameOf = (q: string) => buildFrame(kb, q, kb.retriever.search(q, 20));
const sentenceTerms = (s: string) => new Set([...kb.analyzer.analyze(s, 'en').terms, ...kb.analyzer.analyze(s, 'fr').terms]);
const ADDRESSES = [/catherine\.mwangi@un\.org/, /robert\.wabunoha@un\.org/];

describe('an answer must be about what was asked', () => {
  test.each([
    ['When is the Asia-Pacific sub-regional consultation?', 'en', /6 august/],
    ['date consultation amerique latine ?', 'fr', /(20|23) juillet|6 aout/],
    ['What time is the Europe briefing?', 'en', /11:00|13:00/],
    ["C'est quand la consultation régionale pour l'Asie de l'Ouest ?", 'fr', /aout|juillet/],
  ] as Array<[string, Lang, RegExp]>)('when "%s" names a region the schedule has no events for, then no other region’s date is given', (q, lang, other) => {
    const a = ask(q, lang);
    const text = plain(a.text);
    expect(a.kind).toBe('abstain');
    expect(text).toMatch(lang === 'fr' ? /ne donne pas le calendrier/ : /does not give the schedule/);
    expect(text).not.toMatch(other);
    for (const re of ADDRESSES) expect(text).toMatch(re);
  });

  test.each([
    ['What is the Webex meeting number and password for the 20 July briefing?', 'en'],
    ['Will the presentation slides be shared after the sub-regional consultation?', 'en'],
    ['Les sessions seront-elles enregistrées et mises en ligne ?', 'fr'],
    ['Quelle est la fonction de Robert Wabunoha au PNUE ?', 'fr'],
    ['Which African sub-regions will be covered on 6 August, West Africa or East Africa?', 'en'],
    ['Quelle est la date limite pour envoyer une contribution vidéo ?', 'fr'],
  ] as Array<[string, Lang]>)('when "%s" asks what no source says, then the bot says so with both addresses instead of a neighbouring passage', (q, lang) => {
    const a = ask(q, lang);
    const text = plain(a.text);
    expect(a.kind === 'abstain' || a.partial).toBe(true);
    for (const re of ADDRESSES) expect(text).toMatch(re);
    expect(text).not.toMatch(/webex videoconferencing|test sessions will be shared|2 septembre 2020/);
  });

  test('when a passage gives a date, then it answers "when" only if the sentence with the date is about the subject', () => {
    const comments = 'Written comments are expected from participants and stakeholders by 2 September 2020 at the latest.';
    const forms = 'The consultation will take four different forms: 1) virtual events; 2) video submissions; 3) written submissions.';
    const frame = frameOf('What is the deadline for video submissions?');
    const terms = new Set([...sentenceTerms(comments), ...sentenceTerms(forms)]);
    expect(judge(frame, terms, `${forms} ${comments}`, sentenceTerms).ok).toBe(false);
    expect(judge(frameOf('What is the deadline for written comments?'), terms, `${forms} ${comments}`, sentenceTerms).ok).toBe(true);
  });

  test.each([
    ['date', 'early September 2020', true],
    ['exact', 'early September 2020', false],
    ['time', 'Thursday 6 August 2020', false],
    ['time', '23 July 2020 (13:00 - 15:00)', true],
    ['contact', 'by email to Catherine.Mwangi@un.org', true],
    ['languages', 'in English, French, Spanish, Russian and Arabic only', true],
    ['cost', 'The meetings will use Webex videoconferencing.', false],
  ] as Array<[Parameters<typeof givesNeed>[0], string, boolean]>)('when a %s is asked, then "%s" gives it: %s', (need, text, gives) => {
    expect(givesNeed(need, text)).toBe(gives);
  });

  test('when a question has a word nothing in the sources knows, then it is a topic they do not cover', () => {
    const frame = frameOf('Will there be a certificate of attendance?');
    expect(frame.words.find((w) => w.word === 'certificate')).toMatchObject({ role: 'topic', unknown: true });
    expect(ask('Will there be a certificate of attendance?', 'en').kind).toBe('abstain');
  });

  test('when a misspelt word could be read as a way of asking, then it is not ("recording" is not "regarding")', () => {
    const a = ask('Will there be a recording of the forum?', 'en');
    expect(a.kind).toBe('abstain');
    expect(plain(a.text)).not.toMatch(/early september/);
  });
});

describe('partial answers: what the note gives, what it does not, and who can say more', () => {
  test.each([
    ['6 aug consultation start time?', 'en', [/6 august 2020/, /no time/]],
    ['Le forum mondial commence à quelle heure ?', 'fr', [/debut septembre 2020/, /pas d'heure/]],
    ["What's the exact date of the global forum?", 'en', [/early september 2020/, /no exact date/]],
    ["Où se tiendra l'ANUE-5 ?", 'fr', [/fevrier 2021/, /ne dit pas ou/]],
    ["What's the deadline to register for the sub-regional consultation?", 'en', [/no deadline/, /6 august 2020/]],
    ['Quand a lieu la consultation sous-régionale pour l’Afrique de l’Ouest ?', 'fr', [/sous-region/, /6 aout 2020/]],
  ] as Array<[string, Lang, RegExp[]]>)('when "%s" asks part of what the note gives, then that part comes with both addresses', (q, lang, facts) => {
    const a = ask(q, lang);
    const text = plain(a.text);
    expect(a.partial).toBe(true);
    for (const re of [...facts, ...ADDRESSES]) expect(text).toMatch(re);
  });

  test('when no time is given for the forum, then the briefings’ times are not offered instead', () => {
    const text = plain(ask('What time does the global forum start?', 'en').text);
    expect(text).not.toMatch(/\d\d:\d\d/);
  });

  test('when the documents’ languages are asked about one language, then a yes or no comes first, then the list', () => {
    expect(plain(ask('doc de discussion dispo en chinois ?', 'fr').text)).toMatch(/^non\. .*anglais, francais, espagnol, russe et arabe/);
    expect(plain(ask('docs dispo en arabe ?', 'fr').text)).toMatch(/^oui\. /);
    expect(plain(ask('Which UN language is missing from the document translations?', 'en').text)).toMatch(/chinese/);
  });

  test('when an event is asked about in a language it is not held in, then the one that is comes with its date', () => {
    const text = plain(ask('Le briefing du 20 juillet est-il en français ?', 'fr').text);
    expect(text).toMatch(/^non\. /);
    expect(text).toMatch(/23 juillet 2020/);
  });
});
