import type { Lang } from '../../src/knowledge/analyzer';
import { buildFrame } from '../../src/knowledge/frame';
import { KnowledgeBase } from '../../src/knowledge/knowledgeBase';
import { makeAnswerer, plain, shippedSources } from '../helpers/fixtures';

const answerer = makeAnswerer();
const kb = new KnowledgeBase(shippedSources());
const ask = (q: string, lang: Lang) => answerer.answer(q, { lang });
const groupsOf = (q: string) => buildFrame(kb, q, kb.retriever.search(q, 20)).groups;

describe('who a participant is, mapped to the note’s stakeholder groups, in both languages', () => {
  test.each([
    ["I'm a researcher", 'academia'],
    ['je suis étudiant en master', 'academia'],
    ['une banque commerciale', 'financial'],
    ['a development bank', 'financial'],
    ['an NGO', 'civil-society'],
    ['des associations villageoises', 'civil-society'],
    ['the AU Commission', 'international'],
    ["la Commission de l'Union africaine", 'international'],
    ['ministère des finances', 'government'],
    ['a ministry of mines', 'government'],
    ['a mining company', 'industry'],
    ['un syndicat', 'industry'],
    ['a journalist', 'media'],
    ['une journaliste', 'media'],
    ['a normal person without organisation', 'individual'],
    ['jeune cadre avec peu d’expérience', 'experience'],
  ])('when someone says "%s", then the group is %s', (text, group) => {
    expect(groupsOf(text)).toContain(group);
  });

  test('when "union" is part of "Union africaine", then it is not a trade union', () => {
    expect(groupsOf("des représentants de l'Union africaine")).toEqual(['international']);
  });
});

describe('may they take part: what the note says of their group, then each event’s audience', () => {
  test.each([
    ['Can NGOs take part in the sub-regional consultations?', 'en', [/^yes: /, /civil society/, /public/]],
    ['Je travaille au ministère des Finances, est-ce que je peux participer ?', 'fr', [/^oui\. /, /gouvernements/]],
    ['Une banque commerciale qui finance des projets miniers peut-elle participer ?', 'fr', [/institutions financieres/]],
    ['we are a chamber of mines, can we join?', 'en', [/industry and employee groups/, /associations/]],
    ['Le ministère de l’Environnement est-il concerné ?', 'fr', [/gouvernements \(en particulier les ministeres des mines et de l'environnement\)/]],
    ['Je suis jeune cadre avec peu d’expérience, c’est réservé aux hauts responsables ?', 'fr', [/^non\. /, /tous niveaux d'experience/]],
    ['est ce que le PNUD ou d’autres agences ONU peuvent participer?', 'fr', [/\(pnud\) fait partie des partenaires/, /institutions internationales/]],
  ] as Array<[string, Lang, RegExp[]]>)('when asked "%s", then the group’s place in the note is said', (q, lang, facts) => {
    const a = ask(q, lang);
    expect(a.kind).not.toBe('abstain');
    const text = plain(a.text);
    for (const re of facts) expect(text).toMatch(re);
  });

  test('when an NGO asks about the invitation-only briefing, then it is told it needs an invitation, not that the briefing is open', () => {
    const text = plain(ask("Une ONG peut-elle participer à la séance d'information du 20 juillet ?", 'fr').text);
    expect(text).toMatch(/^seulement sur invitation/);
    expect(text).toMatch(/observateurs/);
    expect(text).not.toMatch(/ouverte? (a tous|au public)/);
  });

  test('when the note is silent on a group (journalists), then it says so, what it says of the public, and gives both addresses', () => {
    const a = ask("I'm a journalist. Can I cover the global forum?", 'en');
    const text = plain(a.text);
    expect(a.partial).toBe(true);
    expect(text).toMatch(/does not mention journalists/);
    expect(text).toMatch(/observers from the public/);
    expect(text).toMatch(/catherine\.mwangi@un\.org/);
    expect(text).toMatch(/robert\.wabunoha@un\.org/);
  });

  test.each([
    ['Is the World Bank involved?', 'en', /^world bank is one of the partners/],
    ['La Banque mondiale participe-t-elle ?', 'fr', /^banque mondiale fait partie des partenaires/],
    ['Can UNDP take part?', 'en', /^united nations development programme \(undp\) is one of the partners/],
  ] as Array<[string, Lang, RegExp]>)('when "%s" names a partner of the note, then that comes first', (q, lang, re) => {
    expect(plain(ask(q, lang).text)).toMatch(re);
  });

  test('when "is it reserved for governments?" is asked of an open event, then the answer is no', () => {
    expect(plain(ask('Is the forum reserved for governments?', 'en').text)).toMatch(/^no: \*\*global forum\*\* — all stakeholders/);
  });
});
