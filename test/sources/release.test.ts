import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, SOURCES_DIR, tempDataDir, testConfig, testStems } from '../helpers/fixtures';

/**
 * A new release of the bot ships changed sources: on a database that already has versions, they
 * become the live version, unless the organisers have published their own since.
 */
const TOKEN = 'release-admin-token-0123456789';
let shipped: string;
let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  shipped = mkdtempSync(join(tmpdir(), 'shipped-'));
  cpSync(SOURCES_DIR, shipped, { recursive: true });
  data = tempDataDir();
});
afterEach(() => {
  rmSync(shipped, { recursive: true, force: true });
  data.cleanup();
});

/** The release moves the sub-regional consultation from 6 to 13 August, in the schedule and both notes. */
function shipTheMove(): void {
  const edit = (file: string, change: (text: string) => string) => writeFileSync(join(shipped, file), change(readFileSync(join(shipped, file), 'utf8')));
  edit('schedule.json', (text) => {
    const s = JSON.parse(text) as { events: Array<{ id: string; when: unknown; noteText: unknown }> };
    const e = s.events.find((x) => x.id === 'subregional-africa')!;
    e.when = { type: 'day', date: '2020-08-13' };
    e.noteText = { date: '13 août 2020' };
    return JSON.stringify(s);
  });
  edit('note.fr.md', (text) => text.replace('Afrique : 6 août 2020', 'Afrique : 13 août 2020'));
  edit('note.en.md', (text) => text.replace('Africa: 6 August 2020', 'Africa: 13 August 2020'));
}

async function started() {
  const app = await createApp(testConfig(data.dir, { SOURCES_DIR: shipped, ADMIN_TOKEN: TOKEN }), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems });
  const base = `http://127.0.0.1:${await app.start(0)}`;
  const version = async () => ((await (await fetch(`${base}/api/health`)).json()) as { sources: { version: number } }).sources.version;
  const ask = async (text: string) => {
    const res = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', id: randomUUID(), text, channelId: 'webchat', serviceUrl: 'http://127.0.0.1:9/', deliveryMode: 'expectReplies', from: { id: 'u' }, recipient: { id: 'bot' }, conversation: { id: randomUUID() } }),
    });
    return ((await res.json()) as { activities: Array<{ text?: string }> }).activities.map((a) => a.text).join('\n');
  };
  const admin = (path: string, init: RequestInit = {}) => fetch(`${base}/api/admin${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) } });
  return { app, version, ask, admin };
}

test('when the bot restarts with changed shipped sources, then they are live at once; a restart with the same files changes nothing', async () => {
  const first = await started();
  expect(await first.ask('When is the sub-regional consultation?')).toMatch(/6 August 2020/);
  await first.app.stop();

  shipTheMove();
  const second = await started();
  expect(await second.version()).toBe(2);
  expect(await second.ask('When is the sub-regional consultation?')).toMatch(/13 August 2020/);
  await second.app.stop();

  const third = await started();
  expect(await third.version()).toBe(2);
  await third.app.stop();
});

test('when the organisers published a version of their own, then a release with changed sources does not replace it', async () => {
  const first = await started();
  const qa = JSON.parse(readFileSync(join(shipped, 'qa.json'), 'utf8')) as { description?: string };
  expect((await first.admin('/sources/qa', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...qa, description: 'Edited by the organisers' }) })).status).toBe(200);
  expect((await first.admin('/sources/draft/publish', { method: 'POST' })).status).toBe(200);
  expect(await first.version()).toBe(2);
  await first.app.stop();

  shipTheMove();
  const second = await started();
  expect(await second.version()).toBe(2);
  expect(await second.ask('When is the sub-regional consultation?')).toMatch(/6 August 2020/);
  await second.app.stop();
});
