import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { ROOT, SOURCES_DIR } from '../helpers/fixtures';
import { EntraIssuer } from '../helpers/channelIssuer';
import { startApp, type StartedApp } from '../helpers/app';

const ADMIN_TOKEN = 'teams-sign-in-admin-token-0123';

/** The organiser tab's calls when Teams signs the organiser in: an Entra ID token instead of the admin token. */
describe('the admin API with Teams sign-in (Entra ID tokens)', () => {
  const entra = new EntraIssuer();
  const organiser = randomUUID();
  const admin = randomUUID();
  const stranger = randomUUID();
  let started: StartedApp;

  beforeAll(async () => {
    await entra.start();
    started = await startApp({ ...entra.env(), ADMIN_TOKEN, ORGANISER_IDS: `${organiser.toUpperCase()}, some-teams-user-id`, ADMIN_IDS: admin });
  });
  afterAll(async () => {
    await started.stop();
    await entra.stop();
  });

  const call = async (bearer: string) => {
    const res = await fetch(`${started.base}/api/admin/confirmations`, { headers: { authorization: `Bearer ${bearer}` } });
    const body = (await res.json()) as { confirmations?: unknown[]; error?: { code: string; message: string } };
    return { status: res.status, body };
  };

  test('when an organiser signed in through Teams calls, then the API answers', async () => {
    const { status, body } = await call(await entra.token(organiser));
    expect(status).toBe(200);
    expect(body.confirmations).toEqual([]);
  });

  test('when the token is a v1 token for the client id, or an admin listed in ADMIN_IDS signs in, then the API answers too', async () => {
    const v1 = await entra.token(organiser, { claims: { iss: `https://sts.windows.net/${entra.tenantId}/`, aud: entra.clientId, ver: '1.0' } });
    expect((await call(v1)).status).toBe(200);
    expect((await call(await entra.token(admin))).status).toBe(200);
  });

  test('when someone signed in is not an organiser, then 403 NOT_ORGANISER names their object id', async () => {
    const { status, body } = await call(await entra.token(stranger));
    expect(status).toBe(403);
    expect(body.error?.code).toBe('NOT_ORGANISER');
    expect(body.error?.message).toContain(stranger);
    expect(body.error?.message).toMatch(/ORGANISER_IDS/);
  });

  test.each([
    ['expired', () => entra.token(organiser, { expiresIn: '-2h' }), /expired/],
    ['for another app (audience)', () => entra.token(organiser, { claims: { aud: `api://${entra.host}/${randomUUID()}` } }), /not for this app/],
    ['from another tenant', () => entra.token(organiser, { claims: { tid: randomUUID() } }), /tenant/],
    ['from another tenant, issuer and tid alike', () => entra.token(organiser, { claims: { tid: 'x', iss: `https://login.microsoftonline.com/${randomUUID()}/v2.0` } }), /not issued by an allowed/],
    ['from another issuer', () => entra.token(organiser, { claims: { iss: 'https://evil.example.org/v2.0' } }), /not issued by an allowed/],
    ['signed with a key Entra ID does not publish', () => entra.token(organiser, { forge: true }), /not signed by a key/],
  ])('when the token is %s, then 401 says why and nothing is shown', async (_what, make, reason) => {
    const { status, body } = await call(await make());
    expect(status).toBe(401);
    expect(body.error?.code).toBe('UNAUTHORIZED');
    expect(body.error?.message).toMatch(reason);
    expect(body.confirmations).toBeUndefined();
  });

  test('when a token has no object id, then it is refused', async () => {
    const { status } = await call(await entra.token('', { claims: { oid: undefined } }));
    expect(status).toBe(401);
  });

  test('when the admin token is used, then it still works; a wrong one is refused', async () => {
    expect((await call(ADMIN_TOKEN)).status).toBe(200);
    expect((await call(`${ADMIN_TOKEN}x`)).status).toBe(401);
  });

  test('when the tab page is served, then it tells its script that Teams sign-in is on', async () => {
    const html = await (await fetch(`${started.base}/organiser`)).text();
    expect(html).toMatch(/"teamsSignIn":\s*true/);
  });
});

describe('the admin API with Teams sign-in only (no admin token)', () => {
  const entra = new EntraIssuer();
  const organiser = randomUUID();
  let started: StartedApp;
  beforeAll(async () => {
    await entra.start();
    started = await startApp({ ...entra.env(), ORGANISER_IDS: organiser });
  });
  afterAll(async () => {
    await started.stop();
    await entra.stop();
  });

  test('when no ADMIN_TOKEN is set, then organisers signed in through Teams get in and a made-up bearer does not', async () => {
    const ok = await fetch(`${started.base}/api/admin/events`, { headers: { authorization: `Bearer ${await entra.token(organiser)}` } });
    expect(ok.status).toBe(200);
    const refused = await fetch(`${started.base}/api/admin/events`, { headers: { authorization: 'Bearer undefined' } });
    expect(refused.status).toBe(401);
  });

  test('when the tab page is served, then it tells its script to sign in through Teams only (there is no token to ask for)', async () => {
    const html = await (await fetch(`${started.base}/organiser`)).text();
    expect(html).toMatch(/"teamsSignIn":\s*true/);
    expect(html).toMatch(/"tokenSignIn":\s*false/);
  });
});

describe('the Teams sign-in settings', () => {
  const clientId = randomUUID();
  const tenant = randomUUID();
  const load = (env: Record<string, string>) => loadConfig({ SOURCES_DIR, ...env }, ROOT);

  test('when a client id is set without any tenant, then start-up refuses and names AAD_TENANT_IDS', () => {
    expect(() => load({ AAD_APP_CLIENT_ID: clientId })).toThrow(/AAD_TENANT_IDS/);
    expect(() => load({ AAD_APP_CLIENT_ID: 'my-tab', AAD_TENANT_IDS: tenant })).toThrow(/AAD_APP_CLIENT_ID/);
  });

  test('when only the client id and tenant are set, then the URI comes from PUBLIC_URL and the keys from that tenant', () => {
    const config = load({ AAD_APP_CLIENT_ID: clientId, MicrosoftAppTenantId: tenant, PUBLIC_URL: 'https://bot.example.org' });
    expect(config.teamsSignIn).toEqual({ clientId, applicationIdUri: `api://bot.example.org/${clientId}`, tenantIds: [tenant], jwksUrl: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys` });
    expect(load({}).teamsSignIn).toBeUndefined();
  });
});
