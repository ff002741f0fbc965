/**
 * A minimal chat page served at "/": it talks to /api/messages with deliveryMode expectReplies,
 * so it works on an installation with no Azure and no Direct Line (only while the bot runs without
 * MicrosoftAppId, as with the Emulator). Text is inserted with textContent: nothing is parsed as HTML.
 */
export function webChatPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Participant assistant — UNEA 4/19 consultations</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f6f8; color: #1b1b1b; }
  header { background: #0b5394; color: #fff; padding: 12px 16px; display: flex; justify-content: space-between; align-items: center; }
  header h1 { font-size: 1.05rem; margin: 0; }
  header button { background: #fff; color: #0b5394; border: 0; border-radius: 4px; padding: 4px 10px; cursor: pointer; }
  main { max-width: 760px; margin: 0 auto; padding: 12px; display: flex; flex-direction: column; height: calc(100vh - 56px); box-sizing: border-box; }
  #log { flex: 1; overflow-y: auto; display: flex; flex-direction: column; gap: 8px; padding-bottom: 8px; }
  .msg { padding: 8px 12px; border-radius: 8px; max-width: 85%; white-space: pre-wrap; line-height: 1.4; }
  .user { align-self: flex-end; background: #0b5394; color: #fff; }
  .bot { align-self: flex-start; background: #fff; border: 1px solid #d0d7de; }
  .bot blockquote { margin: 6px 0; padding-left: 8px; border-left: 3px solid #9bb7d4; color: #444; }
  .chips { display: flex; gap: 6px; flex-wrap: wrap; }
  .chips button { border: 1px solid #0b5394; background: #fff; color: #0b5394; border-radius: 14px; padding: 4px 10px; cursor: pointer; }
  form { display: flex; gap: 8px; }
  input { flex: 1; padding: 10px; border: 1px solid #aab; border-radius: 6px; font-size: 1rem; }
  form button { padding: 10px 16px; border: 0; border-radius: 6px; background: #0b5394; color: #fff; font-size: 1rem; }
</style>
</head>
<body>
<header><h1 id="title">Participant assistant — UNEA 4/19</h1><button id="lang" type="button">FR</button></header>
<main>
  <div id="log" aria-live="polite"></div>
  <form id="form"><input id="text" autocomplete="off" maxlength="2000" aria-label="Message"><button id="send">Send</button></form>
</main>
<script>
(() => {
  const ui = {
    en: { title: 'Participant assistant — UNEA 4/19', send: 'Send', placeholder: 'Ask a question…', other: 'FR', error: 'The assistant could not be reached. Please try again.' },
    fr: { title: 'Assistant des participants — ANUE 4/19', send: 'Envoyer', placeholder: 'Posez une question…', other: 'EN', error: "L'assistant est injoignable. Veuillez réessayer." },
  };
  let lang = (navigator.language || 'en').toLowerCase().startsWith('fr') ? 'fr' : 'en';
  const stored = localStorage.getItem('pa-lang'); if (stored === 'en' || stored === 'fr') lang = stored;
  let conversation = localStorage.getItem('pa-conversation');
  if (!conversation) { conversation = 'web-' + crypto.randomUUID(); localStorage.setItem('pa-conversation', conversation); }
  let user = localStorage.getItem('pa-user');
  if (!user) { user = 'web-user-' + crypto.randomUUID(); localStorage.setItem('pa-user', user); }
  const $ = (id) => document.getElementById(id);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  function applyUi() {
    document.documentElement.lang = lang;
    $('title').textContent = ui[lang].title; $('send').textContent = ui[lang].send;
    $('text').placeholder = ui[lang].placeholder; $('lang').textContent = ui[lang].other;
  }
  function render(text, who) {
    const div = document.createElement('div'); div.className = 'msg ' + who;
    for (const block of String(text).split(/\\n\\n+/)) {
      const el = document.createElement(block.startsWith('> ') ? 'blockquote' : 'div');
      const body = block.replace(/^> /gm, '');
      body.split(/(\\*\\*[^*]+\\*\\*)/).forEach((piece) => {
        if (/^\\*\\*[^*]+\\*\\*$/.test(piece)) { const b = document.createElement('strong'); b.textContent = piece.slice(2, -2); el.appendChild(b); }
        else el.appendChild(document.createTextNode(piece.replace(/^\\*(.*)\\*$/gm, '$1')));
      });
      div.appendChild(el);
    }
    $('log').appendChild(div); $('log').scrollTop = $('log').scrollHeight;
  }
  function chips(actions) {
    if (!actions || !actions.length) return;
    const box = document.createElement('div'); box.className = 'chips';
    for (const a of actions) { const b = document.createElement('button'); b.type = 'button'; b.textContent = a.title; b.onclick = () => send(String(a.value)); box.appendChild(b); }
    $('log').appendChild(box);
  }
  async function post(activity) {
    const res = await fetch('/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({
      id: crypto.randomUUID(), timestamp: new Date().toISOString(), channelId: 'webchat', serviceUrl: location.origin + '/',
      deliveryMode: 'expectReplies', from: { id: user, role: 'user' }, recipient: { id: 'bot', role: 'bot' },
      conversation: { id: conversation }, locale: lang === 'fr' ? 'fr-FR' : 'en-US', localTimezone: zone, ...activity }) });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const body = await res.json().catch(() => ({}));
    for (const a of body.activities || []) if (a.type === 'message') { render(a.text || '', 'bot'); chips(a.suggestedActions && a.suggestedActions.actions); }
  }
  async function send(text) {
    if (!text.trim()) return;
    render(text, 'user');
    try { await post({ type: 'message', text }); } catch { render(ui[lang].error, 'bot'); }
  }
  $('form').onsubmit = (e) => { e.preventDefault(); const t = $('text').value; $('text').value = ''; send(t); };
  $('lang').onclick = () => { lang = lang === 'en' ? 'fr' : 'en'; localStorage.setItem('pa-lang', lang); applyUi(); send(lang === 'fr' ? 'en français' : 'in English'); };
  applyUi();
  post({ type: 'conversationUpdate', membersAdded: [{ id: user }] }).catch(() => render(ui[lang].error, 'bot'));
})();
</script>
</body>
</html>`;
}
