import express, { type Router } from 'express';
import { scriptJson } from '../i18n';
import { BOOT_ELEMENT_ID, ORGANISER_SCRIPT_PATH, type OrganiserBoot } from '../web/organiser/boot';
import type { Logger } from '../logger';
import { AppError } from '../errors';
import { cspNonce } from './securityHeaders';
import { preferredLang } from './webPage';

export interface OrganiserTabDeps {
  readonly boot: OrganiserBoot;
  /** The tab's script (src/web/bundle.ts: prebuilt, or built once on first use). */
  readonly script: () => Promise<string>;
  readonly logger: Logger;
}

/**
 * The organisers' tab: /organiser (the page) and its script. The page is plain, accessible HTML in
 * the Teams look; its script (TypeScript in src/web/organiser/, bundled) fills in the strings and
 * talks to /api/admin. The page's only inline script is the JSON it gives the bundle, with the
 * response's CSP nonce; the bundle itself comes from this origin ('self').
 */
export function organiserTab(deps: OrganiserTabDeps): Router {
  const router = express.Router();
  const boot = scriptJson(deps.boot);
  router.get('/organiser', (req, res) => {
    res.type('html').send(organiserPage(boot, preferredLang(req), cspNonce(res)));
  });
  router.get(ORGANISER_SCRIPT_PATH, async (_req, res, next) => {
    try {
      const script = await deps.script();
      // Revalidated on each load (ETag): a new version of the app is never hidden behind a cached script.
      res.set('cache-control', 'no-cache').type('text/javascript; charset=utf-8').send(script);
    } catch (err) {
      deps.logger.error({ err }, 'the organiser tab script could not be built');
      next(new AppError('INTERNAL'));
    }
  });
  return router;
}

/** The page: landmarks, labelled fields, ARIA tabs, a live status line; text filled in by the script. */
export function organiserPage(boot: string, lang: 'en' | 'fr', nonce: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${lang === 'fr' ? 'Organisateurs — assistant des participants' : 'Organisers — participant assistant'}</title>
<style>${ORGANISER_CSS}</style>
<script id="${BOOT_ELEMENT_ID}" type="application/json" nonce="${nonce}">${boot}</script>
<script src="${ORGANISER_SCRIPT_PATH}" nonce="${nonce}" defer></script>
</head>
<body>
<header class="bar">
  <h1 id="title"></h1>
  <div class="actions"><button id="lang" type="button"></button><button id="signout" type="button" hidden></button></div>
</header>
<main id="main">
  <div id="disabled" class="notice" role="alert" hidden></div>
  <form id="login" class="card" hidden>
    <p id="tokenPrompt"></p>
    <div class="field"><label for="token" id="tokenLabel"></label><input id="token" type="password" autocomplete="off" required aria-describedby="tokenPrompt loginError"></div>
    <button class="primary" id="signin" type="submit"></button>
    <p id="loginError" class="error" role="alert"></p>
  </form>
${ORGANISER_VIEWS}</main>
</body>
</html>`;
}

/** The signed-in organiser's views: ARIA tabs, one panel each, their tables and forms (labels filled in by the script). */
const ORGANISER_VIEWS = `  <div id="app" hidden>
    <nav id="views" aria-labelledby="title">
      <div role="tablist" id="tablist">
        <button role="tab" type="button" id="tab-confirmations" data-tab="confirmations" aria-controls="panel-confirmations" aria-selected="true"></button>
        <button role="tab" type="button" id="tab-digest" data-tab="digest" aria-controls="panel-digest" aria-selected="false" tabindex="-1"></button>
        <button role="tab" type="button" id="tab-questions" data-tab="questions" aria-controls="panel-questions" aria-selected="false" tabindex="-1"></button>
        <button role="tab" type="button" id="tab-unanswered" data-tab="unanswered" aria-controls="panel-unanswered" aria-selected="false" tabindex="-1"></button>
        <button role="tab" type="button" id="tab-feedback" data-tab="feedback" aria-controls="panel-feedback" aria-selected="false" tabindex="-1"></button>
        <button role="tab" type="button" id="tab-sources" data-tab="sources" aria-controls="panel-sources" aria-selected="false" tabindex="-1"></button>
        <button role="tab" type="button" id="tab-usage" data-tab="usage" aria-controls="panel-usage" aria-selected="false" tabindex="-1"></button>
      </div>
    </nav>
    <p id="status" role="status" aria-live="polite"></p>
    <section id="panel-confirmations" role="tabpanel" aria-labelledby="tab-confirmations" data-panel="confirmations">
      <div class="toolbar">
        <div class="field"><label for="fEvent" id="fEventLabel"></label><select id="fEvent"></select></div>
        <div class="field"><label for="fStatus" id="fStatusLabel"></label><select id="fStatus"></select></div>
        <div class="field"><label for="fFollow" id="fFollowLabel"></label><select id="fFollow"></select></div>
        <div class="field grow"><label for="search" id="searchLabel"></label><input id="search" type="search" autocomplete="off"></div>
        <button id="export" type="button"></button>
      </div>
      <p id="count" class="muted"></p>
      <table class="responsive"><caption id="cCaption" class="visually-hidden"></caption><thead><tr id="cHead"></tr></thead><tbody id="cBody"></tbody></table>
    </section>
    <section id="panel-digest" role="tabpanel" aria-labelledby="tab-digest" data-panel="digest" hidden>
      <div class="toolbar"><h2 id="previewTitle"></h2><button class="primary" id="sendNow" type="button"></button></div>
      <iframe id="preview" sandbox=""></iframe>
    </section>
    <section id="panel-questions" role="tabpanel" aria-labelledby="tab-questions" data-panel="questions" hidden>
      <table class="responsive"><caption id="qCaption" class="visually-hidden"></caption><thead><tr id="qHead"></tr></thead><tbody id="qBody"></tbody></table>
      <form id="qForm" hidden>
        <h2 id="qFormTitle" tabindex="-1"></h2>
        <blockquote id="qFormQuestion"></blockquote>
        <p><label for="qEn" id="qEnLabel"></label><br><textarea id="qEn" rows="4" cols="60" maxlength="4000"></textarea></p>
        <p><label for="qFr" id="qFrLabel"></label><br><textarea id="qFr" rows="4" cols="60" maxlength="4000" lang="fr"></textarea></p>
        <div class="toolbar"><button class="primary" id="qSave" type="submit"></button><button id="qTeach" type="button" hidden></button></div>
      </form>
    </section>
    <section id="panel-unanswered" role="tabpanel" aria-labelledby="tab-unanswered" data-panel="unanswered" hidden>
      <table class="responsive"><caption id="uCaption" class="visually-hidden"></caption><thead><tr id="uHead"></tr></thead><tbody id="uBody"></tbody></table>
    </section>
    <section id="panel-feedback" role="tabpanel" aria-labelledby="tab-feedback" data-panel="feedback" hidden>
      <table class="responsive"><caption id="fbCaption" class="visually-hidden"></caption><thead><tr id="fbHead"></tr></thead><tbody id="fbBody"></tbody></table>
    </section>
    <section id="panel-usage" role="tabpanel" aria-labelledby="tab-usage" data-panel="usage" hidden>
      <p id="usageNote"></p>
      <table class="responsive"><caption id="usageCaption"></caption><thead><tr id="usageHead"></tr></thead><tbody id="usageBody"></tbody></table>
    </section>
    <section id="panel-sources" role="tabpanel" aria-labelledby="tab-sources" data-panel="sources" hidden>
      <p id="srcStatus"></p>
      <form id="upload" class="toolbar">
        <div class="field"><label for="srcName" id="srcNameLabel"></label><select id="srcName" required></select></div>
        <div class="field"><label for="srcFile" id="srcFileLabel"></label><input id="srcFile" type="file" required accept=".md,.txt,.pdf,.json,.yaml,.yml,.csv"></div>
        <button class="primary" id="srcUpload" type="submit"></button>
      </form>
      <div id="srcProblemsBox" hidden><h2 id="srcProblemsTitle" tabindex="-1"></h2><ul id="srcProblems"></ul></div>
      <div class="toolbar"><button id="srcPreview" type="button"></button><button class="primary" id="srcPublish" type="button"></button><button id="srcDiscard" type="button"></button></div>
      <table class="responsive"><caption id="pvCaption"></caption><thead><tr id="pvHead"></tr></thead><tbody id="pvBody"></tbody></table>
      <h2 id="versionsTitle"></h2>
      <table class="responsive" aria-labelledby="versionsTitle"><thead><tr id="vHead"></tr></thead><tbody id="vBody"></tbody></table>
    </section>
  </div>
`;

/**
 * The Teams look (Segoe UI, the Teams brand colour, underlined tabs) in Teams' three themes, each at
 * WCAG AA contrast: text 4.5:1, control borders and focus 3:1. Tables become one card per row on a
 * phone, their headers kept for screen readers. Motion is reduced when the system asks.
 */
const ORGANISER_CSS = `
:root { color-scheme: light; --bg: #f5f5f5; --panel: #fff; --text: #242424; --muted: #616161; --accent: #5b5fc7; --accent-bg: #5b5fc7; --on-accent: #fff; --edge: #757575; --line: #e0e0e0; --error: #c4314b; --focus: #242424; --disabled-bg: #f0f0f0; --disabled: #6e6e6e; }
[data-theme="dark"] { color-scheme: dark; --bg: #1f1f1f; --panel: #292929; --text: #fff; --muted: #adadad; --accent: #7f85f5; --accent-bg: #4f52b2; --on-accent: #fff; --edge: #8a8a8a; --line: #3d3d3d; --error: #ff8a9a; --focus: #fff; --disabled-bg: #333; --disabled: #a6a6a6; }
[data-theme="contrast"] { color-scheme: dark; --bg: #000; --panel: #000; --text: #fff; --muted: #fff; --accent: #ffff01; --accent-bg: #ffff01; --on-accent: #000; --edge: #fff; --line: #fff; --error: #ffff01; --focus: #ffff01; --disabled-bg: #000; --disabled: #3ff23f; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.43 'Segoe UI', system-ui, -apple-system, sans-serif; background: var(--bg); color: var(--text); }
.bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; justify-content: space-between; padding: 8px 16px; background: var(--panel); border-bottom: 1px solid var(--line); }
h1 { font-size: 18px; font-weight: 600; margin: 0; }
h2 { font-size: 16px; font-weight: 600; margin: 16px 0 8px; }
.actions { display: flex; gap: 8px; }
main { padding: 0 16px 24px; }
button, select, input { font: inherit; color: var(--text); background: var(--panel); border: 1px solid var(--edge); border-radius: 4px; padding: 5px 12px; min-height: 32px; }
input[type=file] { padding: 3px; max-width: 100%; }
button { cursor: pointer; font-weight: 600; }
button:hover:not(:disabled) { border-color: var(--accent); }
button.primary { background: var(--accent-bg); color: var(--on-accent); border-color: var(--accent-bg); }
button:disabled, select:disabled, input:disabled { background: var(--disabled-bg); color: var(--disabled); border-color: var(--disabled); border-style: dashed; cursor: not-allowed; font-weight: 400; }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
[role=tablist] { display: flex; flex-wrap: wrap; gap: 4px; border-bottom: 1px solid var(--line); margin: 8px 0 0; }
textarea { max-width: 100%; box-sizing: border-box; }
[role=tab] { background: transparent; border: 0; border-bottom: 3px solid transparent; border-radius: 0; font-weight: 400; padding: 8px 10px; }
[role=tab][aria-selected="true"] { border-bottom-color: var(--accent); font-weight: 600; }
[role=tab]:hover { border-bottom-color: var(--edge); }
[role=tabpanel] { padding-top: 8px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 16px; margin-top: 16px; max-width: 32rem; }
.notice { background: var(--panel); border: 1px solid var(--edge); border-left: 4px solid var(--error); border-radius: 4px; padding: 12px 16px; margin-top: 16px; max-width: 48rem; }
.toolbar { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: flex-end; margin-bottom: 8px; }
.toolbar h2 { margin: 0; flex: 1 1 auto; align-self: center; }
.field { display: flex; flex-direction: column; gap: 2px; min-width: 0; }
.field label { font-weight: 600; }
.field.grow { flex: 1 1 14rem; }
#login .field { margin-bottom: 12px; }
.muted { color: var(--muted); }
.error { color: var(--error); }
#status { min-height: 1.43em; margin: 8px 0; font-weight: 600; }
#loginError:empty, #status:empty { margin: 0; }
table { width: 100%; border-collapse: collapse; background: var(--panel); margin-bottom: 16px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
/* Cells may break anywhere, so that the table always fits; headers break between words only. */
td { overflow-wrap: anywhere; }
#cBody td:nth-child(2) { min-width: 9rem; }
th { font-weight: 600; }
td select { width: 100%; min-width: 7rem; }
.sub { display: block; color: var(--muted); }
iframe { width: 100%; height: 60vh; border: 1px solid var(--line); background: #fff; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
[hidden] { display: none !important; }
@media (max-width: 700px) {
  main { padding: 0 8px 16px; }
  .field, .toolbar > button { flex: 1 1 100%; }
  table.responsive, table.responsive tbody, table.responsive tr, table.responsive td { display: block; width: 100%; }
  table.responsive thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.responsive tr { border: 1px solid var(--line); border-radius: 4px; margin-bottom: 8px; padding: 4px 0; }
  table.responsive td { border: 0; padding: 4px 8px; }
  table.responsive td[data-label]::before { content: attr(data-label) ": "; content: attr(data-label) ": " / ""; font-weight: 600; }
}
@media (forced-colors: active) {
  button:disabled { border-style: dashed; color: GrayText; }
  [role=tab][aria-selected="true"] { border-bottom-color: Highlight; }
}
@media (prefers-reduced-motion: reduce) {
  *, ::before, ::after { animation: none !important; transition: none !important; scroll-behavior: auto !important; }
}
`;
