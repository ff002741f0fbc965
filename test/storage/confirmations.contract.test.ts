import type { ConfirmationInput, ConfirmationRepository, ParticipantKey } from '../../src/confirmations/confirmation';
import { openDatabase } from '../../src/storage/database';
import { SqlConfirmationRepository } from '../../src/confirmations/repository';
import { openPostgres } from '../../src/storage/postgres';
import { postgresSql, sqliteSql } from '../../src/storage/sql';
import { FEATURE_MIGRATIONS } from '../../src/schema';
import { tempDataDir } from '../helpers/fixtures';
import { describePg, pgSchemaUrl } from '../helpers/postgres';

const amina: ParticipantKey = { channelId: 'msteams', userId: '29:amina', aadObjectId: 'aad-amina' };
const jean: ParticipantKey = { channelId: 'webchat', userId: 'web-jean' };
const input = (over: Partial<ConfirmationInput> = {}): ConfirmationInput => ({
  eventId: 'briefing-africa-enfr',
  name: 'Amina Diallo',
  organisation: 'Ministère des Mines',
  email: 'amina.diallo@example.org',
  group: 'government',
  country: 'Sénégal',
  sessionLanguage: 'fr',
  chatLanguage: 'fr',
  consent: true,
  ...over,
});
const at = (iso: string) => ({ now: new Date(iso) });
let seq = 0;
const activity = () => ({ activityKey: `act-${++seq}` });

/** The ledger's contract: every implementation must pass the same tests. */
function contract(name: string, open: () => Promise<{ repo: ConfirmationRepository; close: () => Promise<void> }>): void {
  describe(`the confirmations ledger on ${name}`, () => {
    let repo: ConfirmationRepository;
    let close: () => Promise<void>;
    beforeEach(async () => ({ repo, close } = await open()));
    afterEach(async () => close());

    test('when a participant confirms, then the record holds every field, a reference, status confirmed and follow-up new', async () => {
      const { confirmation: c, outcome } = await repo.record(input(), amina, { ...activity(), conversationReference: { conversation: { id: 'c1' } }, ...at('2026-11-28T10:00:00Z') });
      expect(outcome).toBe('created');
      expect(c).toMatchObject({ eventId: 'briefing-africa-enfr', name: 'Amina Diallo', email: 'amina.diallo@example.org', group: 'government', country: 'Sénégal', status: 'confirmed', followUp: 'new', aadObjectId: 'aad-amina', createdAt: '2026-11-28T10:00:00.000Z' });
      expect(c.reference).toMatch(/^UNEA-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      expect(c.conversationReference).toEqual({ conversation: { id: 'c1' } });
      expect(c.history.map((h) => h.action)).toEqual(['created']);
      expect(await repo.byReference(c.reference.toLowerCase())).toMatchObject({ id: c.id });
    });

    test('when the same person confirms the same event again, then the record is updated, not duplicated, and the change is in its history', async () => {
      const first = await repo.record(input(), amina, { ...activity(), ...at('2026-11-28T10:00:00Z') });
      const again = await repo.record(input({ organisation: 'Ministère de l’Environnement' }), amina, { ...activity(), ...at('2026-11-28T11:00:00Z') });
      expect(again.outcome).toBe('updated');
      expect(again.confirmation.id).toBe(first.confirmation.id);
      expect(again.confirmation.reference).toBe(first.confirmation.reference);
      expect(await repo.list()).toHaveLength(1);
      expect(again.confirmation.history[1]).toMatchObject({ action: 'updated', changes: { organisation: { from: 'Ministère des Mines', to: 'Ministère de l’Environnement' } } });
    });

    test('when the channel redelivers the same activity, then nothing is recorded twice', async () => {
      const key = activity();
      await repo.record(input(), amina, { ...key, ...at('2026-11-28T10:00:00Z') });
      const twice = await repo.record(input({ name: 'Changed' }), amina, { ...key, ...at('2026-11-28T10:00:01Z') });
      expect(twice.outcome).toBe('duplicate');
      expect(twice.confirmation.name).toBe('Amina Diallo');
      expect((await repo.list())[0]!.history).toHaveLength(1);
    });

    test('when many confirmations of one person for one event arrive at once, then one record remains', async () => {
      await Promise.all(Array.from({ length: 10 }, (_, i) => repo.record(input({ country: `Pays ${i}` }), jean, { ...activity(), ...at('2026-11-28T10:00:00Z') })));
      expect(await repo.forParticipant(jean)).toHaveLength(1);
    });

    test('when a confirmation is cancelled and confirmed again, then its status follows and history says so', async () => {
      const { confirmation } = await repo.record(input(), amina, { ...activity(), ...at('2026-11-28T10:00:00Z') });
      const cancelled = await repo.cancel(confirmation.id, { actor: 'participant', ...at('2026-11-28T12:00:00Z') });
      expect(cancelled).toMatchObject({ status: 'cancelled' });
      const back = await repo.record(input(), amina, { ...activity(), ...at('2026-11-28T13:00:00Z') });
      expect(back.outcome).toBe('reconfirmed');
      expect(back.confirmation.status).toBe('confirmed');
      expect(back.confirmation.history.map((h) => h.action)).toEqual(['created', 'cancelled', 'reconfirmed']);
    });

    test('when organisers mark follow-up, then it is stored with who did it; an unknown id gives nothing', async () => {
      const { confirmation } = await repo.record(input(), amina, { ...activity(), ...at('2026-11-28T10:00:00Z') });
      const marked = await repo.setFollowUp(confirmation.id, 'registration-link-sent', { actor: 'admin', ...at('2026-11-29T08:00:00Z') });
      expect(marked).toMatchObject({ followUp: 'registration-link-sent', updatedAt: '2026-11-29T08:00:00.000Z' });
      expect(marked!.history.at(-1)).toMatchObject({ action: 'follow-up', actor: 'admin' });
      expect(await repo.setFollowUp('00000000-0000-4000-8000-000000000000', 'test-session-done', { actor: 'admin', ...at('2026-11-29T08:00:00Z') })).toBeUndefined();
      expect(await repo.get('not-an-id')).toBeUndefined();
    });

    test('when listing, then filters by event, status, follow-up and date apply', async () => {
      const a = await repo.record(input(), amina, { ...activity(), ...at('2026-11-01T10:00:00Z') });
      await repo.record(input({ eventId: 'subregional-africa' }), amina, { ...activity(), ...at('2026-11-02T10:00:00Z') });
      await repo.record(input({ name: 'Jean Dupont', email: 'jean@example.org' }), jean, { ...activity(), ...at('2026-11-03T10:00:00Z') });
      await repo.cancel(a.confirmation.id, { actor: 'participant', ...at('2026-11-04T10:00:00Z') });
      expect(await repo.list({ eventId: 'briefing-africa-enfr' })).toHaveLength(2);
      expect((await repo.list({ status: 'cancelled' })).map((c) => c.id)).toEqual([a.confirmation.id]);
      expect(await repo.list({ followUp: 'new' })).toHaveLength(3);
      expect((await repo.list({ since: new Date('2026-11-02T12:00:00Z') })).map((c) => c.name).sort()).toEqual(['Amina Diallo', 'Jean Dupont']);
    });

    test('when a participant deletes their data, then all their confirmations go and others stay', async () => {
      await repo.record(input(), amina, { ...activity(), ...at('2026-11-01T10:00:00Z') });
      await repo.record(input({ eventId: 'global-forum' }), amina, { ...activity(), ...at('2026-11-01T10:00:00Z') });
      await repo.record(input({ name: 'Jean Dupont' }), jean, { ...activity(), ...at('2026-11-01T10:00:00Z') });
      expect(await repo.deleteParticipant(amina)).toBe(2);
      expect(await repo.forParticipant(amina)).toEqual([]);
      expect(await repo.list()).toHaveLength(1);
    });

    test('when text is hostile, then it is stored exactly as given', async () => {
      const hostile = input({ name: '=HYPERLINK("http://x")', organisation: '<script>alert(1)</script> & **bold**' });
      const { confirmation } = await repo.record(hostile, amina, { ...activity(), ...at('2026-11-01T10:00:00Z') });
      expect(confirmation.name).toBe('=HYPERLINK("http://x")');
      expect(confirmation.organisation).toBe('<script>alert(1)</script> & **bold**');
    });
  });
}

contract('SQLite', async () => {
  const data = tempDataDir();
  const db = openDatabase(data.dir, undefined, FEATURE_MIGRATIONS);
  return {
    repo: new SqlConfirmationRepository(sqliteSql(db)),
    close: () => {
      db.close();
      data.cleanup();
      return Promise.resolve();
    },
  };
});

describePg('on the PostgreSQL server', () => {
  contract('PostgreSQL', async () => {
    const { url, drop } = pgSchemaUrl();
    const pool = await openPostgres(url, FEATURE_MIGRATIONS);
    return {
      repo: new SqlConfirmationRepository(postgresSql(pool)),
      close: async () => {
        await pool.end();
        await drop();
      },
    };
  });
});
