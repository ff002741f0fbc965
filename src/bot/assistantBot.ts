import { ActionTypes, ActivityHandler, ActivityTypes, MessageFactory, TurnContext, type CardAction, type InvokeResponse, type Activity, type ConversationState, type StatePropertyAccessor, type UserState } from 'botbuilder';
import { DialogSet, type DialogState } from 'botbuilder-dialogs';
import { CancellationDialog } from '../../dialogs/cancellationDialog';
import { ConfirmationDialog, type ConfirmationOptions } from '../../dialogs/confirmationDialog';
import { DeleteDataDialog } from '../../dialogs/deleteDataDialog';
import { DialogIds } from '../../dialogs/ids';
import { confirmationList } from '../../dialogs/messages';
import { CANCEL_WORDS } from '../../dialogs/yesNo';
import type { Confirmation } from '../confirmations/confirmation';
import type { ConfirmationService } from '../confirmations/service';
import { detectCommand, organiserListTarget, type Command } from './commands';
import { escapeMarkdown } from './markdown';
import { isTrustedMember, type ChannelTrust } from './identity';
import { DELIVERY_FAILED } from './turnFlags';
import type { DigestService } from '../digests/service';
import type { SourceService } from '../sources/service';
import type { FeedbackRepository } from '../feedback/repository';
import { hasCalendarDate } from '../schedule/ics';
import { randomUUID } from 'node:crypto';
import { isValidZone } from '../schedule/time';
import type { Lang } from '../knowledge/analyzer';
import type { Answer, AnswerSource, Translate } from '../knowledge/answerer';
import { chooseLanguage, guessLanguage, languageSwitch, localeToLang } from '../knowledge/language';
import type { Clock } from '../schedule/time';
import type { UnansweredQuestionRepository } from '../storage/unansweredQuestions';
import type { Logger } from '../logger';

/** What the bot remembers about a participant across conversations. */
export interface UserProfile {
  /** Language the participant asked for explicitly ("in English please"); wins over detection. */
  language?: Lang;
  /** Last time zone a channel reported for the participant. */
  timezone?: string;
}

/** What the bot remembers of a conversation, for follow-up questions. */
export interface ConversationMemory {
  lastQuestion?: string;
  lastLang?: Lang;
  eventIds: string[];
  sectionId?: string;
  /** What the last question asked for (date, time …), for "and the forum?". */
  needs?: string[];
  citedPassages: string[];
  /** Language of the dialog in progress, so that its prompts understand the answers. */
  dialogLang?: Lang;
  /** The last answers, so that a thumbs up or down can say which question it was about. */
  answers?: Array<{ keys: string[]; question: string; kind: string; lang: Lang }>;
  /** "Say original to see the French text" has been offered: once per conversation is enough. */
  originalOffered?: boolean;
}

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
  /** Admins (channel user ids or AAD object ids) and the sources they manage. */
  readonly adminIds?: readonly string[];
  readonly sources?: SourceService | undefined;
  /** Public address of the bot, for links to calendar files. */
  readonly publicUrl?: string | undefined;
}

/** Greetings, thanks and requests for help: answered by the bot itself, never logged as unanswered. */
const SMALL_TALK: Array<[RegExp, 'hello' | 'thanks' | 'help']> = [
  [/^(hi|hello|hey|good (morning|afternoon|evening)|greetings|bonjour|bonsoir|salut|coucou|hello there)( (bot|there|assistant))?[\s!.,]*$/, 'hello'],
  [/^(thanks?( you)?( (very much|so much|a lot))?|thx|ty|cheers|great,? thanks|merci( (beaucoup|bien|infiniment))?|super,? merci|parfait,? merci|ok,? merci)[\s!.,]*$/, 'thanks'],
  [/^(help|aide|menu|start|\/start|commencer|what can you do|what do you do|que (peux|pouvez)[- ](tu|vous) faire|que sais-tu faire)[\s!.?,]*$/, 'help'],
];

const ORIGINAL = /^(original|the original|french original|show (me )?(the )?(french )?original( text)?|texte original|l'original|original en francais|voir (le texte |l')original|montrer (le texte |l')original)[?.!]*$/;

/**
 * The participant-facing bot: turns activities into calls to the answerer and back into replies.
 * Knows nothing of retrieval; the domain knows nothing of botbuilder.
 */
export class AssistantBot extends ActivityHandler {
  private readonly profile: StatePropertyAccessor<UserProfile>;
  private readonly memory: StatePropertyAccessor<ConversationMemory>;
  private readonly dialogs: DialogSet;

  constructor(private readonly deps: AssistantBotDeps) {
    super();
    this.profile = deps.userState.createProperty<UserProfile>('profile');
    this.memory = deps.conversationState.createProperty<ConversationMemory>('memory');
    this.dialogs = new DialogSet(deps.conversationState.createProperty<DialogState>('dialogState'));
    this.dialogs.add(new ConfirmationDialog(deps.confirmations, deps.t, (text) => deps.answerer.eventsNamedIn(text), deps.logger));
    this.dialogs.add(new CancellationDialog(deps.confirmations, deps.t));
    this.dialogs.add(
      new DeleteDataDialog(deps.confirmations, deps.t, async (context) => {
        await this.profile.delete(context);
        await this.memory.set(context, { eventIds: [], citedPassages: [] });
      }),
    );
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    // The web page says when a participant opens a new conversation: greet them as Teams members are.
    this.onEvent(async (context, next) => {
      if (context.activity.name === 'webchat/join') await this.greet(context);
      if (context.activity.name === 'webchat:activity-status/feedback') {
        const action = (context.activity.entities ?? [])[0] as { '@type'?: string; '@id'?: string } | undefined;
        const key = action?.['@id']?.replace(/:(like|dislike)$/, '');
        await this.recordFeedback(context, key, action?.['@type'] === 'DislikeAction' ? 'dislike' : 'like');
      }
      await next();
    });
    // One greeting per update, however many members it names: a client cannot make the bot send more.
    this.onMembersAdded(async (context, next) => {
      if ((context.activity.membersAdded ?? []).some((member) => member.id !== context.activity.recipient?.id)) await this.greet(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.deps.conversationState.saveChanges(context, false);
    await this.deps.userState.saveChanges(context, false);
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
    const memory = await this.memory.get(context, { eventIds: [], citedPassages: [] });
    const timezone = channelTimezone(activity);
    if (timezone) profile.timezone = timezone;

    // Teams and the web page show "typing…" until the answer comes.
    if (['msteams', 'directline'].includes(activity.channelId) && activity.deliveryMode !== 'expectReplies') {
      await this.showTyping(context);
    }
    const raw = mentionFree(context);
    const fallbackLang = profile.language ?? memory.lastLang ?? localeToLang(activity.locale) ?? 'en';
    // Checked before cleaning: markup may make a message a few times longer than what it says, but
    // one far beyond that is refused unread, whatever it is made of.
    if (raw.length > this.deps.maxMessageLength * MARKUP_SLACK) {
      const lang = profile.language ?? guessLanguage(cleanText(raw.slice(0, 500))).lang ?? fallbackLang;
      await this.reply(context, this.deps.t(lang, 'input.tooLong', { length: raw.length, max: this.deps.maxMessageLength }), lang);
      return;
    }
    const text = cleanText(raw);
    if (!text) {
      await this.reply(context, this.deps.t(fallbackLang, 'input.empty'), fallbackLang);
      return;
    }
    if (text.length > this.deps.maxMessageLength) {
      const lang = profile.language ?? guessLanguage(text.slice(0, 500)).lang ?? fallbackLang;
      await this.reply(context, this.deps.t(lang, 'input.tooLong', { length: text.length, max: this.deps.maxMessageLength }), lang);
      return;
    }
    if (!/[\p{L}\p{N}]/u.test(text)) {
      await this.reply(context, this.deps.t(fallbackLang, 'input.noWords'), fallbackLang);
      return;
    }

    // A dialog in progress takes the message, unless it cancels the dialog or asks a question.
    const dc = await this.dialogs.createContext(context);
    if (dc.activeDialog) {
      const dialogLang = memory.dialogLang ?? profile.language ?? memory.lastLang ?? 'en';
      activity.locale = dialogLang === 'fr' ? 'fr-fr' : 'en-us';
      if (CANCEL_WORDS.test(text)) {
        await dc.cancelAllDialogs();
        await this.reply(context, this.deps.t(dialogLang, 'dialog.cancelled'), dialogLang);
        return;
      }
      if (!/\?\s*$/.test(text) || text.length < 4) {
        await dc.continueDialog();
        return;
      }
      // A question in the middle of a dialog: answered, then the dialog asks again where it was.
      await context.sendActivity(this.render(await this.deps.answerer.answer(text, { lang: dialogLang, timezone: profile.timezone })));
      await dc.repromptDialog();
      return;
    }
    let question = text;
    const switchTo = languageSwitch(text);
    if (switchTo) {
      profile.language = switchTo.lang;
      if (switchTo.rest) question = switchTo.rest;
      else if (memory.lastQuestion) question = memory.lastQuestion;
      else {
        await this.reply(context, this.deps.t(switchTo.lang, 'language.switched'), switchTo.lang);
        memory.lastLang = switchTo.lang;
        return;
      }
    }
    const lang = chooseLanguage(question, { preferred: profile.language, previous: memory.lastLang, locale: activity.locale ?? channelLocale(activity) });

    const command = detectCommand(question);
    if (command) {
      memory.lastLang = lang;
      await this.runCommand(context, dc, command, question, lang, memory);
      return;
    }

    const folded = question.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim();
    const talk = SMALL_TALK.find(([re]) => re.test(folded))?.[1];
    if (talk) {
      const text = talk === 'thanks' ? this.deps.t(lang, 'smallTalk.thanks') : this.deps.t(lang, 'greeting');
      await context.sendActivity(MessageFactory.suggestedActions([this.deps.t(lang, 'suggest.dates'), this.deps.t(lang, 'suggest.register')], text));
      memory.lastLang = lang;
      return;
    }

    if (ORIGINAL.test(folded)) {
      await this.showOriginal(context, memory, lang);
      return;
    }

    const answer = await this.deps.answerer.answer(question, {
      lang,
      timezone: profile.timezone,
      previous: memory.lastQuestion || memory.eventIds.length || memory.sectionId
        ? { eventIds: memory.eventIds, sectionId: memory.sectionId, needs: memory.needs, question: memory.lastQuestion }
        : undefined,
    });
    if (answer.kind === 'abstain' || answer.partial) {
      await this.deps.unanswered.record({ text: question, language: lang, reason: answer.reason ?? 'no-match', askedAt: this.deps.clock.now() });
      this.deps.logger.info({ event: 'unanswered', language: lang, reason: answer.reason }, 'question not answered by the sources');
    }
    const feedbackKey = answer.kind === 'abstain' ? undefined : randomUUID();
    const offerOriginal = !memory.originalOffered && answer.citations.length > 0 && answer.lang === 'en';
    const sent = await context.sendActivity(this.render(answer, feedbackKey, { offerOriginal }));
    if (offerOriginal) memory.originalOffered = true;
    if (feedbackKey) {
      // Teams sends feedback with the id of the message; Web Chat with the key in the action.
      memory.answers = [...(memory.answers ?? []), { keys: [feedbackKey, ...(sent?.id ? [sent.id] : [])], question, kind: answer.kind, lang }].slice(-20);
    }
    memory.lastQuestion = question;
    memory.lastLang = lang;
    if (answer.kind !== 'abstain') {
      memory.eventIds = answer.eventIds;
      if (answer.sectionId) memory.sectionId = answer.sectionId;
      else delete memory.sectionId;
      memory.citedPassages = answer.citations.map((c) => c.passageId);
      memory.needs = answer.needs ?? [];
    } else {
      // The next question may lean on this one ("and for Africa?"), not on an older answer.
      memory.eventIds = [];
      delete memory.sectionId;
      memory.needs = answer.needs ?? [];
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

  private participant(context: TurnContext): { channelId: string; userId: string; aadObjectId?: string } {
    const a = context.activity;
    return { channelId: a.channelId, userId: a.from.id, ...(a.from.aadObjectId ? { aadObjectId: a.from.aadObjectId } : {}) };
  }

  private isOrganiser(context: TurnContext): boolean {
    return isTrustedMember(context, this.deps.trust, this.deps.organiserIds);
  }

  private async runCommand(context: TurnContext, dc: Awaited<ReturnType<DialogSet['createContext']>>, command: Command, text: string, lang: Lang, memory: ConversationMemory): Promise<void> {
    context.activity.locale = lang === 'fr' ? 'fr-fr' : 'en-us';
    memory.dialogLang = lang;
    const mine = () => this.deps.confirmations.forParticipant(this.participant(context));
    switch (command.kind) {
      case 'confirm': {
        const named = this.deps.answerer.eventsNamedIn(text).filter((e) => e.confirmationNeeded);
        const draft = { ...command.draft, ...(named.length === 1 ? { eventId: named[0]!.id } : {}) };
        await dc.beginDialog(DialogIds.confirmation, { draft, lang } satisfies ConfirmationOptions);
        return;
      }
      case 'change': {
        const active = (await mine()).filter((c) => c.status === 'confirmed');
        if (!active.length) {
          await this.reply(context, this.deps.t(lang, 'change.none'), lang);
          return;
        }
        const named = this.deps.answerer.eventsNamedIn(text).map((e) => e.id);
        const target = active.find((c) => named.includes(c.eventId)) ?? active[active.length - 1]!;
        const draft = { eventId: target.eventId, name: target.name, organisation: target.organisation, email: target.email, group: target.group, country: target.country, sessionLanguage: target.sessionLanguage, consent: true };
        await dc.beginDialog(DialogIds.confirmation, { draft, lang } satisfies ConfirmationOptions);
        return;
      }
      case 'cancelConfirmation':
        await dc.beginDialog(DialogIds.cancellation, { lang });
        return;
      case 'deleteData':
        await dc.beginDialog(DialogIds.deleteData, { lang });
        return;
      case 'myConfirmations': {
        const list = await mine();
        const profile = await this.profile.get(context, {});
        const held = [
          list.length ? `${this.deps.t(lang, 'mine.list')}\n\n${confirmationList(this.deps.t, this.deps.confirmations, lang, list)}` : this.deps.t(lang, 'mine.none'),
          this.deps.t(lang, 'mine.profile', {
            language: profile.language ? this.deps.t(lang, `languages.${profile.language}`) : this.deps.t(lang, 'mine.notSet'),
            timezone: profile.timezone ?? this.deps.t(lang, 'mine.notSet'),
          }),
          this.deps.t(lang, 'mine.howToDelete'),
        ];
        await this.reply(context, held.join('\n\n'), lang);
        return;
      }
      case 'subscribeDigest':
      case 'unsubscribeDigest':
      case 'digestNow': {
        if (!this.isOrganiser(context) || !this.deps.digests) {
          await this.reply(context, this.deps.t(lang, 'organiser.only'), lang);
          return;
        }
        const key = `${context.activity.channelId}:${context.activity.conversation.id}`;
        if (command.kind === 'subscribeDigest') {
          const reference = TurnContext.getConversationReference(context.activity) as unknown as Record<string, unknown>;
          await this.deps.digests.subscribe(key, reference, lang, context.activity.from.aadObjectId ?? context.activity.from.id);
          await this.reply(context, this.deps.t(lang, 'digest.subscribed'), lang);
        } else if (command.kind === 'unsubscribeDigest') {
          const removed = await this.deps.digests.unsubscribe(key);
          await this.reply(context, this.deps.t(lang, removed ? 'digest.unsubscribed' : 'digest.notSubscribed'), lang);
        } else {
          const run = await this.deps.digests.run('manual');
          const lines = run.results.map((r) =>
            this.deps.t(lang, `digest.result.${r.status}`, {
              destination: r.destination.startsWith('teams:') ? 'Teams' : 'email',
              confirmations: 'confirmations' in r ? r.confirmations : 0,
              questions: 'questions' in r ? r.questions : 0,
            }),
          );
          await this.reply(context, run.status === 'done' ? lines.join('\n') || this.deps.t(lang, 'digest.result.nothing-new') : this.deps.t(lang, `digest.run.${run.status}`), lang);
        }
        return;
      }
      case 'sourcesStatus': {
        const isAdmin = isTrustedMember(context, this.deps.trust, this.deps.adminIds ?? []);
        if (!isAdmin || !this.deps.sources) {
          await this.reply(context, this.deps.t(lang, 'sources.adminOnly'), lang);
          return;
        }
        const status = await this.deps.sources.status();
        const live = status.versions.find((v) => v.live);
        const lines = [this.deps.t(lang, 'sources.live', { version: status.live, at: live?.publishedAt ?? '—', by: live?.publishedBy ?? '—' })];
        if (status.draft) {
          lines.push(this.deps.t(lang, 'sources.draft', { version: status.draft.number, changed: status.draft.changed.join(', ') || '—', by: status.draft.createdBy }));
          lines.push(status.draft.problems.length ? `${this.deps.t(lang, 'sources.problems')}\n${status.draft.problems.map((p) => `- ${escapeMarkdown(p)}`).join('\n')}` : this.deps.t(lang, 'sources.ready'));
        } else lines.push(this.deps.t(lang, 'sources.noDraft'));
        await this.reply(context, lines.join('\n\n'), lang);
        return;
      }
      case 'organiserStats':
      case 'organiserList': {
        if (!this.isOrganiser(context)) {
          await this.reply(context, this.deps.t(lang, 'organiser.only'), lang);
          return;
        }
        const events = command.kind === 'organiserList' ? this.deps.answerer.eventsNamedIn(organiserListTarget(text)).map((e) => e.id) : [];
        const all = await this.deps.confirmations.list();
        await this.reply(context, this.organiserSummary(all, lang, events, command.kind === 'organiserList'), lang);
        return;
      }
    }
  }

  /** Counts per event (and the list, for one event), for organisers in chat. */
  private organiserSummary(all: Confirmation[], lang: Lang, eventIds: string[], withNames: boolean): string {
    const shown = eventIds.length ? all.filter((c) => eventIds.includes(c.eventId)) : all;
    const byEvent = new Map<string, Confirmation[]>();
    for (const c of shown) byEvent.set(c.eventId, [...(byEvent.get(c.eventId) ?? []), c]);
    if (!byEvent.size) return this.deps.t(lang, 'organiser.empty');
    const parts = [this.deps.t(lang, 'organiser.heading', { count: shown.filter((c) => c.status === 'confirmed').length })];
    for (const [eventId, list] of byEvent) {
      const event = this.deps.confirmations.event(eventId);
      const confirmed = list.filter((c) => c.status === 'confirmed');
      parts.push(
        this.deps.t(lang, 'organiser.event', {
          event: event ? this.deps.confirmations.describeEvent(event, lang) : eventId,
          confirmed: confirmed.length,
          cancelled: list.length - confirmed.length,
          waiting: confirmed.filter((c) => c.followUp === 'new').length,
        }),
      );
      if (withNames) parts.push(confirmed.map((c) => `- ${escapeMarkdown(c.name)} — ${escapeMarkdown(c.organisation)} — ${escapeMarkdown(c.country)} — ${c.reference} — ${this.deps.t(lang, `followUp.${c.followUp}`)}`).join('\n'));
    }
    return parts.join('\n\n');
  }

  private async showOriginal(context: TurnContext, memory: ConversationMemory, lang: Lang): Promise<void> {
    if (!memory.citedPassages.length) {
      await this.reply(context, this.deps.t(lang, 'original.none'), lang);
      return;
    }
    const quotes = memory.citedPassages.map((id) => {
      const c = this.deps.answerer.cite(id, 'fr');
      return `> ${c.excerpt}\n\n*${this.deps.t('fr', 'citation.source', { label: c.label })}*`;
    });
    await this.reply(context, `${this.deps.t(lang, 'original.heading')}\n\n${quotes.join('\n\n')}`, lang);
  }

  /**
   * The answer as a Markdown message: the direct answer with one numbered marker per reference
   * ("[1] [2]", never "[1][2]", which Markdown reads as one link), the cited passage only where it
   * adds to the answer, the sources, next steps; citations also as Schema.org Claims titled with their
   * section (Web Chat and Teams show them), thumbs up and down, and "Add to my calendar" for dated events.
   */
  render(answer: Answer, feedbackKey?: string, opts: { offerOriginal?: boolean } = {}): Partial<Activity> {
    const citations = answer.citations.filter((c, i) => answer.citations.findIndex((d) => d.passageId === c.passageId) === i);
    const markers = citations.map((_c, i) => `[${i + 1}]`).join(' ');
    const parts = [markers ? `${answer.text} ${markers}` : answer.text];
    if (answer.quoteAdds !== false) for (const c of citations) if (quoteAdds(c.excerpt, answer.text)) parts.push(`> ${escapeQuote(c.excerpt)}`);
    const byLabel = new Map<string, number[]>();
    citations.forEach((c, i) => byLabel.set(c.label, [...(byLabel.get(c.label) ?? []), i + 1]));
    if (byLabel.size === 1) parts.push(`*${this.deps.t(answer.lang, 'citation.source', { label: citations[0]!.label })}*`);
    else if (byLabel.size > 1) parts.push(`*${this.deps.t(answer.lang, 'citation.sources', { labels: [...byLabel].map(([label, ns]) => `${ns.map((n) => `[${n}]`).join(' ')} ${label}`).join(' · ') })}*`);
    if (opts.offerOriginal && citations.length && answer.lang === 'en') parts.push(this.deps.t('en', 'citation.originalHint'));
    // Reference definitions: invisible in Markdown, read by Web Chat and Teams as citations.
    if (citations.length) parts.push(citations.map((c, i) => `[${i + 1}]: cite:${i + 1} "${c.label.replace(/"/g, "'")}"`).join('\n'));
    const calendar: CardAction[] = answer.kind === 'schedule' && this.deps.publicUrl
      ? this.deps.answerer.eventsById(answer.eventIds).filter(hasCalendarDate).slice(0, 3).map((e) => ({
          type: ActionTypes.OpenUrl,
          title: answer.eventIds.length > 1 ? this.deps.t(answer.lang, 'calendar.addEvent', { event: e.short[answer.lang] }) : this.deps.t(answer.lang, 'calendar.add'),
          value: `${this.deps.publicUrl}/api/calendar/${e.id}.ics?lang=${answer.lang}`,
        }))
      : [];
    const actions: CardAction[] = [...calendar, ...answer.suggestions.map((t) => ({ type: ActionTypes.ImBack, title: t, value: t }))];
    const message = MessageFactory.suggestedActions(actions, parts.join('\n\n'));
    message.textFormat = 'markdown';
    message.locale = answer.lang === 'fr' ? 'fr-FR' : 'en-US';
    if (answer.kind !== 'abstain' || feedbackKey) {
      message.entities = [
        {
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
          ...(answer.generated ? { additionalType: ['AIGeneratedContent'] } : {}),
          ...(feedbackKey
            ? { potentialAction: [{ '@type': 'LikeAction', '@id': `${feedbackKey}:like`, actionStatus: 'PotentialActionStatus' }, { '@type': 'DislikeAction', '@id': `${feedbackKey}:dislike`, actionStatus: 'PotentialActionStatus' }] }
            : {}),
        },
      ];
    }
    if (feedbackKey) message.channelData = { feedbackLoopEnabled: true };
    return message;
  }

  /** A thumbs up or down on an answer, from Web Chat (an event) or Teams (an invoke). */
  private async recordFeedback(context: TurnContext, key: string | undefined, reaction: 'like' | 'dislike', comment?: string): Promise<void> {
    if (!key || !this.deps.feedback) return;
    const memory = await this.memory.get(context, { eventIds: [], citedPassages: [] });
    const answer = memory.answers?.find((a) => a.keys.includes(key));
    await this.deps.feedback.record({ answerKey: key, reaction, comment, question: answer?.question, answerKind: answer?.kind, language: answer?.lang, channelId: context.activity.channelId, now: this.deps.clock.now() });
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const value = context.activity.value as { actionName?: string; actionValue?: { reaction?: string; feedback?: string } } | undefined;
    if (context.activity.name === 'message/submitAction' && value?.actionName === 'feedback') {
      const reaction = value.actionValue?.reaction === 'dislike' ? 'dislike' : 'like';
      let comment: string | undefined;
      try {
        comment = (JSON.parse(value.actionValue?.feedback ?? '{}') as { feedbackText?: string }).feedbackText;
      } catch {
        comment = undefined;
      }
      await this.recordFeedback(context, context.activity.replyToId, reaction, comment);
      return { status: 200, body: {} };
    }
    return super.onInvokeActivity(context);
  }

  private async reply(context: TurnContext, text: string, lang: Lang): Promise<void> {
    const message = MessageFactory.text(text);
    message.locale = lang === 'fr' ? 'fr-FR' : 'en-US';
    await context.sendActivity(message);
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

// Plain text of a message, in linear time on any input (its own module; kept importable from here).
import { cleanText, MARKUP_SLACK } from './text';
export { cleanText };

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
  const words = (t: string) => t.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').match(/[a-z0-9]{4,}/g) ?? [];
  const said = new Set(words(answer));
  const own = words(excerpt);
  return own.length > 0 && own.filter((w) => !said.has(w)).length / own.length > 0.4;
}

function escapeQuote(text: string): string {
  return text.replace(/\n/g, '\n> ');
}

