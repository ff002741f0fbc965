import { KnowledgeBase } from '../../src/knowledge/knowledgeBase';
import { buildContext } from '../../src/knowledge/generation/context';
import { claimsIn, Material } from '../../src/knowledge/generation/facts';
import { GroundingGuard } from '../../src/knowledge/generation/guard';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, makeAnswerer, shippedSources } from '../helpers/fixtures';
import { BRIEFING_EN, FAITHFUL, UNFAITHFUL } from './unfaithful';

const clock = fixedClock(AFTER);
const kb = new KnowledgeBase(shippedSources());
const answerer = makeAnswerer(clock);
const guard = new GroundingGuard(kb.analyzer);
const contextOf = (question: string, lang: 'en' | 'fr') => buildContext(kb, question, { lang, timezone: 'Europe/Paris' }, answerer.answer(question, { lang }), clock);

describe('the grounding guard', () => {
  test.each(FAITHFUL.map((f) => [f.question, f] as const))('when a model answers "%s" from its sources, then the answer passes', (_q, f) => {
    expect(guard.check(f.answer, contextOf(f.question, f.lang))).toEqual({ ok: true });
  });

  test.each(UNFAITHFUL.map((u) => [u.name, u] as const))('when a model answers with %s, then the guard blocks it', (_name, u) => {
    const verdict = guard.check(u.answer, contextOf(BRIEFING_EN, 'en'));
    expect(verdict.ok).toBe(false);
  });

  test('when the model is given the schedule, then the times are already in the participant’s zone and the question is data', () => {
    const context = contextOf(BRIEFING_EN, 'en');
    const facts = context.facts.find((f) => f.id === 'event:briefing-africa-en')!.text.en;
    expect(facts).toMatch(/Europe\/Paris\): Monday 20 July 2020, 10:00 – 12:00 \(GMT\+2\)/);
    expect(context.sources.map((s) => s.id)).toContain('s3.briefing.en');
    // Both languages of every passage.
    expect(context.sources.find((s) => s.id === 's3.briefing.en')!.text.fr).toMatch(/20 juillet 2020/);
  });

  test('when the question carries contact details, then the model is not given them', () => {
    const context = buildContext(kb, `${BRIEFING_EN} Reply to jane.doe@example.org or +33 6 12 34 56 78`, { lang: 'en' }, answerer.answer(BRIEFING_EN, { lang: 'en' }), clock);
    expect(context.question).toBe(`${BRIEFING_EN} Reply to [email] or [phone]`);
  });
});

describe('facts are the same in French and English', () => {
  test.each([
    ['lundi 20 juillet 2020, 11 h 00 – 13 h 00 (GMT+3)', 'Monday 20 July 2020, 11:00 to 13:00 (GMT+3)'],
    ['le 2 septembre 2020 au plus tard', 'by September 2, 2020'],
    ['14 h 00', '2 p.m.'],
    ['début septembre 2020', 'early September 2020'],
    ['https://www.greengrowthknowledge.org/', 'greengrowthknowledge.org'],
    ['trois réunions', '3 meetings'],
  ])('when the source says "%s", then "%s" is supported', (source, answer) => {
    const material = new Material([source]);
    for (const claim of claimsIn(answer)) expect([claim.raw, material.supports(claim)]).toEqual([claim.raw, true]);
  });

  test.each([
    ['lundi 20 juillet 2020', 'Tuesday 20 July 2020'],
    ['11 h 00 – 13 h 00', '11:00 to 14:00'],
    ['Catherine.Mwangi@un.org', 'catherine.mwangi@unep.org'],
    ['début septembre 2020', 'early October 2020'],
  ])('when the source says "%s", then "%s" is not supported', (source, answer) => {
    const material = new Material([source]);
    expect(claimsIn(answer).every((c) => material.supports(c))).toBe(false);
  });
});
