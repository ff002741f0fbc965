import type { TurnContext } from 'botbuilder';
import type { AskOrganisersOptions, QueueQuestion } from '../../dialogs/askOrganisersDialog';
import { DialogIds } from '../../dialogs/ids';
import { commandRoute, type Route } from '../bot/turn';
import type { Translate } from '../vocabulary';
import { storableReference } from './delivery';
import type { QuestionService } from './service';

/** "Ask the organisers" after a refusal or a partial answer: the last question not answered goes, with consent. */
export function questionRoutes(d: { readonly t: Translate; readonly questions?: QuestionService | undefined }): Route[] {
  if (!d.questions) return [];
  return [
    commandRoute('askOrganisers', async (turn) => {
      // This member's own question: in a group chat or channel, never another member's.
      const askerId = turn.context.activity.from.id;
      const dc = await turn.dialogContext();
      // "I'd like to ask the organisers something": the dialog asks for the question first.
      if (turn.command?.kind === 'askOrganisers' && turn.command.fresh) {
        await dc.beginDialog(DialogIds.askOrganisers, { lang: turn.lang, questionLang: turn.lang, question: '', askerId } satisfies AskOrganisersOptions);
        return;
      }
      // The button: the last question left unanswered goes (it may be written again at "send it?").
      const pending = turn.memory.unansweredBy?.[askerId];
      if (!pending) return turn.reply(d.t(turn.lang, 'questions.ask.nothing'));
      await dc.beginDialog(DialogIds.askOrganisers, { lang: pending.lang, questionLang: pending.lang, question: pending.question, askerId } satisfies AskOrganisersOptions);
    }),
  ];
}

/** What the dialog calls to queue: the participant as the channel names them, and the way back to this conversation. */
export function queueFrom(questions: QuestionService): QueueQuestion {
  return async (context: TurnContext, q) => {
    const a = context.activity;
    const queued = await questions.ask({ text: q.question, language: q.questionLang, answerLanguage: q.lang, channelId: a.channelId, userId: a.from.id, reference: storableReference(a), email: q.email });
    return queued.queued ? queued.askers : queued.reason;
  };
}
