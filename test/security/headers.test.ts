import { createApp, type App } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { nonces } from '../../src/http/securityHeaders';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';

const TOKEN = 'headers-admin-token-0123456789';
let app: App;
let base: string;
let data: ReturnType<typeof tempDataDir>;
beforeAll(async () => {
  data = tempDataDir();
  app = await createApp(testConfig(data.dir, { ADMIN_TOKEN: TOKEN }), { clock: fixedClock(AFTER), logger: silentLogger });
  base = `http://127.0.0.1:${await app.start(0)}`;
});
afterAll(async () => {
  await app?.stop();
  data?.cleanup();
});

/** The CSP as a map of directive to its sources. */
function csp(res: Response): Map<string, string[]> {
  const header = res.headers.get('content-security-policy') ?? '';
  return new Map(header.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name!, values]));
}

describe('security headers', () => {
  test.each(['/', '/organiser'])('when %s is fetched, then it comes with a CSP whose inline scripts need this response’s nonce, nosniff and no referrer', async (path) => {
    const [a, b] = [await fetch(`${base}${path}`), await fetch(`${base}${path}`)];
    const policy = csp(a);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).not.toContain("'unsafe-inline'");
    expect(policy.get('script-src')).not.toContain("'unsafe-eval'");
    const nonce = /'nonce-([^']+)'/.exec(policy.get('script-src')!.join(' '))![1]!;
    const html = await a.text();
    const inline = html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)!;
    expect(inline.length).toBeGreaterThan(0);
    for (const tag of inline) expect(tag).toContain(`nonce="${nonce}"`);
    expect(csp(b).get('script-src')!.join(' ')).not.toContain(nonce);
    expect(a.headers.get('x-content-type-options')).toBe('nosniff');
    expect(a.headers.get('referrer-policy')).toBe('no-referrer');
    expect(a.headers.get('x-powered-by')).toBeNull();
  });

  test('when nonces are drawn past several batches of the generator, then each is 128 bits and none repeats', () => {
    const next = nonces(4);
    const drawn = Array.from({ length: 1000 }, next);
    for (const n of drawn) expect(Buffer.from(n, 'base64')).toHaveLength(16);
    expect(new Set(drawn).size).toBe(drawn.length);
  });

  test('when the organiser tab is fetched, then Teams and Microsoft 365 may frame it and nothing else may', async () => {
    const res = await fetch(`${base}/organiser`);
    const ancestors = csp(res).get('frame-ancestors')!;
    for (const host of ['https://teams.microsoft.com', 'https://*.teams.microsoft.com', 'https://*.office.com', 'https://outlook.office.com', 'https://*.cloud.microsoft', 'https://*.microsoft365.com', 'https://*.skype.com']) expect(ancestors).toContain(host);
    expect(ancestors).not.toContain('*');
    expect(ancestors).not.toContain('https:');
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  test('when the participants’ page or the API is fetched, then only this origin may frame it', async () => {
    for (const path of ['/', '/api/health']) {
      const res = await fetch(`${base}${path}`);
      expect(csp(res).get('frame-ancestors')).toEqual(["'self'"]);
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  test('when Azure Direct Line is configured, then the page may connect to it (https and wss) and to nothing else', async () => {
    const other = tempDataDir();
    const azure = await createApp(testConfig(other.dir, { DIRECT_LINE_SECRET: 'secret-for-the-test' }), { clock: fixedClock(AFTER), logger: silentLogger });
    try {
      const port = await azure.start(0);
      const connect = csp(await fetch(`http://127.0.0.1:${port}/`)).get('connect-src');
      expect(connect).toEqual(["'self'", 'https://directline.botframework.com', 'wss://directline.botframework.com']);
    } finally {
      await azure.stop();
      other.cleanup();
    }
  });
});
