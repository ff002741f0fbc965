import { randomUUID } from 'node:crypto';
import { MessageFactory, type Activity, type ResourceResponse } from 'botbuilder';
import type { DialogContext } from 'botbuilder-dialogs';
import { sendingAnswer } from '../../dialogs/askOrganisersDialog';
import { DialogIds } from '../../dialogs/ids';
import { eventInProgress, optionsInProgress, promptInProgress, TYPED_TEXT } from '../../dialogs/inProgress';
import { awaitsLanguageChoice, continueInLanguage } from '../../dialogs/languageSwitch';
import { CANCEL_WORDS } from '../../dialogs/yesNo';
import type { QuestionContext } from '../knowledge/answer';
import type { Answer, AnswerSource } from '../knowledge/answerer';
import { languageSwitch } from '../knowledge/language';
import type { Logger } from '../logger';
import type { Clock } from '../schedule/time';
import type { UnansweredQuestionRepository } from '../questions/unanswered';
import type { Lang, Translate } from '../vocabulary';
import { renderAnswer, type RenderDeps } from './render';
import { canStream, piecesOf, StreamingReply } from './streaming';
import type { ConversationMemory } from './state';
import type { Route, Turn } from './turn';

export interface ConversationTurnDeps extends RenderDeps {
  readonly answerer: AnswerSource;
  readonly t: Translate;
  readonly clock: Clock;
  readonly unanswered: UnansweredQuestionRepository;
  readonly logger: Logger;
  /** With a model: generated answers are streamed where the channel can show it, one update per interval at most. */
  readonly streaming?: { readonly intervalMs: number } | undefined;
  /** When set, a refusal or partial answer offers to ask the organisers. */
  readonly questions?: unknown;
}

/** Prompts whose answer is a question: the participant's own question for the organisers, never one for the note. */
const TAKES_QUESTIONS = new Set<string>([DialogIds.askConsent, DialogIds.askQuestion]);

/** What the conversation so far says about the next question (the events and section last answered about). */
function contextOf(memory: ConversationMemory): QuestionContext['previous'] {
  return memory.lastQuestion || memory.eventIds.length || memory.sectionId ? { eventIds: memory.eventIds, sectionId: memory.sectionId, needs: memory.needs, question: memory.lastQuestion } : undefined;
}

const localeOf = (lang: 'en' | 'fr') => (lang === 'fr' ? 'fr-fr' : 'en-us');

/**
 * The dialog in progress takes the message first: "in English please" asks the same question again
 * in English, "cancel" leaves, a question is answered before the dialog asks again, anything else is
 * the answer to the prompt.
 */
export function dialogRoute(d: ConversationTurnDeps): Route {
  return {
    name: 'dialog',
    matches: (turn) => turn.inDialog,
    run: async (turn) => {
      const { profile, memory, text, context } = turn;
      const dc = await turn.dialogContext();
      const dialogLang = memory.dialogLang ?? profile.language ?? memory.lastLang ?? 'en';
      context.activity.locale = localeOf(dialogLang);
      // In a group chat, a dialog kept for one member (asking the organisers) is theirs alone:
      // another member's words neither switch its language nor cancel it.
      const asker = optionsInProgress(dc)['askerId'];
      const mine = asker === undefined || asker === context.activity.from.id;
      if (mine && (await switchedOrCancelled(d, turn, dc, dialogLang))) return;
      context.turnState.set(TYPED_TEXT, text);
      // Where the dialog waits for its asker's own question (for the organisers), a question may be the
      // answer; "can you send it?" answers "send it?".
      const waiting = promptInProgress(dc) ?? '';
      const own = TAKES_QUESTIONS.has(waiting) && mine;
      const answersPrompt = own && (waiting === DialogIds.askQuestion || (waiting === DialogIds.askConsent && sendingAnswer(text) !== undefined));
      if (!/\?\s*$/.test(text) || text.length < 4 || answersPrompt) {
        await dc.continueDialog();
        return;
      }
      // A question in the middle of a dialog: answered, then the dialog asks again where it was.
      // "What time is that in Accra?" while confirming a session is about that session.
      const eventId = eventInProgress(dc);
      const previous = eventId ? { eventIds: [eventId] } : contextOf(memory);
      const answer = await d.answerer.answer(text, { lang: dialogLang, timezone: profile.timezone, previous });
      // At "send it?", a question the note cannot answer is the question written again, to send instead.
      if (own && (answer.kind === 'abstain' || answer.partial)) {
        await dc.continueDialog();
        return;
      }
      await context.sendActivity(renderAnswer(d, answer));
      await dc.repromptDialog();
    },
  };
}

/** "in English please" (the waiting question comes again in English) or "cancel" (the dialog ends); false when the message is neither. */
async function switchedOrCancelled(d: Pick<ConversationTurnDeps, 't'>, turn: Turn, dc: DialogContext, dialogLang: Lang): Promise<boolean> {
  const { profile, memory, text, context } = turn;
  const switchTo = languageSwitch(text);
  if (switchTo && !switchTo.rest && !awaitsLanguageChoice(dc)) {
    profile.language = switchTo.lang;
    memory.dialogLang = switchTo.lang;
    memory.lastLang = switchTo.lang;
    context.activity.locale = localeOf(switchTo.lang);
    await turn.reply(d.t(switchTo.lang, 'language.switched'), switchTo.lang);
    await continueInLanguage(dc, switchTo.lang);
    return true;
  }
  if (!CANCEL_WORDS.test(text)) return false;
  await dc.cancelAllDialogs();
  await turn.reply(d.t(dialogLang, 'dialog.cancelled'), dialogLang);
  return true;
}

/** "in English please" with no question before it: the switch is acknowledged, and remembered. */
export function languageOnlyRoute(d: Pick<ConversationTurnDeps, 't'>): Route {
  return {
    name: 'language',
    matches: (turn) => !turn.question,
    run: async (turn) => {
      await turn.reply(d.t(turn.lang, 'language.switched'));
      turn.memory.lastLang = turn.lang;
    },
  };
}

/** Greetings, thanks and requests for help: answered by the bot itself, never logged as unanswered. */
const SMALL_TALK: Array<[RegExp, 'hello' | 'thanks' | 'help']> = [
  [/^(hi|hello|hey|good (morning|afternoon|evening)|greetings|bonjour|bonsoir|salut|coucou|hello there)( (bot|there|assistant))?[\s!.,]*$/, 'hello'],
  [/^(thanks?( you)?( (very much|so much|a lot))?|thx|ty|cheers|great,? thanks|merci( (beaucoup|bien|infiniment))?|super,? merci|parfait,? merci|ok,? merci)[\s!.,]*$/, 'thanks'],
  [/^(help|aide|menu|start|\/start|commencer|what can you do|what do you do|que (peux|pouvez)[- ](tu|vous) faire|que sais-tu faire)[\s!.?,]*$/, 'help'],
];
const folded = (turn: Turn) => turn.question.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim();

export function smallTalkRoute(d: Pick<ConversationTurnDeps, 't'>): Route {
  return {
    name: 'small-talk',
    matches: (turn) => SMALL_TALK.some(([re]) => re.test(folded(turn))),
    run: async (turn) => {
      const talk = SMALL_TALK.find(([re]) => re.test(folded(turn)))![1];
      const text = talk === 'thanks' ? d.t(turn.lang, 'smallTalk.thanks') : d.t(turn.lang, 'greeting');
      await turn.context.sendActivity(MessageFactory.suggestedActions([d.t(turn.lang, 'suggest.dates'), d.t(turn.lang, 'suggest.register')], text));
      turn.memory.lastLang = turn.lang;
    },
  };
}

const ORIGINAL = /^(original|the original|french original|show (me )?(the )?(french )?original( text)?|texte original|l'original|original en francais|voir (le texte |l')original|montrer (le texte |l')original)[?.!]*$/;

/** "original": the French passages behind the last answer, the authoritative text. */
export function originalRoute(d: Pick<ConversationTurnDeps, 't' | 'answerer'>): Route {
  return {
    name: 'original',
    matches: (turn) => ORIGINAL.test(folded(turn)),
    run: async (turn) => {
      const { memory, lang } = turn;
      if (!memory.citedPassages.length) return turn.reply(d.t(lang, 'original.none'));
      const quotes = memory.citedPassages.map((id) => {
        const c = d.answerer.cite(id, 'fr');
        return `> ${c.excerpt}\n\n*${d.t('fr', 'citation.source', { label: c.label })}*`;
      });
      await turn.reply(`${d.t(lang, 'original.heading')}\n\n${quotes.join('\n\n')}`);
    },
  };
}

/** Everything else is a question about the note: answered from the sources, or said not to be. */
export function answerRoute(d: ConversationTurnDeps): Route {
  return {
    name: 'answer',
    matches: () => true,
    run: async (turn) => {
      const { memory, question, lang } = turn;
      const stream = d.streaming && canStream(turn.context.activity) ? new StreamingReply(turn.context, d.streaming.intervalMs) : undefined;
      const answer = await d.answerer.answer(question, {
        lang,
        timezone: turn.profile.timezone,
        previous: contextOf(memory),
        onModelCall: stream ? () => stream.inform(d.t(lang, 'answer.looking')) : undefined,
      });
      const unanswered = answer.kind === 'abstain' || !!answer.partial;
      if (unanswered) {
        await d.unanswered.record({ text: question, language: lang, reason: answer.reason ?? 'no-match', askedAt: d.clock.now() });
        d.logger.info({ event: 'unanswered', language: lang, reason: answer.reason }, 'question not answered by the sources');
      }
      const offerAsk = unanswered && !!d.questions;
      const asker = turn.context.activity.from.id;
      const others = Object.entries(memory.unansweredBy ?? {}).filter(([id]) => id !== asker);
      // The latest askers only: a busy channel does not grow its conversation state without end.
      if (offerAsk || memory.unansweredBy?.[asker]) memory.unansweredBy = Object.fromEntries(offerAsk ? [...others, [asker, { question, lang: answer.lang }] as const].slice(-20) : others);
      const feedbackKey = answer.kind === 'abstain' ? undefined : randomUUID();
      const offerOriginal = !memory.originalOffered && answer.citations.length > 0 && answer.lang === 'en';
      const shown = offerAsk ? { ...answer, suggestions: [d.t(answer.lang, 'questions.ask.button'), ...answer.suggestions] } : answer;
      const message = renderAnswer(d, shown, feedbackKey, { offerOriginal });
      const sent = await deliver(turn, message, shown, stream, d.t(lang, 'answer.looking'));
      if (offerOriginal) memory.originalOffered = true;
      // Teams sends feedback with the id of the message (a streamed one's is the stream's); Web Chat with the key in the action.
      const ids = [...new Set([sent?.id, stream?.id].filter((id): id is string => !!id))];
      if (feedbackKey) memory.answers = [...(memory.answers ?? []), { keys: [feedbackKey, ...ids], question, kind: answer.kind, lang }].slice(-20);
      memory.lastQuestion = question;
      memory.lastLang = lang;
      // After a refusal the next question may lean on this one ("and for Africa?"), not on an older answer.
      memory.eventIds = answer.kind !== 'abstain' ? answer.eventIds : [];
      if (answer.kind !== 'abstain' && answer.sectionId) memory.sectionId = answer.sectionId;
      else delete memory.sectionId;
      // The organisers' answers cite no passage of the note: "original" has nothing to show for them.
      if (answer.kind !== 'abstain') memory.citedPassages = answer.citations.filter((c) => c.sectionId).map((c) => c.passageId);
      memory.needs = answer.needs ?? [];
    },
  };
}

/**
 * The answer as one message, or as the end of a stream. The grounding guard reads a generated answer
 * whole before any of it is shown: while the model writes, the stream says only "Looking in the
 * note…"; an answer the guard accepted is then written out in a few growing pieces and closed by the
 * final message; an extractive answer (the guard blocked the model's, or the model failed) closes the
 * stream at once, as the final message, without the AI label.
 */
async function deliver(turn: Turn, message: Partial<Activity>, answer: Answer, stream: StreamingReply | undefined, looking: string): Promise<ResourceResponse | undefined> {
  if (stream && answer.generated) {
    if (!stream.started) stream.inform(looking);
    await stream.write(piecesOf(answer.text));
    return stream.end(message);
  }
  if (stream?.started) return stream.end(message);
  return turn.context.sendActivity(message);
}
