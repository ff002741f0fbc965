import type { Clock } from '../../src/schedule/time';
import { BEFORE, makeAnswerer, plain } from '../helpers/fixtures';

/** A clock the test moves. */
function movableClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => new Date(now), set: (next) => void (now = new Date(next)) };
}

describe('a question asked again', () => {
  test.each([
    ['en', 'When is the briefing session for Africa?'],
    ['fr', 'Quand a lieu la séance d’information pour l’Afrique ?'],
  ] as const)('when the day has changed (%s), then the days left follow the clock', (lang, question) => {
    const clock = movableClock(BEFORE);
    const answerer = makeAnswerer(clock);
    const first = plain(answerer.answer(question, { lang }).text);
    expect(plain(answerer.answer(question, { lang }).text)).toBe(first);
    clock.set('2020-07-12T09:00:00Z');
    const later = plain(answerer.answer(question, { lang }).text);
    expect(later).not.toBe(first);
    expect(later.match(/\d+(?= (days|jours))/)?.[0]).toBe(String(Number(first.match(/\d+(?= (days|jours))/)?.[0]) - 2));
  });

  test('when a caller changes the lists of its answer, then the next asker gets the answer unchanged', () => {
    const answerer = makeAnswerer();
    const first = answerer.answer('How do I register?', { lang: 'en' });
    const citations = first.citations.length;
    first.citations.length = 0;
    first.eventIds.push('not-an-event');
    const again = answerer.answer('How do I register?', { lang: 'en' });
    expect(again.citations).toHaveLength(citations);
    expect(again.eventIds).not.toContain('not-an-event');
  });

  test('when the context differs (another zone, a previous question), then the answer is made for it', () => {
    const answerer = makeAnswerer();
    const question = 'What time is the English-only briefing?';
    const nairobi = plain(answerer.answer(question, { lang: 'en' }).text);
    const paris = plain(answerer.answer(question, { lang: 'en', timezone: 'Europe/Paris' }).text);
    expect(paris).not.toBe(nairobi);
    expect(plain(answerer.answer(question, { lang: 'en' }).text)).toBe(nairobi);
  });
});
