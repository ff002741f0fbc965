import express, { type Request } from 'express';
import { localeSection } from '../i18n';

type Lang = 'en' | 'fr';
type PageName = 'privacy' | 'terms';

interface Section {
  readonly heading: string;
  readonly paragraphs?: readonly string[];
  readonly items?: readonly string[];
}
interface Page {
  readonly title: string;
  readonly intro: string;
  readonly sections: readonly Section[];
}
interface LegalStrings {
  readonly site: string;
  readonly nav: Readonly<{ label: string; assistant: string; privacy: string; terms: string; otherLanguage: string }>;
  readonly privacy: Page;
  readonly terms: Page;
}

export interface LegalPagesDeps {
  readonly localesDir: string;
  /** RETENTION_DAYS, as the privacy page states it. */
  readonly retentionDays: number;
  /** The organisers' addresses, from the live sources. */
  readonly organisers: () => readonly string[];
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's language: ?lang=, else the browser's preference (Teams opens the page in the user's browser), else English. */
function pageLanguage(req: Request): Lang {
  const asked = req.query['lang'];
  if (asked === 'fr' || asked === 'en') return asked;
  return req.acceptsLanguages('en', 'fr') === 'fr' ? 'fr' : 'en';
}

function renderPage(s: LegalStrings, name: PageName, lang: Lang, deps: LegalPagesDeps): string {
  const page = s[name];
  const organisers = deps.organisers().map((a) => `<a href="mailto:${escapeHtml(a)}">${escapeHtml(a)}</a>`).join(lang === 'fr' ? ' et ' : ' and ');
  // Strings come from locales/, escaped, then the two values the pages state are put in.
  const text = (t: string) => escapeHtml(t).replaceAll('{{days}}', String(deps.retentionDays)).replaceAll('{{organisers}}', organisers);
  const other: Lang = lang === 'en' ? 'fr' : 'en';
  const otherPage: PageName = name === 'privacy' ? 'terms' : 'privacy';
  const section = (x: Section) =>
    `<section>\n<h2>${text(x.heading)}</h2>\n${(x.paragraphs ?? []).map((p) => `<p>${text(p)}</p>`).join('\n')}${x.items ? `<ul>\n${x.items.map((i) => `<li>${text(i)}</li>`).join('\n')}\n</ul>` : ''}\n</section>`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text(page.title)} — ${text(s.site)}</title>
<link rel="alternate" hreflang="${other}" href="/${name}?lang=${other}">
<style>
  body { margin: 0; font-family: 'Segoe UI', system-ui, sans-serif; line-height: 1.5; color: #1b1b1b; background: #f4f6f8; }
  header { background: #0b5394; color: #fff; padding: 10px 16px; }
  header a { color: #fff; }
  nav { display: flex; flex-wrap: wrap; gap: 16px; }
  main { max-width: 760px; margin: 0 auto; padding: 8px 20px 32px; background: #fff; }
  h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.6em; }
  a { color: #0b5394; }
</style>
</head>
<body>
<header>
<nav aria-label="${text(s.nav.label)}">
<a href="/">${text(s.nav.assistant)}</a>
<a href="/${otherPage}?lang=${lang}">${text(s.nav[otherPage])}</a>
<a href="/${name}?lang=${other}" hreflang="${other}" lang="${other}">${text(s.nav.otherLanguage)}</a>
</nav>
</header>
<main>
<h1>${text(page.title)}</h1>
<p>${text(page.intro)}</p>
${page.sections.map(section).join('\n')}
</main>
</body>
</html>`;
}

/**
 * The privacy and terms pages (/privacy, /terms) that the Teams manifest links to: plain
 * server-rendered HTML in either language, no script, so that the site's Content-Security-Policy
 * holds as it is. What they say of retention follows RETENTION_DAYS; whom to write to, the sources.
 */
export function legalPages(deps: LegalPagesDeps): express.Router {
  const strings = localeSection(deps.localesDir, 'legal') as Record<Lang, LegalStrings>;
  const router = express.Router();
  for (const name of ['privacy', 'terms'] as const) {
    router.get(`/${name}`, (req, res) => {
      const lang = pageLanguage(req);
      res.set({ 'Content-Language': lang, Vary: 'Accept-Language', 'Cache-Control': 'public, max-age=300' });
      res.type('html').send(renderPage(strings[lang], name, lang, deps));
    });
  }
  return router;
}
