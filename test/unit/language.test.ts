import { chooseLanguage, guessLanguage, languageSwitch } from '../../src/knowledge/language';

describe('language of a message', () => {
  test.each([
    ['When is the briefing session for Africa?', 'en'],
    ['Quand a lieu la séance d’information pour l’Afrique ?', 'fr'],
    ['quand a lieu la seance d information', 'fr'],
    ['how do i register', 'en'],
    ['comment je m inscris', 'fr'],
    ['c quand le forum mondial', 'fr'],
    ['what time is the webex', 'en'],
    ['Où et quand ?', 'fr'],
    ['What is the date limite for commentaires?', 'en'],
    ['Est-ce que le briefing est en English?', 'fr'],
  ])('when the message is "%s", then it is read as %s', (text, lang) => {
    expect(guessLanguage(text).lang).toBe(lang);
  });

  test('when the text says nothing (a date, a name), then the previous turn decides, then the channel locale', () => {
    expect(chooseLanguage('23/07 ?', { previous: 'fr' })).toBe('fr');
    expect(chooseLanguage('Webex', { locale: 'fr-FR' })).toBe('fr');
    expect(chooseLanguage('Webex', {})).toBe('en');
  });

  test('when the participant chose a language, then it wins over what the text looks like', () => {
    expect(chooseLanguage('When is the forum?', { preferred: 'fr' })).toBe('fr');
  });

  test('when the locale says French but the question is clearly English, then the answer is in English', () => {
    expect(chooseLanguage('When is the global forum?', { locale: 'fr-FR' })).toBe('en');
  });
});

describe('switching language', () => {
  test.each([
    ['in English please', 'en', ''],
    ['English', 'en', ''],
    ['and in French?', 'fr', ''],
    ['en français', 'fr', ''],
    ['et en anglais ?', 'en', ''],
    ['Can you answer in French?', 'fr', ''],
    ['parlez-moi en français', 'fr', ''],
    ['When is the forum? In French please', 'fr', 'when is the forum?'],
    ['Quand est le forum ? In English', 'en', 'quand est le forum ?'],
  ])('when the message is "%s", then it asks for %s', (text, lang, rest) => {
    expect(languageSwitch(text)).toEqual({ lang, rest });
  });

  test.each([
    'Which briefing is in English and French?',
    'Quelle séance d’information est en anglais et en français ?',
    'Is the briefing in French?',
    'Will the documents be available in Spanish?',
  ])('when "%s" asks about languages, then it is not a request to switch', (text) => {
    expect(languageSwitch(text)).toBeUndefined();
  });
});
