/**
 * The participants' page at "/": the official Web Chat (its bundle served by this app, no CDN),
 * talking to the Direct Line endpoint the app serves (or to Azure Direct Line through the token
 * endpoint). Its UI strings follow the browser's language, with a visible FR/EN switch; the
 * conversation survives a reload (token and conversation kept in the browser, history replayed).
 * Its scripts carry the response's CSP nonce (see securityHeaders.ts): no other script runs.
 */
export function webChatPage(strings: string, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Participant assistant — UNEA 4/19 consultations</title>
<style>
  html, body { height: 100%; margin: 0; font-family: 'Segoe UI', system-ui, sans-serif; background: #f4f6f8; }
  header { background: #0b5394; color: #fff; padding: 10px 16px; display: flex; justify-content: space-between; align-items: center; gap: 8px; }
  header h1 { font-size: 1.05rem; margin: 0; }
  header button { background: #fff; color: #0b5394; border: 0; border-radius: 4px; padding: 6px 12px; cursor: pointer; font-weight: 600; }
  main { max-width: 820px; margin: 0 auto; height: calc(100% - 52px); background: #fff; box-shadow: 0 0 8px rgba(0,0,0,.08); }
  #webchat { height: 100%; }
  #error { display: none; padding: 16px; color: #a00; }
</style>
</head>
<body>
<header><h1 id="title">Participant assistant — UNEA 4/19</h1><button id="lang" type="button"></button></header>
<main><div id="error" role="alert"></div><div id="webchat" role="main"></div></main>
<script src="/webchat/webchat.js" nonce="${nonce}"></script>
<script nonce="${nonce}">
(async () => {
  const ui = ${strings};
  const stored = (k) => { try { return JSON.parse(localStorage.getItem(k) || 'null'); } catch { return null; } };
  let lang = stored('pa-lang') || ((navigator.language || 'en').toLowerCase().startsWith('fr') ? 'fr' : 'en');
  const $ = (id) => document.getElementById(id);
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
    const render = () => {
      document.documentElement.lang = lang;
      $('title').textContent = ui[lang].title;
      $('lang').textContent = ui[lang].switchShort;
      $('lang').setAttribute('aria-label', ui[lang].switchLabel);
      window.WebChat.renderWebChat({
        directLine, userID, username: 'Participant', locale: ui[lang].locale,
        styleOptions: { accent: '#0b5394', bubbleBorderRadius: 8, bubbleFromUserBackground: '#e3eefa', suggestedActionLayout: 'flow', hideUploadButton: true },
      }, $('webchat'));
    };
    render();
    if (!resumed) directLine.postActivity({ type: 'event', name: 'webchat/join', from: { id: userID, name: 'Participant', role: 'user' }, locale: ui[lang].locale, value: { locale: ui[lang].locale } }).subscribe();
    $('lang').onclick = () => {
      lang = lang === 'en' ? 'fr' : 'en';
      localStorage.setItem('pa-lang', JSON.stringify(lang));
      render();
      directLine.postActivity({ type: 'message', text: ui[lang].switchText, from: { id: userID, name: 'Participant', role: 'user' }, locale: ui[lang].locale }).subscribe();
    };
  } catch (e) {
    $('error').style.display = 'block';
    $('error').textContent = ui[lang].error;
  }
})();
</script>
</body>
</html>`;
}
