import type { Request } from 'express';

/** The language a page starts in before its script runs: ?lang=, else the browser's first choice. */
export function preferredLang(req: Request): 'en' | 'fr' {
  const hint = typeof req.query['lang'] === 'string' ? req.query['lang'] : (req.headers['accept-language'] ?? '');
  return /^\s*fr\b/i.test(hint) ? 'fr' : 'en';
}

/**
 * The participants' page at "/": the official Web Chat (its bundle served by this app, no CDN),
 * talking to the Direct Line endpoint the app serves (or to Azure Direct Line through the token
 * endpoint). Its UI strings follow the browser's language, with a visible FR/EN switch, and then the
 * language the bot answers in: the page's `lang` is always the language shown, so screen readers read
 * it with the right voice. The conversation survives a reload (token and conversation kept in the
 * browser, history replayed). Its scripts carry the response's CSP nonce (see securityHeaders.ts).
 */
export function webChatPage(strings: string, nonce: string, lang: 'en' | 'fr' = 'en'): string {
  const title = (JSON.parse(strings) as Record<string, { title: string }>)[lang]?.title ?? '';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${PAGE_STYLE}</head>
<body>
<header><h1 id="title">${escapeHtml(title)}</h1><button id="lang" type="button"></button></header>
<main><div id="error" role="alert"></div><div id="webchat"></div></main>
<script src="/webchat/webchat.js" nonce="${nonce}"></script>
<script nonce="${nonce}">
${pageScript(strings)}</script>
</body>
</html>`;
}

/** The page's look: Web Chat in the middle, a header with the language switch; large enough targets, no motion if asked. */
const PAGE_STYLE = `<style>
  html, body { height: 100%; margin: 0; font-family: 'Segoe UI', system-ui, sans-serif; background: #f4f6f8; }
  header { background: #0b5394; color: #fff; padding: 8px 16px; display: flex; justify-content: space-between; align-items: center; gap: 8px; }
  header h1 { font-size: 1.05rem; margin: 0; }
  header button { background: #fff; color: #0b5394; border: 2px solid #fff; border-radius: 4px; padding: 6px 12px; min-height: 32px; cursor: pointer; font: inherit; font-weight: 600; }
  header button:focus-visible { outline: 3px solid #fff; outline-offset: 2px; }
  main { max-width: 820px; margin: 0 auto; height: calc(100% - 52px); background: #fff; box-shadow: 0 0 8px rgba(0,0,0,.08); }
  #webchat { height: 100%; }
  #error { display: none; padding: 16px; color: #a00; }
  /* Targets of at least 24 by 24 px (WCAG 2.5.8): the references' disclosure and the feedback buttons. */
  .webchat__link-definitions__header { min-height: 24px; display: flex; align-items: center; }
  .webchat__thumb-button { min-width: 24px; min-height: 24px; }
  @media (prefers-reduced-motion: reduce) {
    *, ::before, ::after { animation-duration: 0.01ms !important; animation-iteration-count: 1 !important; transition-duration: 0.01ms !important; scroll-behavior: auto !important; }
  }
</style>
`;

/** The page's script: its language and switch, the Direct Line token (kept across reloads), and Web Chat itself. */
function pageScript(strings: string): string {
  return `(async () => {
  const ui = ${strings};
  const stored = (k) => { try { return JSON.parse(localStorage.getItem(k) || 'null'); } catch { return null; } };
  const $ = (id) => document.getElementById(id);
  let lang = stored('pa-lang') || document.documentElement.lang || 'en';
  // The page's language, title and switch, before anything else (also when the bot cannot be reached).
  const label = () => {
    document.documentElement.lang = lang;
    document.title = ui[lang].title;
    $('title').textContent = ui[lang].title;
    $('lang').textContent = ui[lang].switchShort;
    // The name starts with the visible text ("FR"), then says it in full.
    $('lang').setAttribute('aria-label', ui[lang].switchShort + ' — ' + ui[lang].switchLabel);
  };
  label();
  try {
    const previous = stored('pa-conversation');
    const res = await fetch('/api/directline/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: previous && previous.token, user: stored('pa-user') }) });
    if (!res.ok) throw new Error('token ' + res.status);
    // The server chooses the user id and binds it to the token; the ticket keeps it across reloads.
    const { token, conversationId, domain, resumed, userId: userID, user } = await res.json();
    localStorage.setItem('pa-conversation', JSON.stringify({ token, conversationId }));
    if (user) localStorage.setItem('pa-user', JSON.stringify(user));
    const directLine = window.WebChat.createDirectLine({
      token, conversationId, domain: domain || (location.origin + '/v3/directline'), webSocket: true,
    });
    const setLang = (next) => {
      if (next === lang) return;
      lang = next;
      localStorage.setItem('pa-lang', JSON.stringify(lang));
      render();
    };
    // When the bot answers in the other language, the page follows: what is shown and its lang agree.
    const store = window.WebChat.createStore({}, () => (next) => (action) => {
      const a = action.type === 'DIRECT_LINE/INCOMING_ACTIVITY' ? action.payload.activity : undefined;
      if (a && a.type === 'message' && a.from && a.from.role === 'bot' && typeof a.locale === 'string') {
        const shown = a.locale.toLowerCase().startsWith('fr') ? 'fr' : 'en';
        if (shown !== lang) setTimeout(() => setLang(shown));
      }
      return next(action);
    });
    const render = () => {
      label();
      window.WebChat.renderWebChat({
        directLine, store, userID, username: 'Participant', locale: ui[lang].locale,
        styleOptions: { accent: '#0b5394', bubbleBorderRadius: 8, bubbleFromUserBackground: '#e3eefa', suggestedActionLayout: 'flow', hideUploadButton: true },
      }, $('webchat'));
    };
    render();
    if (!resumed) directLine.postActivity({ type: 'event', name: 'webchat/join', from: { id: userID, name: 'Participant', role: 'user' }, locale: ui[lang].locale, value: { locale: ui[lang].locale } }).subscribe();
    $('lang').onclick = () => {
      setLang(lang === 'en' ? 'fr' : 'en');
      directLine.postActivity({ type: 'message', text: ui[lang].switchText, from: { id: userID, name: 'Participant', role: 'user' }, locale: ui[lang].locale }).subscribe();
    };
  } catch (e) {
    $('error').style.display = 'block';
    $('error').textContent = ui[lang].error;
  }
})();
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
