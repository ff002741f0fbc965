import { MessageFactory, type TurnContext } from 'botbuilder';
import { ComponentDialog, Dialog, ListStyle, type DialogContext, TextPrompt, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { escapeMarkdown } from '../src/bot/markdown';
import { EMAIL, LIMITS } from '../src/confirmations/confirmation';
import type { Lang } from '../src/knowledge/analyzer';
import type { Translate } from '../src/knowledge/answerer';
import { guessLanguage } from '../src/knowledge/language';
import { MAX_OPEN_PER_PARTICIPANT } from '../src/questions/service';
import { DialogIds } from './ids';
import { typedText } from './inProgress';
import { TextChoicePrompt } from './choicePrompt';
import { yesNoChoices } from './yesNo';

export interface AskOrganisersOptions {
  /** The dialog's language, and the one the participant wants the answer in: a switch changes it. */
  lang: Lang;
  /** The question to send; when empty, the participant is asked for it first. */
  question: string;
  /** The language the question was asked in: it stays, whatever the dialog's language becomes. */
  questionLang: Lang;
  /** Who asked: in a group chat or channel only they answer the dialog. */
  askerId: string;
  /** Consent given: a language switch at the email prompt asks for the email again, not for consent. */
  consented?: boolean;
}

/** Queues the question; resolves with how many participants asked it, or why it was not queued. */
export type QueueQuestion = (context: TurnContext, q: { question: string; questionLang: Lang; lang: Lang; email: string | undefined }) => Promise<number | 'empty' | 'too-many'>;

/** "No email", in either language: the email is optional. */
const NO_EMAIL = /^\s*(no|non|none|aucun|aucune|skip|passer|no email|no thanks|non merci|sans e-?mail|pas d'e-?mail|pas de mail)\s*[.!]*\s*$/i;

/** The value the consent prompt recognises for a question written again. */
const REWORDED = 'reworded';

/** How many words (letters or digits) a text holds. */
function wordCount(text: string): number {
  return (text.match(/[\p{L}\p{N}]+/gu) ?? []).length;
}

/** A question written again rather than a yes or no: at least four words. */
function reworded(text: string): boolean {
  return wordCount(text) >= 4;
}

/** Yes and no, where yes may also be said "send it". */
function sendOrNot(t: Translate, lang: Lang) {
  const [yes, no] = yesNoChoices(t, lang);
  return [{ ...yes!, synonyms: [...(yes!.synonyms ?? []), 'send it', 'please send it', 'go ahead', 'envoyez-la', 'envoie-la', 'transmettez-la', 'transmets-la', 'allez-y'] }, no!];
}

/** Not sending it, in either language: "don't send it", "do not forward it", « ne l'envoyez pas », « pas la peine de l'envoyer ». */
const NOT_SENDING = /\b(don'?t|do not|never|not|no need to)\s+(send|forward|transmit|submit)|\bn['’]\s*(l['’]\s*)?(envoy|transmet)\w*\s+pas\b|\bne\s+(l['’]\s*|la\s+|le\s+)?(envoy|transmet)\w*(-la|-le)?\s+pas\b|\b(ne\s+pas|pas la peine|inutile)\s+(de\s+|d['’]\s*)?(l['’]\s*|la\s+|le\s+)?(envoy|transmet)/i;
/** Sending it, said in a few words: "send it", "can you send it?", "go ahead", « envoyez », « oui, transmettez-la ». */
const SENDING = /\b(send|forward|transmit|submit|go ahead|envoy\w*|transmet\w*|allez-y|vas-y)\b/i;

/** Whether a short answer says to send the question or not to; undefined when it says neither. */
export function sendingAnswer(text: string): 'yes' | 'no' | undefined {
  if (NOT_SENDING.test(text)) return 'no';
  if (SENDING.test(text) && wordCount(text) <= 6) return 'yes';
  return undefined;
}

/**
 * "Ask the organisers": asks the participant's consent to send their question (with the way back to
 * this conversation), then an email address where the answer may reach them, optional and checked
 * as the confirmation's is, and queues it.
 */
export class AskOrganisersDialog extends ComponentDialog {
  constructor(
    private readonly t: Translate,
    private readonly queue: QueueQuestion,
  ) {
    super(DialogIds.askOrganisers);
    this.addDialog(new TextChoicePrompt(DialogIds.choice));
    // "Send it?" takes yes or no, or the question written again: a participant who rewords it
    // (a few words, not a yes or no) sees the new wording to send instead.
    this.addDialog(
      new TextChoicePrompt(DialogIds.askConsent, async (p) => {
        const typed = typedText(p.context);
        // "Don't send it", « ne l'envoyez pas »: a no; "can you send it?", « oui, envoyez »: a yes.
        const said = sendingAnswer(typed);
        if (said) {
          p.recognized.succeeded = true;
          p.recognized.value = { value: said, index: said === 'yes' ? 0 : 1, score: 1 };
          return true;
        }
        // A question is a new wording even with a "not" or a "right" in it; a yes or a no is short.
        const question = reworded(typed) && typed.includes('?');
        if (p.recognized.succeeded && !question) return true;
        if (!reworded(typed)) return false;
        p.recognized.succeeded = true;
        p.recognized.value = { value: REWORDED, index: -1, score: 1 };
        return true;
      }),
    );
    this.addDialog(
      new TextPrompt(DialogIds.askEmail, async (p) => {
        const value = (p.recognized.value ?? '').trim();
        const lang = (p.options as { lang?: Lang }).lang ?? 'en';
        if (NO_EMAIL.test(value) || (value.length <= LIMITS.email && EMAIL.test(value))) return true;
        p.options.retryPrompt = MessageFactory.suggestedActions([this.t(lang, 'questions.ask.noEmail')], `${this.t(lang, 'confirm.invalid.email')} ${this.t(lang, 'questions.ask.email')}`);
        return false;
      }),
    );
    this.addDialog(new WaterfallDialog(DialogIds.askOrganisersSteps, [this.consent.bind(this), this.email.bind(this), this.send.bind(this)]));
    // Asked for without a question ("I'd like to ask the organisers something"): the question first.
    this.addDialog(
      new TextPrompt(DialogIds.askQuestion, async (p) => {
        // Two words at least: "visa?" alone is not yet a question organisers can answer.
        if (wordCount(typedText(p.context)) >= 2) return true;
        const lang = (p.options as { lang?: Lang }).lang ?? 'en';
        p.options.retryPrompt = MessageFactory.text(this.t(lang, 'questions.ask.whatQuestion'));
        return false;
      }),
    );
    this.addDialog(new WaterfallDialog(DialogIds.askOrganisersQuestion, [this.askQuestion.bind(this), this.withQuestion.bind(this)]));
    this.initialDialogId = DialogIds.askOrganisersSteps;
  }

  protected override onBeginDialog(inner: DialogContext, options?: AskOrganisersOptions): Promise<DialogTurnResult> {
    return inner.beginDialog(options?.question ? DialogIds.askOrganisersSteps : DialogIds.askOrganisersQuestion, options);
  }

  private askQuestion(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { lang } = step.options as AskOrganisersOptions;
    return step.prompt(DialogIds.askQuestion, { prompt: MessageFactory.text(this.t(lang, 'questions.ask.whatQuestion')), lang } as object);
  }

  /** The question as the participant wrote it, in the language it is written in; then consent, as for any question. */
  private withQuestion(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as AskOrganisersOptions;
    const question = typedText(step.context);
    return step.replaceDialog(DialogIds.askOrganisersSteps, { ...options, question, questionLang: guessLanguage(question).lang ?? options.lang } satisfies AskOrganisersOptions);
  }

  /** Another member of the conversation answering someone else's dialog is told so; the dialog waits for its asker. */
  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const options = (inner.stack[0]?.state as { options?: Partial<AskOrganisersOptions> } | undefined)?.options;
    if (options?.askerId && inner.context.activity.from?.id !== options.askerId) {
      await inner.context.sendActivity(this.t(options.lang ?? 'en', 'questions.ask.notYours'));
      return Dialog.EndOfTurn;
    }
    return super.onContinueDialog(inner);
  }

  private async consent(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { lang, question, consented } = step.options as AskOrganisersOptions;
    if (consented) return step.next({ value: 'yes' } satisfies Partial<FoundChoice>);
    // The participant's words, shown as typed: Markdown and links inert, every line quoted.
    const prompt = this.t(lang, 'questions.ask.consent', { question: escapeMarkdown(question).replace(/\n/g, '\n> ') });
    return step.prompt(DialogIds.askConsent, { prompt: MessageFactory.text(prompt), retryPrompt: MessageFactory.text(`${this.t(lang, 'questions.ask.yesNoOrReword')}\n\n${prompt}`), choices: sendOrNot(this.t, lang), style: ListStyle.suggestedAction });
  }

  private async email(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as AskOrganisersOptions;
    const { lang } = options;
    if ((step.result as FoundChoice).value === REWORDED) {
      options.question = typedText(step.context);
      options.questionLang = guessLanguage(options.question).lang ?? options.questionLang;
      return step.replaceDialog(DialogIds.askOrganisersSteps, options);
    }
    if ((step.result as FoundChoice).value !== 'yes') {
      await step.context.sendActivity(this.t(lang, 'questions.ask.kept'));
      return step.endDialog();
    }
    // Kept in the dialog's options, which a language switch starts the dialog again with.
    options.consented = true;
    const prompt = MessageFactory.suggestedActions([this.t(lang, 'questions.ask.noEmail')], this.t(lang, 'questions.ask.email'));
    return step.prompt(DialogIds.askEmail, { prompt, lang } as object);
  }

  private async send(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { lang, question, questionLang } = step.options as AskOrganisersOptions;
    const value = String(step.result ?? '').trim();
    const email = EMAIL.test(value) ? value.toLowerCase() : undefined;
    const askers = await this.queue(step.context, { question, questionLang: questionLang ?? lang, lang, email });
    if (askers === 'empty') await step.context.sendActivity(this.t(lang, 'questions.ask.notKept'));
    else if (askers === 'too-many') await step.context.sendActivity(this.t(lang, 'questions.ask.tooMany', { max: MAX_OPEN_PER_PARTICIPANT }));
    else await step.context.sendActivity(this.t(lang, email ? 'questions.ask.queuedEmail' : 'questions.ask.queued', { count: askers - 1 }));
    return step.endDialog({ queued: typeof askers === 'number' });
  }
}
