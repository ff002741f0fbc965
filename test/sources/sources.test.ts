import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { createApp } from '../../src/app';
import { pdfToText } from '../../src/sources/pdf';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, SOURCES_DIR, tempDataDir, testConfig, testStems } from '../helpers/fixtures';
import { textToPdf } from '../helpers/pdf';
import { describePg, pgSchemaUrl } from '../helpers/postgres';
import { postActivity } from '../helpers/http';
import { ChannelIssuer } from '../helpers/channelIssuer';

const TOKEN = 'sources-admin-token-0123456789';
const read = (f: string) => readFileSync(join(SOURCES_DIR, f), 'utf8');

// "sources status" is trusted only from Teams requests signed by the channel, as in production.
const issuer = new ChannelIssuer();
beforeAll(() => issuer.start());
afterAll(() => issuer.stop());

async function start(env: Record<string, string> = {}) {
  const data = tempDataDir();
  const app = await createApp(testConfig(data.dir, { ADMIN_TOKEN: TOKEN, ADMIN_IDS: 'admin-1', ...issuer.env(), ...env }), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems, botCredentials: issuer.credentials() });
  const base = `http://127.0.0.1:${await app.start(0)}`;
  const admin = (path: string, init: RequestInit = {}) => fetch(`${base}/api/admin${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'x-admin-name': 'Catherine', ...(init.headers ?? {}) } });
  const ask = async (text: string, from = 'participant') => {
    const serviceUrl = 'http://127.0.0.1:9/';
    const res = await postActivity(base, { text, channelId: 'msteams', serviceUrl, deliveryMode: 'expectReplies', from: { id: `29:${from}`, aadObjectId: from }, conversation: { id: randomUUID() } }, { authorization: await issuer.sign(serviceUrl) });
    return ((await res.json()) as { activities?: Array<{ text?: string }> }).activities?.map((a) => a.text).join('\n') ?? '';
  };
  const upload = (name: string, body: string | Buffer, type: string, filename = '') => admin(`/sources/${name}${filename ? `?filename=${filename}` : ''}`, { method: 'PUT', headers: { 'content-type': type }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  return { app, base, admin, ask, upload, stop: async () => (await app.stop(), data.cleanup()) };
}

/** The sub-regional consultation moved from 6 to 13 August, in the schedule and in both notes. */
const moved = {
  schedule: () => {
    const s = JSON.parse(read('schedule.json')) as { events: Array<{ id: string; when: unknown; noteText: unknown }> };
    const e = s.events.find((x) => x.id === 'subregional-africa')!;
    e.when = { type: 'day', date: '2020-08-13' };
    e.noteText = { date: '13 août 2020' };
    return JSON.stringify(s);
  },
  fr: () => read('note.fr.md').replace('Afrique : 6 août 2020', 'Afrique : 13 août 2020'),
  en: () => read('note.en.md').replace('Africa: 6 August 2020', 'Africa: 13 August 2020'),
};

describe('admins update the sources', () => {
  let w: Awaited<ReturnType<typeof start>>;
  beforeEach(async () => (w = await start()));
  afterEach(async () => w.stop());

  test('when the sub-regional consultation moves: draft, preview, publish, new date in both languages, roll back, old date again', async () => {
    expect(await w.ask('When is the sub-regional consultation?')).toMatch(/6 August 2020/);

    // The schedule alone disagrees with the note: it goes to the draft, which cannot be published yet.
    const first = await w.upload('schedule', moved.schedule(), 'application/json');
    expect(first.status).toBe(200);
    const afterSchedule = (await first.json()) as { draft: number; problems: string[] };
    expect(afterSchedule.draft).toBe(2);
    expect(afterSchedule.problems.join('\n')).toMatch(/subregional-africa: the date "13 août 2020" is not in its passages of the note/);
    expect((await w.admin('/sources/draft/publish', { method: 'POST' })).status).toBe(409);
    expect(await w.ask('When is the sub-regional consultation?')).toMatch(/6 August 2020/);

    await w.upload('note-fr', moved.fr(), 'text/markdown');
    const ready = (await (await w.upload('note-en', moved.en(), 'text/markdown')).json()) as { problems: string[]; changed: string[] };
    expect(ready.problems).toEqual([]);
    expect(ready.changed.sort()).toEqual(['note-en', 'note-fr', 'schedule']);

    // The preview shows, question by question, the live answer beside the draft's, and the checks that now fail.
    const preview = (await (await w.admin('/sources/draft/preview')).json()) as { publishable: boolean; regressions: number; questions: Array<{ id: string; live: { text: string; failed: string[] }; draft: { text: string; failed: string[] }; changed: boolean }> };
    expect(preview.publishable).toBe(true);
    const q = preview.questions.find((x) => x.id === 'subreg-date-en')!;
    expect(q.live.text).toMatch(/6 August 2020/);
    expect(q.draft.text).toMatch(/13 August 2020/);
    expect(q.changed).toBe(true);
    expect(q.draft.failed).toEqual(['6 august 2020']);
    expect(preview.regressions).toBe(2);
    expect(preview.questions.find((x) => x.id === 'platform-en')!.changed).toBe(false);

    expect(await (await w.admin('/sources/draft/publish', { method: 'POST' })).json()).toEqual({ live: 2 });
    expect(await w.ask('When is the sub-regional consultation?')).toMatch(/13 August 2020/);
    expect(await w.ask('Quand a lieu la consultation sous-régionale ?')).toMatch(/13 août 2020/);
    expect(await (await fetch(`${w.base}/api/calendar/subregional-africa.ics`)).text()).toContain('DTSTART;VALUE=DATE:20200813');

    expect(await (await w.admin('/sources/rollback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"version": 1}' })).json()).toEqual({ live: 1 });
    expect(await w.ask('When is the sub-regional consultation?')).toMatch(/6 August 2020/);
    expect(await w.ask('Quand a lieu la consultation sous-régionale ?')).toMatch(/6 août 2020/);

    const history = (await (await w.admin('/sources/history')).json()) as { events: Array<{ version: number; action: string; actor: string }> };
    expect(history.events.map((e) => `${e.version} ${e.action} ${e.actor}`)).toEqual(expect.arrayContaining(['2 uploaded Catherine', '2 published Catherine', '1 rolled-back Catherine', '1 created files']));
    const status = (await (await w.admin('/sources')).json()) as { live: number; versions: Array<{ number: number; live: boolean; changed: string[] }> };
    expect(status.live).toBe(1);
    expect(status.versions.find((v) => v.number === 2)!.changed.sort()).toEqual(['note-en', 'note-fr', 'schedule']);
  });

  test('when a note loses a passage, then the draft names it and cannot be published', async () => {
    const res = await w.upload('note-en', read('note.en.md').replace(/<!-- id: s3\.platform -->[\s\S]*?(?=\n### )/, ''), 'text/markdown');
    expect(((await res.json()) as { problems: string[] }).problems.join('\n')).toMatch(/passage s3\.platform is missing from the English note/);
    const publish = await w.admin('/sources/draft/publish', { method: 'POST' });
    expect(publish.status).toBe(409);
    expect(await w.ask('Which platform will be used?')).toMatch(/Webex/);
    expect(await (await w.admin('/sources/draft', { method: 'DELETE' })).json()).toEqual({ discarded: true });
  });

  test('when the schedule comes as YAML and the Q&A as CSV, then they are read as their JSON twins', async () => {
    const sched = await w.upload('schedule', toYaml(JSON.parse(read('schedule.json'))), 'application/yaml', 'schedule.yaml');
    expect(((await sched.json()) as { problems: string[] }).problems).toEqual([]);
    const csv = 'id,passages,q_en,q_fr,a_en,a_fr\nqa.platform,s3.platform,which platform|zoom or webex,quelle plateforme,"The meetings will use Webex videoconferencing.","Les réunions utiliseront la vidéoconférence Webex."\n';
    const qa = await w.upload('qa', csv, 'text/csv');
    expect(((await qa.json()) as { problems: string[] }).problems).toEqual([]);
    expect(await (await w.admin('/sources/qa?version=2')).json()).toEqual({ pairs: [{ id: 'qa.platform', passages: ['s3.platform'], q: { en: ['which platform', 'zoom or webex'], fr: ['quelle plateforme'] }, a: { en: 'The meetings will use Webex videoconferencing.', fr: 'Les réunions utiliseront la vidéoconférence Webex.' } }] });
  });

  test('when an admin asks "sources status" in chat, then live version and draft are told; others are refused', async () => {
    await w.upload('schedule', moved.schedule(), 'application/json');
    expect(await w.ask('sources status', 'admin-1')).toMatch(/Live sources: version 1[\s\S]*Draft: version 2, changing schedule[\s\S]*cannot be published yet[\s\S]*13 août 2020/);
    expect(await w.ask('sources status')).toMatch(/for the admins/);
  });
});

// A refused upload changes nothing, so the broken uploads share one app: a change left behind by
// any of them would show in its own checks and in every later one.
describe('admins upload broken sources', () => {
  let w: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => (w = await start()));
  afterAll(async () => w.stop());

  test.each([
    ['schedule', '{"events": [', 'application/json', /does not parse as JSON/],
    ['schedule', JSON.stringify({ timezone: 'Africa/Nairobi', zoneLabel: { en: 'x', fr: 'x' }, organisers: ['a@example.org'], events: [{ id: 'x' }] }), 'application/json', /events\.0\.kind/],
    ['schedule', 'events: [1, 2', 'application/yaml', /does not parse as YAML/],
    ['qa', 'id,passages\nqa.x,s1.unea4\n', 'text/csv', /needs the columns/],
    ['note-fr', read('note.fr.md').replace('<!-- id: s3.platform -->', '<script>alert(1)</script>\n<!-- id: s3.platform -->'), 'text/markdown', /HTML is not allowed/],
    ['note-en', read('note.en.md').replace('(direct link to come)', '[direct link](javascript:alert(1))'), 'text/markdown', /script links are not allowed/],
    ['note-fr', Buffer.from([0x23, 0x20, 0xff, 0xfe, 0x41]), 'text/markdown', /not valid UTF-8/],
    ['note-fr', '# Titre sans identifiant\n', 'text/markdown', /a heading needs an id/],
    ['note-fr', Buffer.from('%PDF-1.4\nthis is not a PDF at all\n%%EOF'), 'application/pdf', /could not read the PDF/],
    ['note-fr', Buffer.from('plain text pretending to be a PDF'), 'application/pdf', /not a PDF file/],
    ['golden', JSON.stringify({ questions: [{ id: 'x', lang: 'en', q: 'When?', facts: ['(unclosed'] }] }), 'application/json', /not a valid regular expression/],
    ['nonsense', '{}', 'application/json', /No source "nonsense"/],
  ] as Array<[string, string | Buffer, string, RegExp]>)('when %s is uploaded broken (%#), then it is refused with the reason and nothing changes', async (name, body, type, reason) => {
    const before = await w.ask('When is the sub-regional consultation?');
    const res = await w.upload(name, body, type);
    expect([400, 404]).toContain(res.status);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(reason);
    expect(await w.ask('When is the sub-regional consultation?')).toBe(before);
    expect(((await (await w.admin('/sources')).json()) as { draft: unknown }).draft).toBeNull();
  });
});

describe('PDF ingestion', () => {
  test('when the French note is uploaded as a PDF made from its Markdown, then it reads back into the same passages', async () => {
    const w = await start();
    try {
      const pdf = await textToPdf(read('note.fr.md'));
      const res = await w.upload('note-fr', pdf, 'application/pdf', 'note.pdf');
      const body = (await res.json()) as { problems: string[] };
      expect(res.status).toBe(200);
      expect(body.problems).toEqual([]);
      const stored = String(await (await w.admin('/sources/note-fr?version=2')).text());
      const ids = (md: string) => [...md.matchAll(/<!-- id: ([\w.-]+) -->/g)].map((m) => m[1]);
      expect(ids(stored)).toEqual(ids(read('note.fr.md')));
      expect(stored).toMatch(/Anglais uniquement : 20 juillet 2020 \(11h00 - 13h00 GMT \+ 3 \/ heure de Nairobi\)/);
      expect((await (await w.admin('/sources/draft/publish', { method: 'POST' })).json())).toEqual({ live: 2 });
      expect(await w.ask('Quand est la séance en anglais uniquement ?')).toMatch(/20 juillet 2020/);
    } finally {
      await w.stop();
    }
  });

  test('when reading a PDF takes too long, then the reader is stopped and the upload refused', async () => {
    const pdf = await textToPdf('x\n'.repeat(2000));
    await expect(pdfToText(pdf, { timeoutMs: 5 })).rejects.toThrow(/took longer than/);
  });
});

describePg('two instances on one PostgreSQL database', () => {
  test('when one publishes or rolls back, then the other switches within seconds', async () => {
    const { url, drop } = pgSchemaUrl();
    const a = await start({ DATABASE_URL: url, SOURCES_POLL_SECONDS: '0.2' });
    const b = await start({ DATABASE_URL: url, SOURCES_POLL_SECONDS: '0.2' });
    const waitFor = async (f: () => Promise<boolean>) => {
      for (let i = 0; i < 100 && !(await f()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await f()).toBe(true);
    };
    try {
      await a.upload('schedule', moved.schedule(), 'application/json');
      await a.upload('note-fr', moved.fr(), 'text/markdown');
      await a.upload('note-en', moved.en(), 'text/markdown');
      await a.admin('/sources/draft/publish', { method: 'POST' });
      await waitFor(async () => /13 August 2020/.test(await b.ask('When is the sub-regional consultation?')));
      await b.admin('/sources/rollback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"version": 1}' });
      await waitFor(async () => /6 August 2020/.test(await a.ask('When is the sub-regional consultation?')));
    } finally {
      await a.stop();
      await b.stop();
      await drop();
    }
    // Two instances each build their knowledge base several times (start, preview, publish, roll back).
  }, 120_000);
});
