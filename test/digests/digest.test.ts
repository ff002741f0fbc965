import { SqlUnansweredQuestions } from '../../src/questions/unanswered';
import { createServer } from 'node:net';
import type { ConfirmationInput, ParticipantKey } from '../../src/confirmations/confirmation';
import { ConfirmationService } from '../../src/confirmations/service';
import { SqlConfirmationRepository } from '../../src/confirmations/repository';
import { DigestRepository } from '../../src/digests/repository';
import { DigestService, type DigestSettings } from '../../src/digests/service';
import { smtpSender } from '../../src/digests/senders';
import { DigestScheduler } from '../../src/digests/scheduler';
import { createTranslator } from '../../src/i18n';
import { openStores, type Stores } from '../../src/storage/stores';
import { LOCALES_DIR, shippedSources, silentLogger, tempDataDir } from '../helpers/fixtures';
import { describePg, pgSchemaUrl } from '../helpers/postgres';
import { LoopbackSmtp } from '../helpers/smtp';
import { FEATURE_MIGRATIONS } from '../../src/schema';

const t = createTranslator(LOCALES_DIR);
const ORGANISERS = ['catherine@example.org', 'robert@example.org'];

/** A clock the test moves forward. */
function movableClock(iso: string) {
  let now = new Date(iso);
  return { now: () => new Date(now), advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const input = (name: string, over: Partial<ConfirmationInput> = {}): ConfirmationInput => ({
  eventId: 'subregional-africa',
  name,
  organisation: 'Ministère des Mines',
  email: `${name.toLowerCase().replace(/[^a-z]/g, '')}@example.org`,
  group: 'government',
  country: 'Sénégal',
  sessionLanguage: 'en',
  chatLanguage: 'fr',
  consent: true,
  ...over,
});
let seq = 0;
const who = (): ParticipantKey => ({ channelId: 'webchat', userId: `u-${++seq}` });

async function world(opts: { smtpUrl: string; stores?: Stores; languages?: Array<'en' | 'fr'>; sendEmpty?: boolean }) {
  const data = tempDataDir();
  const stores = opts.stores ?? (await openStores({ dataDir: data.dir, features: FEATURE_MIGRATIONS }));
  const clock = movableClock('2026-11-28T06:00:00Z');
  const ledger = new SqlConfirmationRepository(stores.sql);
  const confirmations = new ConfirmationService(ledger, () => shippedSources().schedule, clock, t);
  const sender = smtpSender(opts.smtpUrl);
  const settings: DigestSettings = { emailTo: ORGANISERS, emailFrom: 'Assistant <assistant@example.org>', languages: opts.languages ?? ['en', 'fr'], sendEmpty: opts.sendEmpty ?? false, retryBaseMs: 60_000, retryMaxMs: 3_600_000, instanceId: `i-${Math.random()}` };
  const makeService = (instanceId = settings.instanceId) =>
    new DigestService({ repo: new DigestRepository(stores.sql), confirmations, unanswered: new SqlUnansweredQuestions(stores.sql), email: sender, clock, t, logger: silentLogger, settings: { ...settings, instanceId } });
  const confirm = (name: string, over: Partial<ConfirmationInput> = {}) => ledger.record(input(name, over), who(), { activityKey: `a-${++seq}`, now: clock.now() });
  return {
    stores,
    ledger,
    clock,
    confirm,
    service: makeService(),
    makeService,
    close: async () => {
      sender.close();
      if (!opts.stores) await stores.close();
      data.cleanup();
    },
  };
}

/** Every confirmation reference in the CSV attachments of the mails received. */
function referencesIn(mails: LoopbackSmtp['mails']): string[] {
  return mails.flatMap((m) => m.attachments.flatMap((a) => a.content.toString('utf8').match(/UNEA-[A-Z0-9]{4}-[A-Z0-9]{4}/g) ?? []));
}

describe('the email digest, through a real SMTP server on loopback', () => {
  const smtp = new LoopbackSmtp();
  beforeEach(async () => {
    smtp.mails.length = 0;
    smtp.refuse = undefined;
    await smtp.start();
  });
  afterEach(async () => smtp.stop());

  test('when there are new confirmations and unanswered questions, then one bilingual mail arrives with HTML, text and the CSV', async () => {
    const w = await world({ smtpUrl: smtp.url });
    await w.confirm('Amina Diallo');
    await w.confirm('<script>alert("x")</script> Evil', { organisation: '=HYPERLINK("http://evil")', eventId: 'global-forum', group: 'civil-society', country: 'Mali' });
    const cancelled = await w.confirm('Jean Dupont', { eventId: 'briefing-africa-enfr' });
    await w.ledger.cancel(cancelled.confirmation.id, { actor: 'participant', now: w.clock.now() });
    for (const text of ['Is there parking?', 'is there PARKING ?', 'Quel temps fera-t-il ?']) await new SqlUnansweredQuestions(w.stores.sql).record({ text, language: 'en', reason: 'unknown-words', askedAt: w.clock.now() });

    const run = await w.service.run('manual');
    expect(run.results).toEqual([{ destination: 'email', status: 'sent', digestId: expect.any(String), confirmations: 2, cancellations: 1, questions: 3 }]);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to && 'value' in mail.to ? mail.to.value.map((a) => a.address) : []).toEqual(ORGANISERS);
    expect(mail.subject).toBe('Participant assistant digest: 2 new confirmation(s), 1 cancellation(s), 3 unanswered question(s) / Résumé de l\'assistant des participants\u00a0: 2 nouvelle(s) confirmation(s), 1 annulation(s), 3 question(s) sans réponse');
    expect(mail.messageId).toMatch(/^<digest-.*@participant-assistant>$/);
    // Both languages, grouped by event, totals, open follow-ups, repeated questions counted once.
    expect(mail.text).toContain('New confirmations (2)');
    expect(mail.text).toContain('Nouvelles confirmations (2)');
    expect(mail.text).toMatch(/sub-regional consultation for Africa[\s\S]*- Amina Diallo, Ministère des Mines, Government \(ministry of mines, of environment…\), Sénégal, aminadiallo@example.org, UNEA-/);
    expect(mail.text).toMatch(/Cancellations \(1\)\n {2}- Jean Dupont/);
    expect(mail.text).toMatch(/By country: (Mali 1, Sénégal 1|Sénégal 1, Mali 1)/);
    expect(mail.text).toContain('to follow up: 2');
    expect(mail.text).toContain('(2×) Is there parking?');
    // Hostile names are escaped in the HTML, never markup.
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Evil');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('<table');
    // The CSV: UTF-8 with BOM, the new confirmations, formulas neutralised.
    expect(mail.attachments).toHaveLength(1);
    const csv = mail.attachments[0]!.content.toString('utf8');
    expect(mail.attachments[0]!.filename).toBe('new-confirmations.csv');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('"\'=HYPERLINK(""http://evil"")"');
    expect(referencesIn(smtp.mails)).toHaveLength(2);
    await w.close();
  });

  test('when nothing is new, then no digest is sent (unless configured), and later news come in the next one only', async () => {
    const w = await world({ smtpUrl: smtp.url, languages: ['fr'] });
    await w.confirm('Amina Diallo');
    await w.service.run('manual');
    expect((await w.service.run('manual')).results).toEqual([{ destination: 'email', status: 'nothing-new' }]);
    await w.confirm('Kofi Mensah');
    await w.service.run('manual');
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails[1]!.text).toContain('Kofi Mensah');
    expect(smtp.mails[1]!.text).not.toContain('Amina Diallo, Ministère');
    expect(smtp.mails[1]!.subject).toMatch(/^Résumé/);
    await w.close();

    const empty = await world({ smtpUrl: smtp.url, sendEmpty: true });
    expect((await empty.service.run('manual')).results[0]).toMatchObject({ status: 'sent', confirmations: 0 });
    await empty.close();
  });

  test('when the SMTP server is down, then the digest is kept, retried with backoff, and sent once with what came meanwhile', async () => {
    await smtp.stop();
    const w = await world({ smtpUrl: smtp.url });
    await w.confirm('Amina Diallo');
    const failed = await w.service.run('manual');
    expect(failed.results[0]).toMatchObject({ status: 'failed', confirmations: 1 });
    await w.confirm('Kofi Mensah');
    // Not due yet: the retry waits for the backoff.
    expect((await w.service.run('retry')).results).toEqual([]);
    await smtp.start(smtp.port);
    w.clock.advance(61_000);
    const retried = await w.service.run('retry');
    expect(retried.results[0]).toMatchObject({ status: 'sent', confirmations: 2 });
    expect((await w.service.run('manual')).results[0]).toMatchObject({ status: 'nothing-new' });
    expect(smtp.mails).toHaveLength(1);
    expect(referencesIn(smtp.mails).sort()).toEqual([...new Set(referencesIn(smtp.mails))].sort());
    expect(referencesIn(smtp.mails)).toHaveLength(2);
    await w.close();
  });

  test('when the SMTP server refuses the message, then nothing is marked sent, and the backoff doubles', async () => {
    smtp.refuse = 'Try again later';
    const w = await world({ smtpUrl: smtp.url });
    await w.confirm('Amina Diallo');
    const first = await w.service.run('manual');
    const second = await w.service.run('manual');
    expect(first.results[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/Try again later/) });
    const gap = (r: typeof first) => new Date((r.results[0] as { nextAttemptAt: string }).nextAttemptAt).getTime() - w.clock.now().getTime();
    expect(gap(second)).toBe(2 * gap(first));
    expect((await w.service.history())[0]).toMatchObject({ status: 'pending', attempts: 2 });
    smtp.refuse = undefined;
    w.clock.advance(3 * 60_000);
    expect((await w.service.run('retry')).results[0]).toMatchObject({ status: 'sent' });
    expect(smtp.mails).toHaveLength(1);
    await w.close();
  });

  test('when the process dies between building and sending, then a restart sends the digest once', async () => {
    const w = await world({ smtpUrl: smtp.url });
    await w.confirm('Amina Diallo');
    // Built (items assigned to a pending digest), then the process stopped before sending.
    await new DigestRepository(w.stores.sql).prepare('email', 'schedule', w.clock.now(), false);
    const restarted = w.makeService('after-restart');
    expect((await restarted.run('retry')).results[0]).toMatchObject({ status: 'sent', confirmations: 1 });
    expect((await restarted.run('manual')).results[0]).toMatchObject({ status: 'nothing-new' });
    expect(referencesIn(smtp.mails)).toHaveLength(1);
    await w.close();
  });

  test('when a schedule tick fires twice (two timers, one instance), then it runs once', async () => {
    const w = await world({ smtpUrl: smtp.url, sendEmpty: true });
    const tick = '2026-11-28T05:00:00.000Z';
    expect((await w.service.run('schedule', tick)).status).toBe('done');
    expect((await w.service.run('schedule', tick)).status).toBe('already-ran');
    expect(smtp.mails).toHaveLength(1);
    await w.close();
  });
});

describePg('two instances on one PostgreSQL database', () => {
  const smtp = new LoopbackSmtp();
  beforeEach(async () => {
    smtp.mails.length = 0;
    await smtp.start();
  });
  afterEach(async () => smtp.stop());

  test('when both fire on the same schedule tick, then one digest is sent and each confirmation is in it once', async () => {
    const { url, drop } = pgSchemaUrl();
    const storesA = await openStores({ dataDir: '', databaseUrl: url, features: FEATURE_MIGRATIONS });
    const storesB = await openStores({ dataDir: '', databaseUrl: url, features: FEATURE_MIGRATIONS });
    const a = await world({ smtpUrl: smtp.url, stores: storesA });
    const b = await world({ smtpUrl: smtp.url, stores: storesB });
    try {
      for (const name of ['Amina Diallo', 'Kofi Mensah', 'Fatou Ndiaye']) await a.confirm(name);
      const tick = '2026-11-28T05:00:00.000Z';
      const runs = await Promise.all([a.service.run('schedule', tick), b.service.run('schedule', tick)]);
      expect(runs.map((r) => r.status).sort()).toEqual(expect.arrayContaining(['done']));
      expect(runs.filter((r) => r.status === 'done' && r.results.some((x) => x.status === 'sent'))).toHaveLength(1);
      // Whatever the other instance does next, nothing is sent twice.
      await Promise.all([a.service.run('manual'), b.service.run('manual')]);
      expect(smtp.mails).toHaveLength(1);
      expect(referencesIn(smtp.mails)).toHaveLength(3);
    } finally {
      await a.close();
      await b.close();
      await storesA.close();
      await storesB.close();
      await drop();
    }
  });
});

test('a closed port is really closed (the "SMTP down" tests rely on it)', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  const sender = smtpSender(`smtp://127.0.0.1:${port}`);
  await expect(sender.send({ from: 'a@example.org', to: ['b@example.org'], subject: 's', text: 't', html: '<p>t</p>', messageId: '<x@y>', attachments: [] })).rejects.toThrow();
  sender.close();
});

test('when DIGEST_SCHEDULE fires, then the scheduler runs the digest with the tick it was due at', async () => {
  const runs: Array<[string, string | undefined]> = [];
  const fake = { run: (trigger: string, tick?: string) => (runs.push([trigger, tick]), Promise.resolve({ trigger, status: 'done', results: [] })) } as unknown as DigestService;
  const scheduler = new DigestScheduler(fake, silentLogger, { schedule: '* * * * * *', timezone: 'Africa/Nairobi', retryCheckMs: 60_000 });
  scheduler.start();
  for (let i = 0; i < 40 && !runs.length; i++) await new Promise((r) => setTimeout(r, 100));
  scheduler.stop();
  expect(runs[0]![0]).toBe('schedule');
  expect(runs[0]![1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
});
