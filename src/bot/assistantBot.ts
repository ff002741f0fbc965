import { ActivityHandler, ActivityTypes, MessageFactory, TurnContext, type Activity, type ConversationState, type InvokeResponse, type StatePropertyAccessor, type UserState } from 'botbuilder';
import { DialogSet, type DialogContext, type DialogState } from 'botbuilder-dialogs';
import { CancellationDialog } from '../../dialogs/cancellationDialog';
import { ConfirmationDialog } from '../../dialogs/confirmationDialog';
import { AskOrganisersDialog } from '../../dialogs/askOrganisersDialog';
import { DeleteDataDialog } from '../../dialogs/deleteDataDialog';
import type { ConfirmationService } from '../confirmations/service';
import { confirmationRoutes, organiserRoutes } from '../confirmations/turns';
import type { DigestService } from '../digests/service';
import { digestRoutes } from '../digests/turns';
import type { FeedbackRepository } from '../feedback/repository';
import { recordFeedback, teamsFeedback, webChatFeedback, type FeedbackTurnDeps } from '../feedback/turns';
import type { AnswerSource } from '../knowledge/answerer';
import { chooseLanguage, guessLanguage, languageSwitch, localeToLang } from '../knowledge/language';
import type { Logger } from '../logger';
import { isValidZone, type Clock } from '../schedule/time';
import type { SourceService } from '../sources/service';
import { sourceRoutes } from '../sources/turns';
import type { QuestionService } from '../questions/service';
import { answerFromCard, replyToCardSubmit } from '../questions/teamsCard';
import { queueFrom, questionRoutes } from '../questions/turns';
import type { UnansweredQuestionRepository } from '../questions/unanswered';
import type { Lang, Translate } from '../vocabulary';
import { detectCommand } from './commands';
import { answerRoute, dialogRoute, languageOnlyRoute, originalRoute, smallTalkRoute } from './conversationRoutes';
import type { ChannelTrust } from './identity';
import { emptyMemory, type ConversationMemory, type UserProfile } from './state';
import { cleanText, MARKUP_SLACK } from './text';
import { replyText, runRoutes, type Route, type Turn } from './turn';
import { DELIVERY_FAILED } from './turnFlags';
import { TurnOrder, type TurnLeases, type TurnOrderTrouble } from './turnOrder';

export type { ConversationMemory, UserProfile };
export { cleanText };

export interface AssistantBotDeps {
  readonly answerer: AnswerSource;
  readonly t: Translate;
  readonly clock: Clock;
  readonly unanswered: UnansweredQuestionRepository;
  readonly conversationState: ConversationState;
  readonly userState: UserState;
  readonly logger: Logger;
  readonly maxMessageLength: number;
  readonly confirmations: ConfirmationService;
  /** Teams AAD object ids (or Teams user ids) of the organisers; trusted only from signed Teams requests. */
  readonly organiserIds: readonly string[];
  /** How the bot tells a request a channel authenticated from one a client made up. */
  readonly trust: ChannelTrust;
  readonly digests?: DigestService | undefined;
  readonly feedback?: FeedbackRepository | undefined;
  /** Admins (Teams AAD object ids) and the sources they manage. */
  readonly adminIds?: readonly string[];
  readonly sources?: SourceService | undefined;
  /** Public address of the bot, for links to calendar files. */
  readonly publicUrl?: string | undefined;
  /** With a model: generated answers are streamed (Teams one-to-one chats, Web Chat), one update per interval at most. */
  readonly streaming?: { readonly intervalMs: number } | undefined;
  /** Questions asked of the organisers, and their answers brought back. */
  readonly questions?: QuestionService | undefined;
  /** The longest a turn waits for the previous turn of its conversation; default 10 s (a channel waits 15 s for a turn's answer). */
  readonly turnWaitMs?: number;
  /** With instances sharing a database: the leases that order a conversation's turns between them. */
  readonly turnLeases?: TurnLeases | undefined;
}

/**
 * The participant-facing bot: reads a message (state, language, checks), then hands it to the first
 * route that takes it — the dialog in progress, the features' commands (confirmations, organisers,
 * digests, sources), small talk, "original", and last the answer from the sources. The routes live
 * beside their features; rendering is src/bot/render.ts. The domain knows nothing of botbuilder.
 */
export class AssistantBot extends ActivityHandler {
  private readonly profile: StatePropertyAccessor<UserProfile>;
  private readonly memory: StatePropertyAccessor<ConversationMemory>;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly dialogs: DialogSet;
  private readonly dialogFirst: Route;
  private readonly routes: readonly Route[];
  private readonly feedback: FeedbackTurnDeps;
  private readonly order: TurnOrder;

  constructor(private readonly deps: AssistantBotDeps) {
    super();
    const onError = (err: unknown, trouble: TurnOrderTrouble) =>
      deps.logger.warn({ err }, trouble === 'wait' ? 'turn order: the previous turn still held the conversation; this turn runs anyway' : `turn order: could not ${trouble} the conversation's lease; the turn runs`);
    this.order = new TurnOrder({ maxWaitMs: deps.turnWaitMs ?? 10_000, leases: deps.turnLeases, onError });
    this.profile = deps.userState.createProperty<UserProfile>('profile');
    this.memory = deps.conversationState.createProperty<ConversationMemory>('memory');
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.dialogs = new DialogSet(this.dialogState);
    this.dialogs.add(new ConfirmationDialog(deps.confirmations, deps.t, (text) => deps.answerer.eventsNamedIn(text), deps.logger));
    this.dialogs.add(new CancellationDialog(deps.confirmations, deps.t));
    this.dialogs.add(
      new DeleteDataDialog(deps.confirmations, deps.t, async (context) => {
        await this.profile.delete(context);
        await this.memory.set(context, emptyMemory());
        await deps.questions?.forget(context.activity.channelId, context.activity.from.id);
      }),
    );
    if (deps.questions) this.dialogs.add(new AskOrganisersDialog(deps.t, queueFrom(deps.questions)));
    const people = { trust: deps.trust, organiserIds: deps.organiserIds, adminIds: deps.adminIds ?? [] };
    this.dialogFirst = dialogRoute(deps);
    this.routes = [
      languageOnlyRoute(deps),
      ...confirmationRoutes(deps),
      ...organiserRoutes({ ...deps, ...people }),
      ...digestRoutes({ ...deps, ...people }),
      ...sourceRoutes({ ...deps, ...people }),
      ...questionRoutes(deps),
      smallTalkRoute(deps),
      originalRoute(deps),
      answerRoute(deps),
    ];
    this.feedback = { feedback: deps.feedback, clock: deps.clock, memory: (context) => this.memory.get(context, emptyMemory()) };

    this.onMessage(async (context, next) => {
      // A card's "Send the answer" carries a value and no text: it is not a message to read.
      if (!(await this.cardAnswer(context))) await this.handleMessage(context);
      await next();
    });
    // The web page says when a participant opens a new conversation: greet them as Teams members are.
    this.onEvent(async (context, next) => {
      if (context.activity.name === 'webchat/join') await this.greet(context);
      const vote = webChatFeedback(context);
      if (vote) await recordFeedback(this.feedback, context, vote);
      await next();
    });
    // One greeting per update, however many members it names: a client cannot make the bot send more.
    this.onMembersAdded(async (context, next) => {
      if ((context.activity.membersAdded ?? []).some((member) => member.id !== context.activity.recipient?.id)) await this.greet(context);
      await next();
    });
  }

  /**
   * One turn of a conversation at a time: a turn reads the state the previous one saved (see
   * turnOrder.ts). Typing indicators and invokes change no conversation state, and an invoke must be
   * answered within the channel's request: they do not queue.
   */
  override async run(context: TurnContext): Promise<void> {
    const { type, channelId, conversation } = context.activity;
    const turn = async () => {
      await super.run(context);
      await this.deps.conversationState.saveChanges(context, false);
      await this.deps.userState.saveChanges(context, false);
    };
    if (type === ActivityTypes.Typing || type === ActivityTypes.Invoke) return turn();
    await this.order.run(JSON.stringify([channelId ?? '', conversation?.id ?? '']), turn);
  }

  /** Resolves once the turns running or waiting now have ended (their state saved), or after `ms`. */
  idle(ms: number): Promise<void> {
    return this.order.idle(ms);
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const answered = await this.cardAnswer(context);
    if (typeof answered === 'object') return answered;
    const vote = teamsFeedback(context);
    // Teams sends message/submitAction only for the feedback buttons; any other action is not the bot's to take.
    if (!vote && context.activity.name === 'message/submitAction') return { status: 400, body: { error: { code: 'BAD_REQUEST', message: 'Unknown message action.' } } };
    if (!vote) return super.onInvokeActivity(context);
    await recordFeedback(this.feedback, context, vote);
    return { status: 200, body: {} };
  }

  /** The organisers' answer from a question's card; false when the activity is no such submit. */
  private async cardAnswer(context: TurnContext): Promise<InvokeResponse | boolean> {
    const reply = await answerFromCard({ ...this.deps, organiserIds: this.deps.organiserIds }, context);
    if (reply === undefined) return false;
    return (await replyToCardSubmit(context, reply, localeToLang(context.activity.locale) ?? 'en')) ?? true;
  }

  private async greet(context: TurnContext): Promise<void> {
    const first = localeToLang(context.activity.locale) ?? 'en';
    const second: Lang = first === 'en' ? 'fr' : 'en';
    const text = `${this.deps.t(first, 'greeting')}\n\n${this.deps.t(second, 'greeting')}`;
    await context.sendActivity(MessageFactory.suggestedActions([this.deps.t(first, 'suggest.dates'), this.deps.t(first, 'suggest.register'), this.deps.t(first, 'suggest.confirm')], text));
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const profile = await this.profile.get(context, {});
    const memory = await this.memory.get(context, emptyMemory());
    const timezone = channelTimezone(activity);
    if (timezone) profile.timezone = timezone;
    // Teams and the web page show "typing…" until the answer comes.
    if (['msteams', 'directline'].includes(activity.channelId) && activity.deliveryMode !== 'expectReplies') await this.showTyping(context);

    const fallbackLang = profile.language ?? memory.lastLang ?? localeToLang(activity.locale) ?? 'en';
    // The same test as DialogContext.activeDialog: the stack of the dialogs in progress is not empty.
    const inDialog = ((await this.dialogState.get(context))?.dialogStack?.length ?? 0) > 0;
    const text = await this.readText(context, profile, inDialog ? (memory.dialogLang ?? fallbackLang) : fallbackLang, inDialog);
    if (text === undefined) {
      // A dialog asks its question again: the participant sees it still waits for the answer.
      if (inDialog) await (await this.dialogs.createContext(context)).repromptDialog();
      return;
    }

    let dc: Promise<DialogContext> | undefined;
    const turn: Turn = {
      context,
      inDialog,
      dialogContext: () => (dc ??= this.dialogs.createContext(context)),
      profile,
      memory,
      text,
      question: text,
      lang: fallbackLang,
      t: this.deps.t,
      reply: (reply, lang) => replyText(context, reply, lang ?? turn.lang),
    };
    if (this.dialogFirst.matches(turn)) return this.dialogFirst.run(turn);
    this.understand(turn);
    await runRoutes(this.routes, turn);
  }

  /**
   * The message as read, or undefined once a polite refusal is sent: too long (checked before any
   * cleaning: markup may make a message a few times longer than what it says), empty, or no words.
   */
  private async readText(context: TurnContext, profile: UserProfile, fallbackLang: Lang, inDialog: boolean): Promise<string | undefined> {
    const raw = mentionFree(context);
    const refuse = async (key: string, lang: Lang, vars: Record<string, number> = {}) => {
      await replyText(context, this.deps.t(lang, key, vars), lang);
      return undefined;
    };
    if (raw.length > this.deps.maxMessageLength * MARKUP_SLACK) {
      return refuse(inDialog ? 'input.tooLongInDialog' : 'input.tooLong', profile.language ?? guessLanguage(cleanText(raw.slice(0, 500))).lang ?? fallbackLang, { length: raw.length, max: this.deps.maxMessageLength });
    }
    const text = cleanText(raw);
    // In a dialog, only what was wrong is said: the dialog's own question follows.
    if (!text) return refuse(inDialog ? 'input.emptyInDialog' : 'input.empty', fallbackLang);
    if (text.length > this.deps.maxMessageLength) {
      return refuse(inDialog ? 'input.tooLongInDialog' : 'input.tooLong', profile.language ?? guessLanguage(text.slice(0, 500)).lang ?? fallbackLang, { length: text.length, max: this.deps.maxMessageLength });
    }
    if (!/[\p{L}\p{N}]/u.test(text)) return refuse(inDialog ? 'input.noWordsInDialog' : 'input.noWords', fallbackLang);
    return text;
  }

  /**
   * What the message asks, in which language: "in English please" switches (and re-asks the last
   * question, or only switches), the language is chosen from the text, then a command is recognised.
   */
  private understand(turn: Turn): void {
    const { profile, memory, context } = turn;
    const switchTo = languageSwitch(turn.text);
    if (switchTo) {
      profile.language = switchTo.lang;
      turn.question = switchTo.rest || memory.lastQuestion || '';
      if (!turn.question) {
        turn.lang = switchTo.lang;
        return;
      }
    }
    turn.lang = chooseLanguage(turn.question, { preferred: profile.language, previous: memory.lastLang, locale: context.activity.locale ?? channelLocale(context.activity) });
    turn.command = detectCommand(turn.question);
    if (turn.command) {
      // The dialogs a command may start speak the language of the turn.
      memory.lastLang = turn.lang;
      memory.dialogLang = turn.lang;
      context.activity.locale = turn.lang === 'fr' ? 'fr-fr' : 'en-us';
    }
  }

  /**
   * "typing…" sent through the adapter, not the turn: it is not an answer, and botbuilder's prompts
   * re-ask an invalid answer only when the turn has not responded yet.
   */
  private async showTyping(context: TurnContext): Promise<void> {
    const typing = TurnContext.applyConversationReference({ type: ActivityTypes.Typing }, TurnContext.getConversationReference(context.activity));
    try {
      await context.adapter.sendActivities(context, [typing]);
    } catch (e) {
      context.turnState.set(DELIVERY_FAILED, true);
      throw e;
    }
  }
}

/** The locale Teams reports in its clientInfo entity, when the activity has none. */
export function channelLocale(activity: Partial<Activity>): string | undefined {
  const info = (activity.entities ?? []).find((e) => e.type === 'clientInfo') as { locale?: unknown } | undefined;
  return typeof info?.locale === 'string' ? info.locale : undefined;
}

/** The zone a channel reports: Web Chat's localTimezone, or Teams' clientInfo entity. */
export function channelTimezone(activity: Partial<Activity>): string | undefined {
  const candidates = [activity.localTimezone, ...(activity.entities ?? []).filter((e) => e.type === 'clientInfo').map((e) => (e as { timezone?: string }).timezone)];
  return candidates.find((z): z is string => typeof z === 'string' && isValidZone(z));
}

function mentionFree(context: TurnContext): string {
  const activity = context.activity;
  if (activity.type !== ActivityTypes.Message) return '';
  const hasMention = (activity.entities ?? []).some((e) => e.type === 'mention');
  return (hasMention ? TurnContext.removeRecipientMention(activity) : activity.text) ?? activity.text ?? '';
}
