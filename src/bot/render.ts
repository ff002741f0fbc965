import { ActionTypes, MessageFactory, type Activity, type CardAction } from 'botbuilder';
import type { Answer, AnswerSource } from '../knowledge/answerer';
import { hasCalendarDate } from '../schedule/ics';
import type { Translate } from '../vocabulary';

export interface RenderDeps {
  readonly t: Translate;
  readonly answerer: Pick<AnswerSource, 'eventsById'>;
  /** Public address of the bot, for links to calendar files. */
  readonly publicUrl?: string | undefined;
}

/**
 * The answer as a Markdown message: the direct answer with one numbered marker per reference
 * ("[1] [2]", never "[1][2]", which Markdown reads as one link), the cited passage only where it
 * adds to the answer, the sources, next steps; citations also as Schema.org Claims titled with their
 * section (Web Chat and Teams show them), thumbs up and down, and "Add to my calendar" for dated events.
 */
export function renderAnswer(deps: RenderDeps, answer: Answer, feedbackKey?: string, opts: { offerOriginal?: boolean } = {}): Partial<Activity> {
  const { t } = deps;
  const citations = answer.citations.filter((c, i) => answer.citations.findIndex((d) => d.passageId === c.passageId) === i);
  const markers = citations.map((_c, i) => `[${i + 1}]`).join(' ');
  const parts = [markers ? `${answer.text} ${markers}` : answer.text];
  if (answer.quoteAdds !== false) for (const c of citations) if (quoteAdds(c.excerpt, answer.text)) parts.push(`> ${escapeQuote(c.excerpt)}`);
  const byLabel = new Map<string, number[]>();
  citations.forEach((c, i) => byLabel.set(c.label, [...(byLabel.get(c.label) ?? []), i + 1]));
  if (byLabel.size === 1) parts.push(`*${t(answer.lang, 'citation.source', { label: citations[0]!.label })}*`);
  else if (byLabel.size > 1) parts.push(`*${t(answer.lang, 'citation.sources', { labels: [...byLabel].map(([label, ns]) => `${ns.map((n) => `[${n}]`).join(' ')} ${label}`).join(' · ') })}*`);
  if (opts.offerOriginal && citations.length && answer.lang === 'en') parts.push(t('en', 'citation.originalHint'));
  // Reference definitions: invisible in Markdown, read by Web Chat and Teams as citations.
  if (citations.length) parts.push(citations.map((c, i) => `[${i + 1}]: cite:${i + 1} "${c.label.replace(/"/g, "'")}"`).join('\n'));
  const actions: CardAction[] = [...calendarActions(deps, answer), ...answer.suggestions.map((s) => ({ type: ActionTypes.ImBack, title: s, value: s }))];
  const message = MessageFactory.suggestedActions(actions, parts.join('\n\n'));
  message.textFormat = 'markdown';
  message.locale = answer.lang === 'fr' ? 'fr-FR' : 'en-US';
  if (answer.kind !== 'abstain' || feedbackKey) message.entities = [messageEntity(citations, feedbackKey, answer.generated === true)];
  if (feedbackKey) message.channelData = { feedbackLoopEnabled: true };
  return message;
}

/** "Add to my calendar" for the dated events of a schedule answer. */
function calendarActions(deps: RenderDeps, answer: Answer): CardAction[] {
  if (answer.kind !== 'schedule' || !deps.publicUrl) return [];
  return deps.answerer
    .eventsById(answer.eventIds)
    .filter(hasCalendarDate)
    .slice(0, 3)
    .map((e) => ({
      type: ActionTypes.OpenUrl,
      title: answer.eventIds.length > 1 ? deps.t(answer.lang, 'calendar.addEvent', { event: e.short[answer.lang] }) : deps.t(answer.lang, 'calendar.add'),
      value: `${deps.publicUrl}/api/calendar/${e.id}.ics?lang=${answer.lang}`,
    }));
}

/** The Schema.org Message entity: citations as Claims, and the thumbs up and down. */
function messageEntity(citations: Answer['citations'], feedbackKey: string | undefined, generated: boolean): { type: string } & Record<string, unknown> {
  return {
    type: 'https://schema.org/Message',
    '@type': 'Message',
    '@context': 'https://schema.org',
    '@id': '',
    citation: citations.map((c, i) => ({
      '@id': `_:c${i + 1}`,
      '@type': 'Claim',
      // Web Chat reads the position as text, Teams as a number: text works in both.
      position: String(i + 1),
      appearance: { '@type': 'DigitalDocument', encodingFormat: 'text/markdown', name: referenceTitle(c, citations), abstract: c.excerpt.slice(0, 160), text: `${c.excerpt}\n\n${c.label}` },
    })),
    // Teams and Web Chat label a message "AI generated" by this type; extractive answers carry none.
    ...(generated ? { additionalType: ['AIGeneratedContent'] } : {}),
    ...(feedbackKey
      ? { potentialAction: [{ '@type': 'LikeAction', '@id': `${feedbackKey}:like`, actionStatus: 'PotentialActionStatus' }, { '@type': 'DislikeAction', '@id': `${feedbackKey}:dislike`, actionStatus: 'PotentialActionStatus' }] }
      : {}),
  };
}

/**
 * A reference's title: the section it comes from ("§3 Proposed schedule … — Global forum …"); when
 * another reference of the answer comes from the same section, the start of its own passage first,
 * so that the two differ where Web Chat and Teams cut titles short.
 */
function referenceTitle(c: Answer['citations'][number], all: Answer['citations']): string {
  const section = c.label.replace(/^[^,]*,\s*/, '');
  const title = section.charAt(0).toUpperCase() + section.slice(1);
  if (all.filter((d) => d.label === c.label).length < 2) return title;
  const start = c.excerpt.length > 40 ? `${c.excerpt.slice(0, 40).replace(/\s+\S*$/, '')}…` : c.excerpt;
  const own = title.includes(' — ') ? `${title.slice(0, title.indexOf(' ')).trim()} ${title.slice(title.lastIndexOf(' — ') + 3)}` : title;
  return `“${start}” · ${own}`;
}

/** Whether quoting a passage tells more than the answer already does: most of its words are not in the answer. */
function quoteAdds(excerpt: string, answer: string): boolean {
  const words = (text: string) => text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').match(/[a-z0-9]{4,}/g) ?? [];
  const said = new Set(words(answer));
  const own = words(excerpt);
  return own.length > 0 && own.filter((w) => !said.has(w)).length / own.length > 0.4;
}

function escapeQuote(text: string): string {
  return text.replace(/\n/g, '\n> ');
}
