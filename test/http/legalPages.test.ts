import { createApp } from '../../src/app';
import { filledManifest } from '../../deploy/teams/package';
import { silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c))).replace(/\s+/g, ' ');

describe('the privacy and terms pages', () => {
  let base: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const data = tempDataDir();
    const app = await createApp(testConfig(data.dir, { RETENTION_DAYS: '45' }), { logger: silentLogger });
    base = `http://127.0.0.1:${await app.start(0)}`;
    stop = async () => (await app.stop(), data.cleanup());
  });
  afterAll(() => stop());
  const get = (path: string, language?: string) => fetch(`${base}${path}`, { headers: language ? { 'accept-language': language } : {} });

  test.each([
    ['en', '/privacy?lang=en', undefined, [/What is kept/, /name, email address, organisation/, /deleted 45 days after their last message/, /Say "delete my data"/, /Catherine\.Mwangi@un\.org and Robert\.Wabunoha@un\.org/]],
    ['fr', '/privacy?lang=fr', undefined, [/Ce qui est conservé/, /nom, adresse e-mail, organisation/, /supprimées 45 jours après leur dernier message/, /« supprimer mes données »/, /Catherine\.Mwangi@un\.org et Robert\.Wabunoha@un\.org/]],
    ['fr', '/privacy', 'fr-FR,fr;q=0.9,en;q=0.5', [/Confidentialité/]],
    ['en', '/terms', 'en-GB', [/Terms of use/, /The note is authoritative/, /also confirm by email to the organisers/]],
    ['fr', '/terms?lang=fr', 'en-GB', [/Conditions d'utilisation/, /La note fait foi/]],
  ] as Array<[string, string, string | undefined, RegExp[]]>)('when %s is wanted (%s, Accept-Language %s), then the page says it in that language', async (lang, path, language, says) => {
    const res = await get(path, language);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-language')).toBe(lang);
    const html = await res.text();
    expect(html).toMatch(new RegExp(`<html lang="${lang}">`));
    for (const s of says) expect(text(html)).toMatch(s);
  });

  test('when a page is served, then it runs no script, keeps the site’s Content-Security-Policy and links the other page, the other language and the chat', async () => {
    const res = await get('/privacy?lang=en');
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self' 'nonce-/);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(html).toContain('href="/terms?lang=en"');
    expect(html).toContain('href="/privacy?lang=fr"');
    expect(html).toContain('href="/"');
    expect(html).toContain('href="mailto:Catherine.Mwangi@un.org"');
  });

  test('when the Teams package is built, then its privacy and terms links are these pages', async () => {
    const { manifest } = filledManifest({ botId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', hostName: 'assistant.example.org' });
    const developer = manifest['developer'] as { privacyUrl: string; termsOfUseUrl: string };
    for (const url of [developer.privacyUrl, developer.termsOfUseUrl]) {
      const { pathname, hash } = new URL(url);
      expect(hash).toBe('');
      expect((await get(pathname)).status).toBe(200);
    }
    expect(developer.privacyUrl).toBe('https://assistant.example.org/privacy');
    expect(developer.termsOfUseUrl).toBe('https://assistant.example.org/terms');
  });
});
