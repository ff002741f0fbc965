import { randomUUID } from 'node:crypto';
import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { LoopbackConnector } from '../helpers/connector';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';
import { LoopbackSmtp } from '../helpers/smtp';
import { postActivity } from '../helpers/http';
import { ChannelIssuer } from '../helpers/channelIssuer';

const TOKEN = 'digest-admin-token-0123456789';
const smtp = new LoopbackSmtp();
const connector = new LoopbackConnector();
// Organiser commands are trusted only from Teams requests signed by the channel, as in production.
const issuer = new ChannelIssuer();
let app: App;
let base: string;
let data: ReturnType<typeof tempDataDir>;

beforeAll(async () => {
  await smtp.start();
  await connector.start();
  await issuer.start();
  data = tempDataDir();
  app = await createApp(
    testConfig(data.dir, { ADMIN_TOKEN: TOKEN, SMTP_URL: smtp.url, ORGANISER_EMAILS: 'catherine@example.org,robert@example.org', MAIL_FROM: 'Assistant <assistant@example.org>', ORGANISER_IDS: 'organiser-1', DIGEST_LANGUAGE: 'en', ...issuer.env() }),
    { clock: fixedClock(AFTER), logger: silentLogger, botCredentials: issuer.credentials() },
  );
  base = `http://127.0.0.1:${await app.start(0)}`;
});
afterAll(async () => {
  await app.stop();
  await smtp.stop();
  await connector.stop();
  await issuer.stop();
  data.cleanup();
});

/** A participant in web chat, each request signed by the channel; resolves with the replies' text. */
function participant(base: string, userId = `user-${randomUUID()}`): (text: string) => Promise<string> {
  const conversation = `conv-${randomUUID()}`;
  return async (text) => {
    const activity = { type: 'message', id: randomUUID(), channelId: 'webchat', serviceUrl: 'http://127.0.0.1:9/', deliveryMode: 'expectReplies', text, from: { id: userId }, recipient: { id: 'bot' }, conversation: { id: conversation } };
    const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: await issuer.sign(activity.serviceUrl) }, body: JSON.stringify(activity) });
    return ((await res.json()) as { activities?: Array<{ text?: string }> }).activities?.map((a) => a.text ?? '').join('\n') ?? '';
  };
}

const organiserChannel = `19:channel-${randomUUID()}@thread.tacv2`;
async function organiserSays(text: string): Promise<string> {
  const before = connector.received.get(organiserChannel)?.length ?? 0;
  await postActivity(base, {
      text,
      channelId: 'msteams',
      serviceUrl: connector.url,
      from: { id: '29:organiser', name: 'Catherine', aadObjectId: 'organiser-1' },
      recipient: { id: '28:bot', name: 'Assistant' },
      conversation: { id: organiserChannel, conversationType: 'channel', isGroup: true },
      channelData: { tenant: { id: 'tenant-1' }, channel: { id: organiserChannel } },
  }, { authorization: await issuer.sign(connector.url) });
  const all = await connector.waitFor(organiserChannel, before + 1);
  return all.slice(before).map((a) => a.text ?? '').join('\n');
}

async function participantConfirms(name: string): Promise<void> {
  const say = participant(base);
  for (const text of ["I'd like to confirm my participation in the global forum", name, 'OECD', `${randomUUID().slice(0, 8)}@example.org`, 'international', 'Kenya', 'yes', 'yes']) await say(text);
}

const digestNow = async () => (await (await fetch(`${base}/api/admin/digest`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { status: string; results: Array<{ destination: string; status: string; confirmations?: number }> };

test('when an organiser subscribes a Teams channel, then digests are posted there as an Adaptive Card, and by email, exactly once', async () => {
  expect(await organiserSays('subscribe to digests')).toMatch(/digests will be posted in this conversation/);
  await participantConfirms('Wanjiru Kamau');
  const before = connector.received.get(organiserChannel)!.length;
  const run = await digestNow();
  expect(run.status).toBe('done');
  expect(run.results).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ destination: 'email', status: 'sent', confirmations: 1 }),
      expect.objectContaining({ destination: `teams:msteams:${organiserChannel}`, status: 'sent', confirmations: 1 }),
    ]),
  );
  const [posted] = (connector.received.get(organiserChannel) ?? []).slice(before);
  expect(posted!.attachments![0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
  const card = posted!.attachments![0]!.content as { version: string; body: unknown[] };
  expect(card.version).toBe('1.5');
  expect(JSON.stringify(card.body)).toContain('Wanjiru Kamau');
  expect(smtp.mails.at(-1)!.text).toContain('Wanjiru Kamau');
  // Nothing new: nothing more anywhere.
  expect((await digestNow()).results.every((r) => r.status === 'nothing-new')).toBe(true);
  expect(connector.received.get(organiserChannel)!.length).toBe(before + 1);
});

test('when the Teams connector fails, then the Teams digest is kept and sent once the connector is back; email is unaffected', async () => {
  await participantConfirms('Baraka Otieno');
  connector.failWith = 503;
  const failed = await digestNow();
  expect(failed.results.find((r) => r.destination.startsWith('teams:'))).toMatchObject({ status: 'failed' });
  expect(failed.results.find((r) => r.destination === 'email')).toMatchObject({ status: 'sent', confirmations: 1 });
  connector.failWith = undefined;
  const before = connector.received.get(organiserChannel)!.length;
  const retried = await digestNow();
  expect(retried.results.find((r) => r.destination.startsWith('teams:'))).toMatchObject({ status: 'sent', confirmations: 1 });
  expect(retried.results.find((r) => r.destination === 'email')).toMatchObject({ status: 'nothing-new' });
  expect(JSON.stringify(connector.received.get(organiserChannel)!.slice(before))).toContain('Baraka Otieno');
});

test('when an organiser says "digest now" in chat, then it runs; others are refused; "unsubscribe" stops the channel', async () => {
  await participantConfirms('Achieng Odhiambo');
  expect(await organiserSays('digest now')).toMatch(/Digest sent by email: 1 new confirmation/);
  expect(await participant(base, 'not-an-organiser')('digest now')).toMatch(/for the organisers/);
  expect(await organiserSays('unsubscribe')).toMatch(/no longer be posted here/);
  expect(await organiserSays('unsubscribe')).toMatch(/was not subscribed/);
  const history = (await (await fetch(`${base}/api/admin/digests`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { digests: Array<{ status: string }> };
  expect(history.digests.length).toBeGreaterThanOrEqual(4);
  expect(history.digests.every((d) => d.status === 'sent')).toBe(true);
});

test('when the digest API is called without the token, then 401', async () => {
  expect((await fetch(`${base}/api/admin/digest`, { method: 'POST' })).status).toBe(401);
});
