/**
 * The organisers' tab at /organiser: in Teams (through @microsoft/teams-js, served by this app) it
 * takes the user's locale and theme from the context; in a plain browser it works the same. It asks
 * for the admin token, then shows the confirmations (filter, search, follow-up, CSV export), a
 * preview of the digest with "send now", the unanswered questions and the feedback. Every string
 * comes from locales/; text from the server is inserted with textContent, never as HTML (the
 * digest preview, HTML the server escaped, goes into a sandboxed iframe). Its scripts carry the
 * response's CSP nonce (see securityHeaders.ts).
 */
export function organiserPage(strings: string, events: string, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Organisers — participant assistant</title>
<style>
  :root { --bg: #f5f5f5; --panel: #fff; --text: #242424; --muted: #616161; --accent: #0b5394; --line: #e0e0e0; }
  body.theme-dark { --bg: #1f1f1f; --panel: #292929; --text: #fff; --muted: #adadad; --accent: #7f9fe0; --line: #3d3d3d; }
  body.theme-contrast { --bg: #000; --panel: #000; --text: #fff; --muted: #fff; --accent: #ffff01; --line: #fff; }
  body { margin: 0; font-family: 'Segoe UI', system-ui, sans-serif; background: var(--bg); color: var(--text); }
  header { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; justify-content: space-between; padding: 10px 16px; background: var(--panel); border-bottom: 1px solid var(--line); }
  h1 { font-size: 1.05rem; margin: 0; }
  button, select, input { font: inherit; color: var(--text); background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; }
  button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
  nav { display: flex; gap: 4px; padding: 8px 16px; flex-wrap: wrap; }
  nav button[aria-selected="true"] { border-color: var(--accent); color: var(--accent); font-weight: 600; }
  section { padding: 8px 16px 24px; }
  .toolbar { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 8px; align-items: center; }
  .toolbar input[type=search] { flex: 1 1 240px; }
  table { width: 100%; border-collapse: collapse; background: var(--panel); }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; font-size: 14px; }
  .muted { color: var(--muted); }
  #status { min-height: 1.2em; padding: 0 16px; color: var(--muted); }
  iframe { width: 100%; height: 60vh; border: 1px solid var(--line); background: #fff; }
  @media (max-width: 700px) {
    table, thead, tbody, tr, th, td { display: block; }
    thead { display: none; }
    tr { border: 1px solid var(--line); margin-bottom: 8px; border-radius: 6px; }
    td { border: 0; padding: 4px 8px; }
    td::before { content: attr(data-label) ": "; font-weight: 600; }
  }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<header><h1 id="title"></h1><div><button id="lang" type="button"></button> <button id="signout" type="button" hidden></button></div></header>
<form id="login" style="padding:16px" hidden>
  <p id="tokenPrompt"></p>
  <label><span id="tokenLabel"></span> <input id="token" type="password" autocomplete="off" required></label>
  <button class="primary" id="signin"></button>
  <p id="loginError" role="alert" class="muted"></p>
</form>
<div id="app" hidden>
  <nav role="tablist">
    <button role="tab" data-tab="confirmations" aria-selected="true"></button>
    <button role="tab" data-tab="digest"></button>
    <button role="tab" data-tab="unanswered"></button>
    <button role="tab" data-tab="feedback"></button>
    <button role="tab" data-tab="sources"></button>
  </nav>
  <p id="status" role="status"></p>
  <section data-panel="confirmations">
    <div class="toolbar">
      <select id="fEvent"></select><select id="fStatus"></select><select id="fFollow"></select>
      <input id="search" type="search"><button id="export" type="button"></button>
      <span id="count" class="muted"></span>
    </div>
    <table><thead><tr id="cHead"></tr></thead><tbody id="cBody"></tbody></table>
  </section>
  <section data-panel="digest" hidden>
    <div class="toolbar"><strong id="previewTitle"></strong><button class="primary" id="sendNow" type="button"></button></div>
    <iframe id="preview" title="digest" sandbox=""></iframe>
  </section>
  <section data-panel="unanswered" hidden><table><thead><tr id="uHead"></tr></thead><tbody id="uBody"></tbody></table></section>
  <section data-panel="feedback" hidden><table><thead><tr id="fbHead"></tr></thead><tbody id="fbBody"></tbody></table></section>
  <section data-panel="sources" hidden>
    <p id="srcStatus"></p>
    <form id="upload" class="toolbar">
      <select id="srcName" required></select>
      <input id="srcFile" type="file" required accept=".md,.txt,.pdf,.json,.yaml,.yml,.csv">
      <button class="primary" id="srcUpload"></button>
    </form>
    <ul id="srcProblems" role="alert"></ul>
    <div class="toolbar"><button id="srcPreview" type="button"></button><button class="primary" id="srcPublish" type="button"></button><button id="srcDiscard" type="button"></button></div>
    <table><thead><tr id="pvHead"></tr></thead><tbody id="pvBody"></tbody></table>
    <h2 id="versionsTitle" style="font-size:1rem"></h2>
    <table><thead><tr id="vHead"></tr></thead><tbody id="vBody"></tbody></table>
  </section>
</div>
<script src="/teams/MicrosoftTeams.min.js" nonce="${nonce}"></script>
<script nonce="${nonce}">
(async () => {
  const S = ${strings};
  const EVENTS = ${events};
  const FOLLOW = ['new', 'registration-link-sent', 'test-session-done'];
  const $ = (id) => document.getElementById(id);
  let lang = (navigator.language || 'en').toLowerCase().startsWith('fr') ? 'fr' : 'en';
  let token = sessionStorage.getItem('pa-admin-token') || '';
  let confirmations = [];
  const L = (path, vars) => {
    let v = path.split('.').reduce((o, k) => (o == null ? o : o[k]), S[lang].organiserTab);
    if (typeof v !== 'string') return path;
    for (const [k, x] of Object.entries(vars || {})) v = v.split('{{' + k + '}}').join(String(x));
    return v;
  };
  const say = (text) => { $('status').textContent = text; };
  const el = (tag, text, attrs) => { const e = document.createElement(tag); if (text != null) e.textContent = text; for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v); return e; };

  // Inside Teams: locale and theme from the context. Outside, initialize fails quickly and is ignored.
  try {
    await Promise.race([window.microsoftTeams.app.initialize(), new Promise((_, r) => setTimeout(() => r(new Error('not in Teams')), 1500))]);
    const ctx = await window.microsoftTeams.app.getContext();
    if (ctx.app && ctx.app.locale) lang = ctx.app.locale.toLowerCase().startsWith('fr') ? 'fr' : 'en';
    const theme = (t) => { document.body.className = t === 'dark' ? 'theme-dark' : t === 'contrast' ? 'theme-contrast' : ''; };
    theme(ctx.app && ctx.app.theme);
    window.microsoftTeams.app.registerOnThemeChangeHandler(theme);
  } catch { /* a plain browser */ }

  async function api(path, init) {
    const res = await fetch('/api/admin' + path, { ...(init || {}), headers: { authorization: 'Bearer ' + token, ...((init && init.headers) || {}) } });
    if (res.status === 401) { signOut(L('badToken')); throw new Error(L('badToken')); }
    if (!res.ok) { const b = await res.json().catch(() => ({})); throw new Error((b.error && b.error.message) || ('HTTP ' + res.status)); }
    return res;
  }

  function labels() {
    document.documentElement.lang = lang;
    $('title').textContent = L('title');
    $('lang').textContent = L('switchShort'); $('lang').setAttribute('aria-label', L('switchLabel'));
    $('signout').textContent = L('signOut');
    $('tokenPrompt').textContent = L('tokenPrompt'); $('tokenLabel').textContent = L('tokenLabel'); $('signin').textContent = L('signIn');
    for (const b of document.querySelectorAll('nav button')) b.textContent = L('tabs.' + b.dataset.tab);
    $('search').placeholder = L('search'); $('search').setAttribute('aria-label', L('search'));
    $('export').textContent = L('export'); $('sendNow').textContent = L('sendNow'); $('previewTitle').textContent = L('preview');
    const fill = (sel, label, values, name) => { const cur = sel.value; sel.replaceChildren(el('option', label + ': ' + L('all'), { value: '' }), ...values.map(([v, t]) => el('option', t, { value: v }))); sel.value = cur; sel.setAttribute('aria-label', name); };
    fill($('fEvent'), L('event'), EVENTS.map((e) => [e.id, e.name[lang]]), L('event'));
    fill($('fStatus'), L('status'), [['confirmed', S[lang].status.confirmed], ['cancelled', S[lang].status.cancelled]], L('status'));
    fill($('fFollow'), L('followUp'), FOLLOW.map((f) => [f, S[lang].followUp[f]]), L('followUp'));
    $('cHead').replaceChildren(...['reference', 'name', 'organisation', 'group', 'country', 'email', 'created'].map((k) => el('th', L('columns.' + k))), el('th', L('event')), el('th', L('status')), el('th', L('followUp')));
    $('uHead').replaceChildren(el('th', L('question')), el('th', 'FR/EN'), el('th', L('asked')));
    $('srcUpload').textContent = L('sources.upload'); $('srcPreview').textContent = L('sources.preview'); $('srcPublish').textContent = L('sources.publish'); $('srcDiscard').textContent = L('sources.discard'); $('versionsTitle').textContent = L('sources.versions');
    { const cur = $('srcName').value; $('srcName').replaceChildren(...['note-fr', 'note-en', 'schedule', 'qa', 'glossary', 'golden'].map((n) => el('option', L('sources.names.' + n), { value: n }))); if (cur) $('srcName').value = cur; $('srcName').setAttribute('aria-label', L('sources.source')); }
    $('pvHead').replaceChildren(el('th', L('question')), el('th', L('sources.liveAnswer')), el('th', L('sources.draftAnswer')), el('th', L('sources.failing')));
    $('vHead').replaceChildren(el('th', L('sources.version')), el('th', L('sources.changedCol')), el('th', L('sources.when')), el('th', ''));
    $('fbHead').replaceChildren(el('th', L('followUp') === '' ? '' : '👍/👎'), el('th', L('question')), el('th', L('comment')), el('th', L('asked')));
  }

  function renderConfirmations() {
    const q = $('search').value.trim().toLowerCase();
    const shown = confirmations.filter((c) => !q || [c.reference, c.name, c.organisation, c.email, c.country].join(' ').toLowerCase().includes(q));
    $('count').textContent = L('count', { count: shown.length });
    $('cBody').replaceChildren(...shown.map((c) => {
      const tr = el('tr', null, { 'data-id': c.id });
      const cells = [c.reference, c.name, c.organisation, S[lang].groups[c.group] || c.group, c.country, c.email, new Date(c.createdAt).toLocaleDateString(lang)];
      ['reference', 'name', 'organisation', 'group', 'country', 'email', 'created'].forEach((k, i) => tr.appendChild(el('td', cells[i], { 'data-label': L('columns.' + k) })));
      const ev = EVENTS.find((e) => e.id === c.eventId);
      tr.appendChild(el('td', ev ? ev.name[lang] : c.eventId, { 'data-label': L('event') }));
      tr.appendChild(el('td', S[lang].status[c.status], { 'data-label': L('status') }));
      const td = el('td', null, { 'data-label': L('followUp') });
      const sel = el('select', null, { 'aria-label': L('followUp') + ' ' + c.reference, 'data-reference': c.reference });
      for (const f of FOLLOW) sel.appendChild(el('option', S[lang].followUp[f], { value: f }));
      sel.value = c.followUp;
      sel.onchange = async () => {
        try { await api('/confirmations/' + encodeURIComponent(c.id), { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ followUp: sel.value }) }); c.followUp = sel.value; say(L('saved')); }
        catch (e) { say(L('error', { message: e.message })); sel.value = c.followUp; }
      };
      td.appendChild(sel); tr.appendChild(td);
      return tr;
    }));
  }

  async function loadConfirmations() {
    const p = new URLSearchParams();
    if ($('fEvent').value) p.set('event', $('fEvent').value);
    if ($('fStatus').value) p.set('status', $('fStatus').value);
    if ($('fFollow').value) p.set('followUp', $('fFollow').value);
    confirmations = (await (await api('/confirmations?' + p)).json()).confirmations;
    renderConfirmations();
  }
  async function loadDigest() { $('preview').srcdoc = await (await api('/digest/preview?lang=' + lang)).text(); }
  async function loadUnanswered() {
    const list = (await (await api('/unanswered')).json()).questions;
    $('uBody').replaceChildren(...(list.length ? list.slice().reverse().map((q) => { const tr = el('tr'); tr.append(el('td', q.text, { 'data-label': L('question') }), el('td', q.language, { 'data-label': 'FR/EN' }), el('td', new Date(q.askedAt).toLocaleString(lang), { 'data-label': L('asked') })); return tr; }) : [el('tr', null).appendChild(el('td', L('none'))).parentNode]));
  }
  async function loadFeedback() {
    const list = (await (await api('/feedback')).json()).feedback;
    $('fbBody').replaceChildren(...(list.length ? list.map((f) => { const tr = el('tr'); tr.append(el('td', L('reaction.' + f.reaction)), el('td', f.question || '—', { 'data-label': L('question') }), el('td', f.comment || '', { 'data-label': L('comment') }), el('td', new Date(f.at).toLocaleString(lang), { 'data-label': L('asked') })); return tr; }) : [el('tr', null).appendChild(el('td', L('none'))).parentNode]));
  }
  async function loadSources() {
    const st = await (await api('/sources')).json();
    $('srcStatus').textContent = L('sources.status', { live: st.live }) + (st.draft ? ' ' + L('sources.draftStatus', { draft: st.draft.number, changed: st.draft.changed.join(', ') }) : '');
    $('srcProblems').replaceChildren(...(st.draft ? st.draft.problems : []).map((p) => el('li', p)));
    $('srcPublish').disabled = !st.draft || st.draft.problems.length > 0; $('srcDiscard').disabled = !st.draft; $('srcPreview').disabled = !st.draft;
    $('vBody').replaceChildren(...st.versions.map((v) => {
      const tr = el('tr', null, { 'data-version': String(v.number) });
      tr.append(el('td', String(v.number) + (v.live ? ' ✓' : '') + ' — ' + v.status, { 'data-label': L('sources.version') }), el('td', v.changed.join(', '), { 'data-label': L('sources.changedCol') }), el('td', new Date(v.publishedAt || v.createdAt).toLocaleString(lang), { 'data-label': L('sources.when') }));
      const td = el('td');
      if (v.status === 'published' && !v.live) {
        const b = el('button', L('sources.rollback'), { type: 'button' });
        b.onclick = async () => { try { await api('/sources/rollback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version: v.number }) }); say(L('sources.rolledBack', { version: v.number })); await loadSources(); } catch (e) { say(L('error', { message: e.message })); } };
        td.appendChild(b);
      }
      tr.appendChild(td);
      return tr;
    }));
  }
  async function previewSources() {
    const p = await (await api('/sources/draft/preview')).json();
    say(L('sources.previewSummary', { regressions: p.regressions }));
    $('pvBody').replaceChildren(...p.questions.filter((q) => q.changed || q.draft.failed.length).map((q) => {
      const tr = el('tr'); tr.append(el('td', q.q, { 'data-label': L('question') }), el('td', q.live.text, { 'data-label': L('sources.liveAnswer') }), el('td', q.draft.text, { 'data-label': L('sources.draftAnswer') }), el('td', q.draft.failed.join(', '), { 'data-label': L('sources.failing') })); return tr;
    }));
  }
  $('upload').onsubmit = async (e) => {
    e.preventDefault();
    const file = $('srcFile').files[0]; if (!file) return;
    try {
      const r = await (await api('/sources/' + $('srcName').value + '?filename=' + encodeURIComponent(file.name), { method: 'PUT', headers: { 'content-type': file.type || 'application/octet-stream' }, body: file })).json();
      say(r.problems.length ? L('sources.uploadedWithProblems', { draft: r.draft }) : L('sources.uploaded', { draft: r.draft }));
      await loadSources();
    } catch (e2) { say(L('error', { message: e2.message })); }
  };
  $('srcPreview').onclick = () => previewSources().catch((e) => say(L('error', { message: e.message })));
  $('srcPublish').onclick = async () => { try { const r = await (await api('/sources/draft/publish', { method: 'POST' })).json(); say(L('sources.published', { version: r.live })); $('pvBody').replaceChildren(); await loadSources(); } catch (e) { say(L('error', { message: e.message })); } };
  $('srcDiscard').onclick = async () => { try { await api('/sources/draft', { method: 'DELETE' }); $('pvBody').replaceChildren(); await loadSources(); } catch (e) { say(L('error', { message: e.message })); } };
  const loaders = { confirmations: loadConfirmations, digest: loadDigest, unanswered: loadUnanswered, feedback: loadFeedback, sources: loadSources };
  let current = 'confirmations';
  async function show(tab) {
    current = tab;
    for (const b of document.querySelectorAll('nav button')) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
    for (const s of document.querySelectorAll('section[data-panel]')) s.hidden = s.dataset.panel !== tab;
    try { await loaders[tab](); } catch (e) { say(L('error', { message: e.message })); }
  }
  function signOut(message) { token = ''; sessionStorage.removeItem('pa-admin-token'); $('app').hidden = true; $('login').hidden = false; $('signout').hidden = true; $('loginError').textContent = message || ''; }
  async function signIn() { $('login').hidden = true; $('app').hidden = false; $('signout').hidden = false; await show('confirmations'); }

  for (const b of document.querySelectorAll('nav button')) b.onclick = () => show(b.dataset.tab);
  for (const id of ['fEvent', 'fStatus', 'fFollow']) $(id).onchange = () => loadConfirmations().catch((e) => say(L('error', { message: e.message })));
  $('search').oninput = renderConfirmations;
  $('export').onclick = async () => {
    try {
      const blob = await (await api('/confirmations.csv')).blob();
      const a = el('a', null, { href: URL.createObjectURL(blob), download: 'confirmations.csv' }); document.body.appendChild(a); a.click(); a.remove();
    } catch (e) { say(L('error', { message: e.message })); }
  };
  $('sendNow').onclick = async () => {
    try { const run = await (await api('/digest', { method: 'POST' })).json(); say(L('sendResult', { result: run.results.map((r) => r.destination.split(':')[0] + ' ' + r.status).join(', ') || run.status })); await loadDigest(); }
    catch (e) { say(L('error', { message: e.message })); }
  };
  $('lang').onclick = () => { lang = lang === 'en' ? 'fr' : 'en'; labels(); show(current); };
  $('signout').onclick = () => signOut();
  $('login').onsubmit = async (e) => { e.preventDefault(); token = $('token').value.trim(); sessionStorage.setItem('pa-admin-token', token); await signIn(); };
  labels();
  if (token) await signIn(); else signOut();
})();
</script>
</body>
</html>`;
}
