import { createApp } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import type { EventList } from '../../src/http/adminContract';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';

const TOKEN = 'query-admin-token-0123456789';

describe('the admin API: parameters, events, labelled export', () => {
  let base: string;
  let stop: () => Promise<void>;
  let app: Awaited<ReturnType<typeof createApp>>;
  beforeAll(async () => {
    const data = tempDataDir();
    app = await createApp(testConfig(data.dir, { ADMIN_TOKEN: TOKEN }), { clock: fixedClock(AFTER), logger: silentLogger });
    base = `http://127.0.0.1:${await app.start(0)}`;
    stop = async () => (await app.stop(), data.cleanup());
    await app.confirmations.record(
      { eventId: 'global-forum', name: 'Fatou Ndiaye', organisation: 'Réseau', email: 'fatou@example.org', group: 'civil-society', country: 'Sénégal', sessionLanguage: 'fr', consent: true },
      { channelId: 'webchat', userId: 'user-1' },
      { chatLanguage: 'fr', activityKey: 'activity-1' },
    );
  });
  afterAll(async () => stop());
  const admin = (path: string) => fetch(`${base}/api/admin${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const error = async (path: string) => {
    const res = await admin(path);
    return { status: res.status, message: ((await res.json()) as { error: { message: string } }).error.message };
  };

  test.each([
    ['/confirmations?event=nope', /^event: no event has the id "nope"; the events are .*global-forum/],
    ['/confirmations.csv?event=nope', /^event: no event has the id "nope"/],
    ['/confirmations?status=maybe', /^status: must be one of confirmed, cancelled$/],
    ['/confirmations?followUp=done', /^followUp: must be one of new, registration-link-sent, test-session-done$/],
    ['/confirmations?since=yesterday', /^since: must be an ISO date/],
    ['/confirmations?colour=blue', /^colour: not a parameter of this call; the parameters are event, status, followUp, since$/],
    ['/confirmations.csv?lang=de', /^lang: must be en or fr$/],
  ])('when %s is asked, then the answer is 400 and names the bad parameter', async (path, expected) => {
    const { status, message } = await error(path);
    expect(status).toBe(400);
    expect(message).toMatch(expected);
  });

  test('when the event exists, then the filter answers 200 with its confirmations', async () => {
    const res = await admin('/confirmations?event=global-forum');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { confirmations: unknown[] }).confirmations).toHaveLength(1);
  });

  test('when the CSV is asked in French, then labels come in French and the ids in their own columns; without lang, the stored values', async () => {
    const text = (await (await admin('/confirmations.csv?lang=fr')).text()).replace(/^\ufeff/, '');
    const [header, row] = text.split('\r\n');
    expect(header).toBe(
      '"Référence","Événement","Nom","E-mail","Organisation","Groupe de parties prenantes","Pays","Langue de la séance","Statut","Suivi","Confirmée le","Mise à jour le","Id de l\'événement","Id du groupe","Id du statut","Id du suivi","Id de la confirmation"',
    );
    expect(row).toContain('"Forum mondial","Fatou Ndiaye","fatou@example.org","Réseau","Société civile","Sénégal","Français","Confirmée","À suivre"');
    expect(row).toContain('"global-forum","civil-society","confirmed","new"');
    const raw = (await (await admin('/confirmations.csv')).text()).replace(/^\ufeff/, '').split('\r\n');
    expect(raw[0]).toBe('"reference","event","name","email","organisation","group","country","sessionLanguage","status","followUp","createdAt","updatedAt","id"');
  });

  test('when a schedule is published, then /events gives its events and labels at once', async () => {
    const before = (await (await admin('/events')).json()) as EventList;
    expect(before.events.find((e) => e.id === 'global-forum')).toMatchObject({ label: { en: 'Global forum', fr: 'Forum mondial' }, confirmationNeeded: true });
    const schedule = JSON.parse(JSON.stringify(app.knowledge.sources.schedule)) as { events: Array<{ id: string; short: { en: string } }> };
    schedule.events.find((e) => e.id === 'global-forum')!.short.en = 'global forum on minerals';
    await app.sources.upload('schedule', Buffer.from(JSON.stringify(schedule)), 'application/json', 'schedule.json', 'test');
    await app.sources.publish('test');
    const after = (await (await admin('/events')).json()) as EventList;
    expect(after.version).toBe(before.version + 1);
    expect(after.events.find((e) => e.id === 'global-forum')!.label.en).toBe('Global forum on minerals');
  });
});
