import type { Confirmation } from '../confirmations/confirmation';
import type { Lang } from '../knowledge/analyzer';
import type { Translate } from '../knowledge/answerer';
import { fold } from '../knowledge/text';
import type { UnansweredQuestion } from '../questions/unanswered';
import { toCsv } from '../http/csv';
import { literal, plain } from '../bot/cardText';

/** What one digest tells: gathered from the items assigned to it and the ledger's totals. */
export interface DigestContent {
  readonly generatedAt: Date;
  readonly newConfirmations: readonly Confirmation[];
  readonly cancellations: readonly Confirmation[];
  readonly unanswered: ReadonlyArray<{ text: string; language: Lang; count: number }>;
  /** Over every confirmation currently confirmed. */
  readonly totals: { readonly byEvent: ReadonlyArray<[string, number]>; readonly byGroup: ReadonlyArray<[string, number]>; readonly byCountry: ReadonlyArray<[string, number]> };
  readonly openFollowUps: ReadonlyArray<[string, number]>;
  /** Questions participants asked the organisers and still waiting for their answer, by group, with how many asked. */
  readonly openQuestions: ReadonlyArray<{ id?: string | undefined; text: string; askers: number }>;
}

export interface RenderedDigest {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly csv: string;
  readonly card: Record<string, unknown>;
}

const count = <T>(xs: readonly T[], key: (x: T) => string): Array<[string, number]> => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
};

export function gatherContent(args: { now: Date; newConfirmations: Confirmation[]; cancellations: Confirmation[]; unanswered: UnansweredQuestion[]; all: Confirmation[]; openQuestions?: ReadonlyArray<{ text: string; askers: number }> }): DigestContent {
  const confirmed = args.all.filter((c) => c.status === 'confirmed');
  // Questions that repeat (same words, case and accents aside) are counted once.
  const grouped = new Map<string, { text: string; language: Lang; count: number }>();
  for (const q of args.unanswered) {
    const key = fold(q.text).replace(/[^a-z0-9]+/g, ' ').trim();
    const g = grouped.get(key);
    if (g) g.count++;
    else grouped.set(key, { text: q.text, language: q.language, count: 1 });
  }
  return {
    generatedAt: args.now,
    newConfirmations: args.newConfirmations,
    cancellations: args.cancellations,
    unanswered: [...grouped.values()].sort((a, b) => b.count - a.count),
    totals: { byEvent: count(confirmed, (c) => c.eventId), byGroup: count(confirmed, (c) => c.group), byCountry: count(confirmed, (c) => c.country.trim()) },
    openFollowUps: count(confirmed.filter((c) => c.followUp !== 'test-session-done'), (c) => c.followUp),
    openQuestions: args.openQuestions ?? [],
  };
}

export function isEmpty(c: DigestContent): boolean {
  return !c.newConfirmations.length && !c.cancellations.length && !c.unanswered.length;
}

const html = (s: string): string => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** Renders a digest in the organisers' languages (one, or both one after the other). */
export function renderDigest(
  content: DigestContent,
  langs: readonly Lang[],
  t: Translate,
  eventName: (id: string, lang: Lang) => string,
  answerAction?: (lang: Lang, groupId: string) => Record<string, unknown>,
): RenderedDigest {
  const subject = langs.map((l) => t(l, 'digest.subject', { confirmations: content.newConfirmations.length, cancellations: content.cancellations.length, questions: content.unanswered.reduce((s, q) => s + q.count, 0) })).join(' / ');
  const textParts: string[] = [];
  const htmlParts: string[] = [];
  const cardBody: Array<Record<string, unknown>> = [];

  for (const [i, lang] of langs.entries()) {
    const x = digestLanguage(content, lang, t, eventName);
    textParts.push(digestText(content, x));
    htmlParts.push(digestHtml(content, x));
    cardBody.push(...digestCard(content, x, i === 0, answerAction && ((groupId: string) => answerAction(lang, groupId))));
  }

  const csv = toCsv(
    ['reference', 'event', 'name', 'email', 'organisation', 'group', 'country', 'sessionLanguage', 'createdAt'],
    content.newConfirmations.map((c) => [c.reference, c.eventId, c.name, c.email, c.organisation, c.group, c.country, c.sessionLanguage, c.createdAt]),
  );
  return {
    subject,
    text: textParts.join('\n\n----------------------------------------\n\n'),
    html: `<!doctype html><html><body style="margin:0;padding:16px;background:#ffffff">${htmlParts.join('<hr style="border:0;border-top:1px solid #d0d7de;margin:24px 0">')}</body></html>`,
    csv,
    card: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.5', body: cardBody },
  };
}

type Label = (key: string, vars?: Record<string, string | number>) => string;

/** The questions waiting for the organisers' answer, the most asked first, in plain text. */
function openQuestionsText(content: DigestContent, L: Label): string[] {
  const lines = ['', `${L('digest.openQuestions')} (${content.openQuestions.length})`];
  if (!content.openQuestions.length) lines.push(`  ${L('digest.none')}`);
  for (const q of content.openQuestions) lines.push(`  - ${plain(q.text)} — ${L('digest.askers', { count: q.askers })}`);
  return lines;
}

function openQuestionsHtml(content: DigestContent, L: Label, h2: string, p: string): string {
  const heading = `<h2 ${h2}>${html(L('digest.openQuestions'))} (${content.openQuestions.length})</h2>`;
  if (!content.openQuestions.length) return `${heading}<p ${p}>${html(L('digest.none'))}</p>`;
  return `${heading}<ul>${content.openQuestions.map((q) => `<li ${p}>${html(plain(q.text))} — <strong>${html(L('digest.askers', { count: q.askers }))}</strong></li>`).join('')}</ul>`;
}

function openQuestionsCard(content: DigestContent, L: Label, answerForm?: (groupId: string) => Record<string, unknown>): Array<Record<string, unknown>> {
  return [
    { type: 'TextBlock', text: `${L('digest.openQuestions')} (${content.openQuestions.length})`, weight: 'Bolder', wrap: true },
    ...content.openQuestions.slice(0, 20).flatMap((q) => [
      literal(`${q.text} — ${L('digest.askers', { count: q.askers })}`),
      // Answered from the card, as from the organiser tab.
      ...(q.id && answerForm ? [{ type: 'ActionSet', actions: [answerForm(q.id)] }] : []),
    ]),
  ];
}

/** What a digest's three forms share in one language: its strings, names, and the confirmations by event. */
function digestLanguage(content: DigestContent, lang: Lang, t: Translate, eventName: (id: string, lang: Lang) => string) {
  const L = (key: string, vars?: Record<string, string | number>) => t(lang, key, vars);
  const byEvent = new Map<string, Confirmation[]>();
  for (const c of content.newConfirmations) byEvent.set(c.eventId, [...(byEvent.get(c.eventId) ?? []), c]);
  return { lang, L, eventName, groupName: (g: string) => L(`groups.${g}`), followName: (f: string) => L(`followUp.${f}`), byEvent };
}

type DigestLanguage = ReturnType<typeof digestLanguage>;

/** The digest as plain text. */
function digestText(content: DigestContent, x: DigestLanguage): string {
  const { lang, L, eventName, groupName, followName, byEvent } = x;
  const tx: string[] = [L('digest.title'), ''];
  tx.push(`${L('digest.newConfirmations')} (${content.newConfirmations.length})`);
  if (!content.newConfirmations.length) tx.push(`  ${L('digest.none')}`);
  for (const [eventId, list] of byEvent) {
    tx.push(`  ${eventName(eventId, lang)}`);
    for (const c of list) tx.push(`    - ${plain(c.name)}, ${plain(c.organisation)}, ${groupName(c.group)}, ${plain(c.country)}, ${plain(c.email)}, ${c.reference}`);
  }
  tx.push('', `${L('digest.cancellations')} (${content.cancellations.length})`);
  if (!content.cancellations.length) tx.push(`  ${L('digest.none')}`);
  for (const c of content.cancellations) tx.push(`  - ${plain(c.name)}, ${plain(c.organisation)}, ${eventName(c.eventId, lang)}, ${c.reference}`);
  tx.push('', L('digest.totals'));
  for (const [e, n] of content.totals.byEvent) tx.push(`  ${eventName(e, lang)}: ${n}`);
  tx.push(`  ${L('digest.byGroup')}: ${content.totals.byGroup.map(([g, n]) => `${groupName(g)} ${n}`).join(', ') || '—'}`);
  tx.push(`  ${L('digest.byCountry')}: ${content.totals.byCountry.map(([c, n]) => `${plain(c)} ${n}`).join(', ') || '—'}`);
  tx.push('', L('digest.openFollowUps'));
  tx.push(content.openFollowUps.length ? content.openFollowUps.map(([f, n]) => `  ${followName(f)}: ${n}`).join('\n') : `  ${L('digest.none')}`);
  tx.push('', `${L('digest.unanswered')} (${content.unanswered.reduce((s, q) => s + q.count, 0)})`);
  if (!content.unanswered.length) tx.push(`  ${L('digest.none')}`);
  for (const q of content.unanswered) tx.push(`  - ${q.count > 1 ? `(${q.count}×) ` : ''}${plain(q.text)} [${q.language}]`);
  tx.push(...openQuestionsText(content, L));
  return tx.join('\n');
}

/** The digest as HTML: tables and inline styles, as Outlook and Gmail render them. */
function digestHtml(content: DigestContent, x: DigestLanguage): string {
  const { lang, L, eventName, groupName, followName, byEvent } = x;
  const td = 'style="padding:4px 8px;border:1px solid #d0d7de;font-family:Arial,sans-serif;font-size:13px;vertical-align:top"';
  const th = 'style="padding:4px 8px;border:1px solid #d0d7de;background:#eef3f8;font-family:Arial,sans-serif;font-size:13px;text-align:left"';
  const h2 = 'style="font-family:Arial,sans-serif;font-size:16px;color:#0b5394;margin:20px 0 8px"';
  const p = 'style="font-family:Arial,sans-serif;font-size:13px;margin:4px 0"';
  const table = (head: string[], rows: string[][]) =>
    `<table role="presentation" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%;max-width:760px"><tr>${head.map((h) => `<th ${th}>${html(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td ${td}>${c}</td>`).join('')}</tr>`).join('')}</table>`;
  const hp: string[] = [`<h1 style="font-family:Arial,sans-serif;font-size:20px;color:#0b5394">${html(L('digest.title'))}</h1>`];
  hp.push(`<h2 ${h2}>${html(L('digest.newConfirmations'))} (${content.newConfirmations.length})</h2>`);
  if (!content.newConfirmations.length) hp.push(`<p ${p}>${html(L('digest.none'))}</p>`);
  const cols = ['name', 'organisation', 'group', 'country', 'email', 'reference'].map((k) => L(`digest.columns.${k}`));
  for (const [eventId, list] of byEvent) {
    hp.push(`<p ${p}><strong>${html(eventName(eventId, lang))}</strong></p>`);
    hp.push(table(cols, list.map((c) => [html(plain(c.name)), html(plain(c.organisation)), html(groupName(c.group)), html(plain(c.country)), html(c.email), html(c.reference)])));
  }
  hp.push(`<h2 ${h2}>${html(L('digest.cancellations'))} (${content.cancellations.length})</h2>`);
  hp.push(content.cancellations.length ? table([cols[0]!, cols[1]!, L('digest.columns.event'), cols[5]!], content.cancellations.map((c) => [html(plain(c.name)), html(plain(c.organisation)), html(eventName(c.eventId, lang)), html(c.reference)])) : `<p ${p}>${html(L('digest.none'))}</p>`);
  hp.push(`<h2 ${h2}>${html(L('digest.totals'))}</h2>`);
  hp.push(table([L('digest.columns.event'), L('digest.columns.count')], content.totals.byEvent.map(([e, n]) => [html(eventName(e, lang)), String(n)])));
  hp.push(`<p ${p}>${html(L('digest.byGroup'))}: ${content.totals.byGroup.map(([g, n]) => `${html(groupName(g))} ${n}`).join(', ') || '—'}</p>`);
  hp.push(`<p ${p}>${html(L('digest.byCountry'))}: ${content.totals.byCountry.map(([c, n]) => `${html(plain(c))} ${n}`).join(', ') || '—'}</p>`);
  hp.push(`<h2 ${h2}>${html(L('digest.openFollowUps'))}</h2>`);
  hp.push(`<p ${p}>${content.openFollowUps.map(([f, n]) => `${html(followName(f))}: ${n}`).join(' · ') || html(L('digest.none'))}</p>`);
  hp.push(`<h2 ${h2}>${html(L('digest.unanswered'))} (${content.unanswered.reduce((s, q) => s + q.count, 0)})</h2>`);
  hp.push(content.unanswered.length ? `<ul>${content.unanswered.map((q) => `<li ${p}>${q.count > 1 ? `<strong>${q.count}×</strong> ` : ''}${html(plain(q.text))} <span style="color:#666">[${q.language}]</span></li>`).join('')}</ul>` : `<p ${p}>${html(L('digest.none'))}</p>`);
  hp.push(openQuestionsHtml(content, L, h2, p));
  return hp.join('\n');
}

/** The digest as an Adaptive Card's body (Teams renders schema 1.5); after the first language, a separator. */
function digestCard(content: DigestContent, x: DigestLanguage, first: boolean, answerAction?: (groupId: string) => Record<string, unknown>): Array<Record<string, unknown>> {
  const { lang, L, eventName, groupName, followName, byEvent } = x;
  return [
    { type: 'TextBlock', text: L('digest.title'), weight: 'Bolder', size: 'Medium', wrap: true, separator: !first },
    { type: 'TextBlock', text: `${L('digest.newConfirmations')} (${content.newConfirmations.length})`, weight: 'Bolder', wrap: true },
    ...[...byEvent].flatMap(([eventId, list]) => [
      literal(eventName(eventId, lang), { spacing: 'Medium' }),
      ...list.map((c) => literal(`${c.name}, ${c.organisation}, ${groupName(c.group)}, ${c.country}, ${c.email}, ${c.reference}`)),
    ]),
    { type: 'TextBlock', text: `${L('digest.cancellations')} (${content.cancellations.length})`, weight: 'Bolder', wrap: true },
    ...content.cancellations.map((c) => literal(`${c.reference}: ${c.name}, ${eventName(c.eventId, lang)}`)),
    { type: 'TextBlock', text: L('digest.totals'), weight: 'Bolder', wrap: true },
    { type: 'FactSet', facts: content.totals.byEvent.map(([e, n]) => ({ title: eventName(e, lang).slice(0, 60), value: String(n) })) },
    { type: 'TextBlock', text: `${L('digest.openFollowUps')}: ${content.openFollowUps.map(([f, n]) => `${followName(f)} ${n}`).join(', ') || L('digest.none')}`, wrap: true },
    { type: 'TextBlock', text: `${L('digest.unanswered')} (${content.unanswered.reduce((s, q) => s + q.count, 0)})`, weight: 'Bolder', wrap: true },
    ...content.unanswered.slice(0, 20).map((q) => literal(`${q.count > 1 ? `${q.count}× ` : ''}${q.text}`)),
    ...openQuestionsCard(content, L, answerAction),
  ];
}
