import { CardFactory, MessageFactory, TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import { escapeMarkdown } from '../bot/markdown';
import type { Lang, Translate } from '../vocabulary';
import type { AskedQuestion, OrganisersAnswer } from './repository';

/** Where the built-in Direct Line's replies go: its connector's address holds a secret that changes at each start, so it is never stored. */
export const BUILTIN_DIRECTLINE = 'builtin:directline';
const BUILTIN_CONNECTOR = /\/directline-connector\/[0-9a-f]+\/?$/;

/** The conversation to answer in later, as it may be stored: the built-in Direct Line's connector named, not addressed. */
export function storableReference(activity: Partial<Activity>): Record<string, unknown> {
  const reference = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
  if (typeof reference['serviceUrl'] === 'string' && BUILTIN_CONNECTOR.test(reference['serviceUrl'])) reference['serviceUrl'] = BUILTIN_DIRECTLINE;
  return reference;
}

/** Posts a message into a stored conversation; resolves once the channel accepted it. */
export type ConversationSender = (reference: Record<string, unknown>, message: Partial<Activity>) => Promise<void>;

/**
 * Sends proactively, as the digests do: Teams and other channels through the channel adapter, the
 * built-in web chat through its own adapter at its connector's current address.
 */
export function conversationSender(channels: { adapter: CloudAdapter; appId: string }, builtin: { adapter: CloudAdapter; connectorUrl: () => string }): ConversationSender {
  return async (stored, message) => {
    const local = stored['serviceUrl'] === BUILTIN_DIRECTLINE;
    const reference = (local ? { ...stored, serviceUrl: builtin.connectorUrl() } : stored) as Partial<ConversationReference>;
    const adapter = local ? builtin.adapter : channels.adapter;
    // The adapter's turn-error handler would swallow a failed send: catch it here and report it.
    let failure: unknown;
    await adapter.continueConversationAsync(local ? '' : channels.appId, reference, async (context) => {
      try {
        await context.sendActivity(message);
      } catch (e) {
        failure = e;
      }
    });
    if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  };
}

/** Posts a card to an organisers' conversation (resolving with the activity's id) and updates it in place later. */
export interface CardPoster {
  post(reference: Record<string, unknown>, card: Record<string, unknown>, summary: string): Promise<string | undefined>;
  update(reference: Record<string, unknown>, activityId: string, card: Record<string, unknown>, summary: string): Promise<void>;
}

/** The organisers' cards through the channel adapter: Teams keeps the activity id, with which the card is replaced later. */
export function cardPoster(adapter: CloudAdapter, appId: string): CardPoster {
  const withContext = async <T>(reference: Record<string, unknown>, act: (context: TurnContext) => Promise<T>): Promise<T> => {
    // The adapter's turn-error handler would swallow a failure: catch it here and report it.
    let failure: unknown;
    let result: T | undefined;
    await adapter.continueConversationAsync(appId, reference as unknown as Partial<ConversationReference>, async (context) => {
      try {
        result = await act(context);
      } catch (e) {
        failure = e;
      }
    });
    if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
    return result as T;
  };
  const message = (card: Record<string, unknown>, summary: string) => {
    const m = MessageFactory.attachment(CardFactory.adaptiveCard(card));
    m.summary = summary;
    return m;
  };
  return {
    post: (reference, card, summary) => withContext(reference, async (context) => (await context.sendActivity(message(card, summary)))?.id),
    update: (reference, activityId, card, summary) =>
      withContext(reference, async (context) => {
        await context.updateActivity({ ...message(card, summary), id: activityId, conversation: context.activity.conversation });
      }),
  };
}

/** The answer as the asker reads it: marked as the organisers', their question quoted, in their language. */
export function answerMessage(t: Translate, asked: Pick<AskedQuestion, 'text' | 'answerLanguage'>, answer: OrganisersAnswer): Partial<Activity> {
  const lang: Lang = asked.answerLanguage;
  const text = [`**${t(lang, 'questions.delivered.heading')}**`, t(lang, 'questions.delivered.yourQuestion'), `> ${escapeMarkdown(asked.text).replace(/\n/g, '\n> ')}`, answer[lang], `*${t(lang, 'questions.delivered.signature', { date: answer.answeredAt.slice(0, 10) })}*`].join('\n\n');
  const message = MessageFactory.text(text);
  message.textFormat = 'markdown';
  message.locale = lang === 'fr' ? 'fr-FR' : 'en-US';
  return message;
}

/** The same answer by email, for an asker whose conversation cannot be reached. */
export function answerMail(t: Translate, asked: Pick<AskedQuestion, 'text' | 'answerLanguage'>, answer: OrganisersAnswer): { subject: string; text: string; html: string } {
  const lang = asked.answerLanguage;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const heading = t(lang, 'questions.delivered.heading');
  const intro = t(lang, 'questions.delivered.yourQuestion');
  const signature = t(lang, 'questions.delivered.signature', { date: answer.answeredAt.slice(0, 10) });
  return {
    subject: t(lang, 'questions.mail.subject'),
    text: `${heading}\n\n${intro}\n\n> ${asked.text}\n\n${answer[lang]}\n\n${signature}\n`,
    html: `<p><strong>${esc(heading)}</strong></p><p>${esc(intro)}</p><blockquote>${esc(asked.text)}</blockquote><p>${esc(answer[lang])}</p><p><em>${esc(signature)}</em></p>`,
  };
}
