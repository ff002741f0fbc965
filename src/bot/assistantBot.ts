import { ActivityHandler, ActivityTypes, MessageFactory, TurnContext, type Activity, type ConversationState, type StatePropertyAccessor, type UserState } from 'botbuilder';
import { IANAZone } from 'luxon';
import type { Lang } from '../knowledge/analyzer';
import type { Answer, Answerer, Translate } from '../knowledge/answerer';
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
}

export interface AssistantBotDeps {
  readonly answerer: Answerer;
  readonly t: Translate;
  readonly clock: Clock;
  readonly unanswered: UnansweredQuestionRepository;
  readonly conversationState: ConversationState;
  readonly userState: UserState;
  readonly logger: Logger;
  readonly maxMessageLength: number;
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

  constructor(private readonly deps: AssistantBotDeps) {
    super();
    this.profile = deps.userState.createProperty<UserProfile>('profile');
    this.memory = deps.conversationState.createProperty<ConversationMemory>('memory');
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id !== context.activity.recipient?.id) await this.greet(context);
      }
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
    await context.sendActivity(MessageFactory.suggestedActions([this.deps.t(first, 'suggest.dates'), this.deps.t(first, 'suggest.register')], text));
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const profile = await this.profile.get(context, {});
    const memory = await this.memory.get(context, { eventIds: [], citedPassages: [] });
    const timezone = channelTimezone(activity);
    if (timezone) profile.timezone = timezone;

    const text = cleanText(mentionFree(context));
    const fallbackLang = profile.language ?? memory.lastLang ?? localeToLang(activity.locale) ?? 'en';
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
    const lang = chooseLanguage(question, { preferred: profile.language, previous: memory.lastLang, locale: activity.locale });

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

    const answer = this.deps.answerer.answer(question, {
      lang,
      timezone: profile.timezone,
      previous: memory.eventIds.length || memory.sectionId ? { eventIds: memory.eventIds, sectionId: memory.sectionId, needs: memory.needs } : undefined,
    });
    if (answer.kind === 'abstain') {
      await this.deps.unanswered.record({ text: question, language: lang, reason: answer.reason ?? 'no-match', askedAt: this.deps.clock.now() });
      this.deps.logger.info({ event: 'unanswered', language: lang, reason: answer.reason }, 'question not answered by the sources');
    }
    await context.sendActivity(this.render(answer));
    memory.lastQuestion = question;
    memory.lastLang = lang;
    if (answer.kind !== 'abstain') {
      memory.eventIds = answer.eventIds;
      if (answer.sectionId) memory.sectionId = answer.sectionId;
      else delete memory.sectionId;
      memory.citedPassages = answer.citations.map((c) => c.passageId);
      memory.needs = answer.needs ?? [];
    }
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

  /** The answer as a Markdown message: the direct answer, the cited passage, its source, next steps. */
  render(answer: Answer): Partial<Activity> {
    const parts = [answer.text];
    for (const c of answer.citations) if (!answer.text.includes(c.excerpt)) parts.push(`> ${escapeQuote(c.excerpt)}`);
    for (const label of new Set(answer.citations.map((c) => c.label))) parts.push(`*${this.deps.t(answer.lang, 'citation.source', { label })}*`);
    const hint = answer.citations.length && answer.lang === 'en' ? this.deps.t('en', 'citation.originalHint') : '';
    if (hint) parts.push(hint);
    const message = MessageFactory.suggestedActions(answer.suggestions, parts.join('\n\n'));
    message.textFormat = 'markdown';
    message.locale = answer.lang === 'fr' ? 'fr-FR' : 'en-US';
    return message;
  }

  private async reply(context: TurnContext, text: string, lang: Lang): Promise<void> {
    const message = MessageFactory.text(text);
    message.locale = lang === 'fr' ? 'fr-FR' : 'en-US';
    await context.sendActivity(message);
  }
}

/** The zone a channel reports: Web Chat's localTimezone, or Teams' clientInfo entity. */
export function channelTimezone(activity: Partial<Activity>): string | undefined {
  const candidates = [activity.localTimezone, ...(activity.entities ?? []).filter((e) => e.type === 'clientInfo').map((e) => (e as { timezone?: string }).timezone)];
  return candidates.find((z): z is string => typeof z === 'string' && IANAZone.isValidZone(z));
}

function mentionFree(context: TurnContext): string {
  const activity = context.activity;
  if (activity.type !== ActivityTypes.Message) return '';
  const hasMention = (activity.entities ?? []).some((e) => e.type === 'mention');
  return (hasMention ? TurnContext.removeRecipientMention(activity) : activity.text) ?? activity.text ?? '';
}

/** Plain text of a message: markup and control characters removed, white space collapsed. */
export function cleanText(text: string): string {
  return text
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]{0,500}>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200d\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function escapeQuote(text: string): string {
  return text.replace(/\n/g, '\n> ');
}

