import { MessageFactory, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import { literal } from '../bot/cardText';
import { isTrustedMember, type ChannelTrust } from '../bot/identity';
import { localeToLang } from '../knowledge/language';
import type { Logger } from '../logger';
import type { Lang, Translate } from '../vocabulary';
import type { QuestionGroup } from './repository';
import { ANSWER_MAX_LENGTH, QuestionError, type QuestionService } from './service';

/** The verb (Action.Execute) and the `action` of the data (Action.Submit) of the card's "Send the answer". */
export const ANSWER_VERB = 'questions.answer';

/**
 * "Answer": a form shown under the question, for the answer in English and in French. Both fields
 * are sent with the question's group; the bot checks both are there, as the admin API does.
 */
export function answerAction(t: Translate, lang: Lang, groupId: string): Record<string, unknown> {
  const input = (id: string, label: string) => ({ type: 'Input.Text', id, label, isMultiline: true, maxLength: ANSWER_MAX_LENGTH });
  const data = { action: ANSWER_VERB, groupId };
  return {
    type: 'Action.ShowCard',
    title: t(lang, 'questions.card.answer'),
    card: {
      type: 'AdaptiveCard',
      body: [input('answerEn', t(lang, 'questions.card.inEnglish')), input('answerFr', t(lang, 'questions.card.inFrench'))],
      actions: [{ type: 'Action.Submit', title: t(lang, 'questions.card.send'), data }],
    },
  };
}

/**
 * The card the organisers' Teams conversation receives when participants ask something new; once
 * answered, the same card (updated in place) says by whom and when, with the answer in both
 * languages and no form: no one answers it twice by mistake.
 */
export function questionCard(t: Translate, lang: Lang, group: Pick<QuestionGroup, 'id' | 'text' | 'askers'> & { readonly answer?: QuestionGroup['answer'] }): Record<string, unknown> {
  const answer = group.answer;
  const answered = answer
    ? [
        { type: 'TextBlock', text: t(lang, 'questions.card.answered', { by: answer.answeredBy, date: answer.answeredAt.slice(0, 10) }), weight: 'Bolder', spacing: 'Medium', wrap: true },
        { type: 'TextBlock', text: t(lang, 'questions.card.inEnglish'), isSubtle: true, wrap: true },
        literal(answer.en),
        { type: 'TextBlock', text: t(lang, 'questions.card.inFrench'), isSubtle: true, wrap: true },
        literal(answer.fr),
      ]
    : [];
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: t(lang, 'questions.card.title'), weight: 'Bolder', size: 'Medium', wrap: true },
      // The participant's words: a TextRun, never read as Markdown.
      literal(group.text, { spacing: 'Medium' }),
      { type: 'TextBlock', text: t(lang, 'digest.askers', { count: group.askers }), isSubtle: true, wrap: true },
      ...answered,
    ],
    actions: answer ? [] : [answerAction(t, lang, group.id)],
  };
}

/** What a card's "Send the answer" carries: an Action.Submit's message value or an Action.Execute invoke. */
export function cardSubmit(activity: Partial<Activity>): { groupId: string; en: string; fr: string } | undefined {
  const value = activity.value as Record<string, unknown> | undefined;
  if (!value || typeof value !== 'object') return undefined;
  let data: Record<string, unknown> | undefined;
  if (activity.type === 'message' && value['action'] === ANSWER_VERB) data = value;
  const execute = value['action'] as { verb?: unknown; data?: unknown } | undefined;
  if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action' && execute?.verb === ANSWER_VERB && execute.data && typeof execute.data === 'object') data = execute.data as Record<string, unknown>;
  if (!data || typeof data['groupId'] !== 'string') return undefined;
  const field = (v: unknown) => (typeof v === 'string' ? v : '');
  return { groupId: data['groupId'], en: field(data['answerEn']), fr: field(data['answerFr']) };
}

export interface CardAnswerDeps {
  readonly questions?: QuestionService | undefined;
  readonly t: Translate;
  readonly trust: ChannelTrust;
  readonly organiserIds: readonly string[];
  readonly logger: Logger;
}

/**
 * The organisers' answer from the card: only an organiser whose Teams request was signed may send it;
 * it is recorded exactly as through the admin API (both languages, each asker answered in theirs).
 * Resolves with the reply, in the organiser's language; undefined when the activity is no such submit.
 */
export async function answerFromCard(d: CardAnswerDeps, context: TurnContext): Promise<string | undefined> {
  const submit = cardSubmit(context.activity);
  if (!submit || !d.questions) return undefined;
  const lang = localeToLang(context.activity.locale) ?? 'en';
  if (!isTrustedMember(context, d.trust, d.organiserIds)) return d.t(lang, 'organiser.only');
  if (submit.en.length > ANSWER_MAX_LENGTH || submit.fr.length > ANSWER_MAX_LENGTH) return d.t(lang, 'questions.card.tooLong', { max: ANSWER_MAX_LENGTH });
  const from = context.activity.from;
  try {
    const group = await d.questions.answer(submit.groupId, submit, `teams:${from.aadObjectId ?? from.id}`);
    d.logger.info({ event: 'question-answered', via: 'teams', askers: group.askers }, "organisers' answer recorded from Teams");
    return d.t(lang, 'questions.card.saved', { count: group.askers });
  } catch (e) {
    if (!(e instanceof QuestionError)) throw e;
    if (e.code === 'MISSING_LANGUAGE') return d.t(lang, `questions.card.missing.${e.missing.join('-')}`);
    return d.t(lang, 'questions.card.notFound');
  }
}

/** The reply to a card's submit: a message for Action.Submit, the invoke's response for Action.Execute. */
export async function replyToCardSubmit(context: TurnContext, text: string, lang: Lang): Promise<InvokeResponse | undefined> {
  const message = MessageFactory.text(text);
  message.locale = lang === 'fr' ? 'fr-FR' : 'en-US';
  if (context.activity.type !== 'invoke') {
    await context.sendActivity(message);
    return undefined;
  }
  // A message, not a new card: a refusal keeps the form and what the organiser typed in it.
  return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } };
}
