import type { Confirmation } from '../src/confirmations/confirmation';
import type { ConfirmationDraft, ConfirmationService } from '../src/confirmations/service';
import type { Lang } from '../src/knowledge/analyzer';
import type { Translate } from '../src/knowledge/answerer';
import { escapeMarkdown } from '../src/bot/markdown';

/** The draft as a Markdown list, every participant-given value escaped. */
export function draftSummary(t: Translate, service: ConfirmationService, lang: Lang, d: ConfirmationDraft): string {
  const event = service.event(d.eventId);
  const rows: Array<[string, string | undefined]> = [
    ['event', event ? service.describeEvent(event, lang) : undefined],
    ['name', d.name],
    ['organisation', d.organisation],
    ['email', d.email],
    ['group', d.group ? t(lang, `groups.${d.group}`) : undefined],
    ['country', d.country],
    ['sessionLanguage', d.sessionLanguage ? t(lang, `languages.${d.sessionLanguage}`) : undefined],
  ];
  const colon = lang === 'fr' ? ' : ' : ': ';
  return rows.map(([k, v]) => `- ${t(lang, `confirm.fields.${k}`)}${colon}${v ? escapeMarkdown(v) : '—'}`).join('\n');
}

/** After recording: the reference, what happens next (per the note) and the email to send. */
export function recordedMessage(t: Translate, service: ConfirmationService, lang: Lang, c: Confirmation, outcome: string): string {
  const email = service.prepareEmail(c, lang);
  const event = service.event(c.eventId);
  return [
    t(lang, outcome === 'created' ? 'confirm.recorded' : 'confirm.recordedAgain', { reference: c.reference, event: event ? service.describeEvent(event, lang) : c.eventId }),
    t(lang, 'confirm.next'),
    t(lang, 'confirm.sendEmail', { mailto: email.mailto, to: email.to.join(lang === 'fr' ? ' et ' : ' and ') }),
    `${t(lang, 'confirm.copy')}\n\n${quotedLines([`**${escapeMarkdown(email.subject)}**`, ...email.body.split('\n').map(escapeMarkdown)])}`,
  ].join('\n\n');
}

/**
 * Lines kept as lines in a quote, in Web Chat's and Teams' Markdown alike: a single line break is
 * joined into the paragraph there, so each line is a paragraph of its own; blank lines stay blank.
 */
function quotedLines(lines: string[]): string {
  return lines
    .filter((line, i) => line.trim() || (i > 0 && lines[i - 1]!.trim()))
    .map((line) => (line.trim() ? `> ${line}` : '>'))
    .join('\n>\n');
}

/** A participant's confirmations as a list: reference, event, status. */
export function confirmationList(t: Translate, service: ConfirmationService, lang: Lang, list: Confirmation[]): string {
  return list
    .map((c) => {
      const event = service.event(c.eventId);
      return `- **${c.reference}** — ${event ? service.describeEvent(event, lang) : c.eventId} — ${t(lang, `status.${c.status}`)} (${escapeMarkdown(c.name)}, ${escapeMarkdown(c.email)})`;
    })
    .join('\n');
}
