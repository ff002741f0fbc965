import { randomUUID } from 'node:crypto';
import { createApp, type App } from '../../src/app';
import type { Clock } from '../../src/schedule/time';
import type { AnswerSaved, QuestionGroupList, Taught } from '../../src/http/adminContract';
import { ChannelIssuer } from '../helpers/channelIssuer';
import { LoopbackConnector } from '../helpers/connector';
import { AFTER, plain, silentLogger, tempDataDir, testConfig, testStems } from '../helpers/fixtures';
import { postActivity } from '../helpers/http';
import { describePg, pgSchemaUrl } from '../helpers/postgres';

/**
 * The whole loop, as participants and organisers live it: two participants — one in the web chat
 * page (the built-in Direct Line), one in Teams — ask the same question the note does not answer,
 * in other words and languages; the organisers answer once, in both languages, through the API;
 * each participant gets the answer in their language exactly once, through a connector outage and
 * a restart; the answer is taught to the bot, previewed and published, and a third participant
 * then gets it from the bot itself, cited as the organisers'.
 */
const TOKEN = 'questions-admin-token-0123456789';
const WEB_QUESTION = 'Will participants receive a certificate of attendance?';
const TEAMS_QUESTION = 'Est-ce que nous recevrons un certificat de participation ?';
const ANSWER = {
  en: 'Yes: every participant who attends a session receives a certificate of attendance by email within two weeks.',
  fr: 'Oui : chaque participant présent à une séance reçoit une attestation de participation par e-mail sous deux semaines.',
};

const connector = new LoopbackConnector();
const issuer = new ChannelIssuer();
beforeAll(async () => {
  await connector.start();
  await issuer.start();
});
afterAll(async () => {
  await connector.stop();
  await issuer.stop();
});

/** A clock the test moves forward: a retry waits for its time. */
function movable(iso: string): Clock & { advance(ms: number): void } {
  let now = new Date(iso).getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

interface Running {
  app: App;
  base: string;
}

async function start(dataDir: string, clock: Clock, env: Record<string, string>): Promise<Running> {
  const app = await createApp(testConfig(dataDir, { ADMIN_TOKEN: TOKEN, ...issuer.env(), ...env }), { clock, logger: silentLogger, stems: testStems, botCredentials: issuer.credentials() });
  return { app, base: `http://127.0.0.1:${await app.start(0)}` };
}

const admin = (r: Running, path: string, init: RequestInit = {}) => fetch(`${r.base}/api/admin${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

/** A participant of the web chat page, through the built-in Direct Line. */
async function webChat(r: Running) {
  const { token } = (await (await fetch(`${r.base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { token: string };
  const { conversationId } = (await (await fetch(`${r.base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json()) as { conversationId: string };
  const botMessages = async (on: Running) => {
    const res = await fetch(`${on.base}/v3/directline/conversations/${conversationId}/activities`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { activities: Array<{ type: string; text?: string; from: { role?: string }; suggestedActions?: { actions: Array<{ title: string }> } }> };
    return body.activities.filter((a) => a.type === 'message' && a.from.role !== 'user');
  };
  return {
    botMessages,
    /** Says something and resolves with the bot's new messages (text and buttons). */
    async say(text: string): Promise<string> {
      const before = (await botMessages(r)).length;
      await fetch(`${r.base}/v3/directline/conversations/${conversationId}/activities`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text, from: { id: 'web-user' }, locale: 'en-US' }) });
      for (let i = 0; i < 200; i++) {
        const now = await botMessages(r);
        if (now.length > before) return now.slice(before).map((a) => `${a.text ?? ''} [${(a.suggestedActions?.actions ?? []).map((x) => x.title).join(' | ')}]`).join('\n');
        await new Promise((res) => setTimeout(res, 25));
      }
      throw new Error('no reply in web chat');
    },
  };
}

/** A participant in a Teams personal chat: signed requests, replies posted to the loopback connector. */
function teams(userId: string) {
  const conversation = `a:teams-${randomUUID()}`;
  return {
    conversation,
    async say(r: Running, text: string): Promise<string> {
      const before = connector.received.get(conversation)?.length ?? 0;
      const res = await postActivity(
        r.base,
        { text, channelId: 'msteams', serviceUrl: connector.url, locale: 'fr-FR', from: { id: userId, aadObjectId: `aad-${userId}` }, recipient: { id: '28:bot' }, conversation: { id: conversation, conversationType: 'personal' }, channelData: { tenant: { id: 'tenant-1' } } },
        { authorization: await issuer.sign(connector.url) },
      );
      expect(res.status).toBeLessThan(300);
      const all = await connector.waitFor(conversation, before + 1);
      return all.slice(before).map((a) => `${a.text ?? ''} [${(a.suggestedActions?.actions ?? []).map((x) => x.title).join(' | ')}]`).join('\n');
    },
  };
}

async function loop(env: Record<string, string>): Promise<void> {
  const data = tempDataDir();
  const clock = movable(AFTER);
  let r = await start(data.dir, clock, env);
  try {
    // Two participants, two channels, two languages, two wordings: one question.
    const web = await webChat(r);
    const refusal = await web.say(WEB_QUESTION);
    expect(refusal).toMatch(/couldn't find that in the information note.*\[.*Ask the organisers/s);
    expect(await web.say('Ask the organisers')).toContain(WEB_QUESTION);
    expect(await web.say('yes')).toMatch(/email address/);
    expect(await web.say('no')).toMatch(/Sent to the organisers\. When they answer/);

    const amina = teams('29:amina');
    expect(await amina.say(r, TEAMS_QUESTION)).toMatch(/Je ne trouve pas cette information.*\[.*Poser la question aux organisateurs/s);
    expect(await amina.say(r, 'Poser la question aux organisateurs')).toContain(TEAMS_QUESTION);
    await amina.say(r, 'oui');
    expect(await amina.say(r, 'non')).toMatch(/Transmise aux organisateurs\u202f; 1 autre participant a posé la même question/);

    const listed = (await (await admin(r, '/questions?status=open')).json()) as QuestionGroupList;
    expect(listed.groups).toHaveLength(1);
    expect(listed.groups[0]!.askers).toBe(2);
    expect(listed.groups[0]!.questions.map((q) => q.language).sort()).toEqual(['en', 'fr']);
    const groupId = listed.groups[0]!.id;
    // The digest lists the open question once, with how many asked it, in the organisers' language.
    const digestEn = await (await admin(r, '/digest/preview?lang=en')).text();
    expect(digestEn).toMatch(/Questions waiting for the organisers&#39; answer \(1\)/);
    expect(digestEn).toContain('2 participants asked');
    expect(await (await admin(r, '/digest/preview?lang=fr')).text()).toContain('posée par 2 participants');

    // One language missing: refused, and nobody is answered.
    const half = await admin(r, `/questions/${groupId}/answer`, { method: 'POST', body: JSON.stringify({ en: ANSWER.en }) });
    expect(half.status).toBe(400);
    expect(((await half.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'MISSING_LANGUAGE', message: expect.stringMatching(/French/) });

    // Teams' connector is down when the organisers answer.
    connector.failWith = 503;
    const saved = (await (await admin(r, `/questions/${groupId}/answer`, { method: 'POST', body: JSON.stringify(ANSWER) })).json()) as AnswerSaved;
    expect(saved.group.status).toBe('answered');
    await r.app.questions.deliverDue();
    const webAnswers = async (on: Running) => (await web.botMessages(on)).filter((a) => /Answer from the organisers/.test(a.text ?? ''));
    for (let i = 0; i < 100 && (await webAnswers(r)).length === 0; i++) await new Promise((res) => setTimeout(res, 25));
    const [toWeb] = await webAnswers(r);
    expect(toWeb!.text).toContain(WEB_QUESTION);
    expect(toWeb!.text).toContain(ANSWER.en);
    expect(connector.received.get(amina.conversation)!.some((a) => /Réponse des organisateurs/.test(a.text ?? ''))).toBe(false);

    // A restart while the delivery to Teams waits; the connector is back, the retry is due.
    await r.app.stop();
    connector.failWith = undefined;
    clock.advance(3600_000);
    r = await start(data.dir, clock, env);
    await r.app.questions.deliverDue();
    await r.app.questions.deliverDue();
    const toAmina = connector.received.get(amina.conversation)!.filter((a) => /Réponse des organisateurs/.test(a.text ?? ''));
    expect(toAmina).toHaveLength(1);
    expect(toAmina[0]!.text).toContain(TEAMS_QUESTION);
    expect(toAmina[0]!.text).toContain(ANSWER.fr);
    expect(await webAnswers(r)).toHaveLength(1);
    const after = (await (await admin(r, '/questions')).json()) as QuestionGroupList;
    expect(after.groups[0]!.deliveries).toEqual({ pending: 0, sent: 2 });

    // Taught, previewed, published: the bot answers it itself, citing the organisers' answer and its date.
    const taught = (await (await admin(r, `/questions/${groupId}/teach`, { method: 'POST' })).json()) as Taught;
    const preview = (await (await admin(r, '/sources/draft/preview')).json()) as { draft: number; publishable: boolean; changed: string[]; regressions: number };
    expect(preview).toMatchObject({ draft: taught.draft, publishable: true, changed: ['qa'], regressions: 0 });
    expect((await admin(r, '/sources/draft/publish', { method: 'POST' })).status).toBe(200);
    const third = await webChat(r);
    const answered = await third.say('Do we get a certificate for attending?');
    expect(answered).toContain('certificate of attendance by email within two weeks');
    expect(plain(answered)).toContain(`source: organisers' answer, ${AFTER.slice(0, 10)}`);
    expect(answered).not.toMatch(/Ask the organisers/);
  } finally {
    connector.failWith = undefined;
    await r.app.stop();
    data.cleanup();
  }
}

test('when two participants ask the same unanswerable question, then the organisers answer once, each gets it in their language once, and the bot learns it (SQLite)', async () => {
  await loop({});
});

describePg('on PostgreSQL', () => {
  test('when two participants ask the same unanswerable question, then the organisers answer once, each gets it in their language once, and the bot learns it', async () => {
    const schema = pgSchemaUrl();
    try {
      await loop({ DATABASE_URL: schema.url });
    } finally {
      await schema.drop();
    }
  });
});
