import { describeInZone, describeWhen, fixedClock, timing } from '../../src/schedule/time';
import { Gazetteer } from '../../src/schedule/gazetteer';
import { IANAZone } from 'luxon';

const NAIROBI = 'Africa/Nairobi';
const briefing = { type: 'exact', date: '2020-07-20', start: '11:00', end: '13:00' } as const;

describe('converting the note’s Nairobi times', () => {
  test.each([
    ['Africa/Dakar', 'Monday 20 July 2020, 08:00 – 10:00 (GMT)'],
    ['Africa/Lagos', 'Monday 20 July 2020, 09:00 – 11:00 (GMT+1)'],
    ['Africa/Johannesburg', 'Monday 20 July 2020, 10:00 – 12:00 (GMT+2)'],
    ['Europe/London', 'Monday 20 July 2020, 09:00 – 11:00 (GMT+1)'], // summer time
    ['America/New_York', 'Monday 20 July 2020, 04:00 – 06:00 (GMT-4)'], // summer time
    ['Australia/Sydney', 'Monday 20 July 2020, 18:00 – 20:00 (GMT+10)'], // winter there
    ['Asia/Kolkata', 'Monday 20 July 2020, 13:30 – 15:30 (GMT+5:30)'],
    ['Pacific/Auckland', 'Monday 20 July 2020, 20:00 – 22:00 (GMT+12)'],
    ['America/Los_Angeles', 'Monday 20 July 2020, 01:00 – 03:00 (GMT-7)'],
  ])('when the participant is in %s, then the English-only briefing is %s', (zone, expected) => {
    expect(describeInZone(briefing, NAIROBI, zone, 'en')).toBe(expected);
  });

  test('when daylight-saving time differs by season, then the same Nairobi hour maps to different local hours', () => {
    const winter = { type: 'exact', date: '2021-01-20', start: '11:00', end: '13:00' } as const;
    expect(describeInZone(winter, NAIROBI, 'Europe/London', 'en')).toBe('Wednesday 20 January 2021, 08:00 – 10:00 (GMT)');
    expect(describeInZone(briefing, NAIROBI, 'Europe/London', 'en')).toContain('09:00 – 11:00');
  });

  test('when the time crosses midnight in the participant’s zone, then the local date is shown', () => {
    const late = { type: 'exact', date: '2020-07-23', start: '13:00', end: '15:00' } as const;
    expect(describeInZone(late, NAIROBI, 'Pacific/Kiritimati', 'en')).toBe('Friday 24 July 2020, 00:00 – 02:00 (GMT+14)');
  });

  test('when written in French, then days, months and hours follow French usage', () => {
    expect(describeWhen(briefing, NAIROBI, 'fr')).toBe('lundi 20 juillet 2020, 11 h 00 – 13 h 00');
    expect(describeWhen({ type: 'approximate', month: '2020-09', part: 'early' }, NAIROBI, 'fr')).toBe('début septembre 2020');
    expect(describeWhen({ type: 'range', date: '2019-03-11', endDate: '2019-03-15' }, NAIROBI, 'fr')).toBe('du 11 au 15 mars 2019');
  });
});

describe('the clock', () => {
  test('when a date is past, today or ahead, then the bot can say which and by how many days', () => {
    expect(timing(briefing, NAIROBI, fixedClock('2020-07-10T06:00:00Z').now())).toEqual({ state: 'future', days: 10 });
    expect(timing(briefing, NAIROBI, fixedClock('2020-07-20T06:00:00Z').now())).toEqual({ state: 'today' });
    expect(timing(briefing, NAIROBI, fixedClock('2020-07-25T06:00:00Z').now())).toEqual({ state: 'past', days: 5 });
    expect(timing({ type: 'approximate', month: '2020-09', part: 'early' }, NAIROBI, fixedClock('2020-09-05T06:00:00Z').now())).toEqual({ state: 'today' });
  });
});

describe('places named in a question', () => {
  const gazetteer = new Gazetteer();
  const AFRICAN_CAPITALS = [
    'Algiers', 'Luanda', 'Porto-Novo', 'Gaborone', 'Ouagadougou', 'Gitega', 'Praia', 'Yaoundé', 'Bangui', "N'Djamena", 'Moroni',
    'Brazzaville', 'Kinshasa', 'Yamoussoukro', 'Djibouti', 'Cairo', 'Malabo', 'Asmara', 'Mbabane', 'Addis Ababa', 'Libreville',
    'Banjul', 'Accra', 'Conakry', 'Bissau', 'Nairobi', 'Maseru', 'Monrovia', 'Tripoli', 'Antananarivo', 'Lilongwe', 'Bamako',
    'Nouakchott', 'Port Louis', 'Rabat', 'Maputo', 'Windhoek', 'Niamey', 'Abuja', 'Kigali', 'São Tomé', 'Dakar', 'Victoria',
    'Freetown', 'Mogadishu', 'Pretoria', 'Juba', 'Khartoum', 'Dodoma', 'Lomé', 'Tunis', 'Kampala', 'Lusaka', 'Harare',
  ];
  test.each(AFRICAN_CAPITALS)('when a question names %s, then its zone is found', (city) => {
    const place = gazetteer.find(`What time is the briefing in ${city}?`);
    expect(place).toBeDefined();
    expect(IANAZone.isValidZone(place!.zone)).toBe(true);
  });

  test.each([
    ['à Genève', 'Europe/Zurich'],
    ['in Guinea-Bissau', 'Africa/Bissau'],
    ['au Soudan du Sud', 'Africa/Juba'],
    ['heure de Paris', 'Europe/Paris'],
    ['in New York', 'America/New_York'],
    ['at 10 GMT+2', 'Etc/GMT-2'],
    ['Africa/Abidjan please', 'Africa/Abidjan'],
    ['en RDC', 'Africa/Kinshasa'],
  ])('when the text says "%s", then the zone is %s', (text, zone) => {
    expect(gazetteer.find(text)?.zone).toBe(zone);
  });

  test('when no place is named, then none is found (French "est" is not a zone)', () => {
    expect(gazetteer.find('Quelle est la date du forum ?')).toBeUndefined();
  });
});
