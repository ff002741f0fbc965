import { MessageFactory, type TurnContext } from 'botbuilder';
import { ComponentDialog, ListStyle, TextPrompt, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { escapeMarkdown } from '../src/bot/markdown';
import { EMAIL, LIMITS } from '../src/confirmations/confirmation';
import type { Lang } from '../src/knowledge/analyzer';
import type { Translate } from '../src/knowledge/answerer';
import { MAX_OPEN_PER_PARTICIPANT } from '../src/questions/service';
import { DialogIds } from './ids';
import { TextChoicePrompt } from './choicePrompt';
import { yesNoChoices } from './yesNo';

export interface AskOrganisersOptions {
  lang: Lang;
  question: string;
}

/** Queues the question; resolves with how many participants asked it, or why it was not queued. */
export type QueueQuestion = (context: TurnContext, q: { question: string; lang: Lang; email: string | undefined }) => Promise<number | 'empty' | 'too-many'>;

/** "No email", in either language: the email is optional. */
const NO_EMAIL = /^\s*(no|non|none|aucun|aucune|skip|passer|no email|no thanks|non merci|sans e-?mail|pas d'e-?mail|pas de mail)\s*[.!]*\s*$/i;

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
    this.initialDialogId = DialogIds.askOrganisersSteps;
  }

  private async consent(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { lang, question } = step.options as AskOrganisersOptions;
    // The participant's words, shown as typed: Markdown and links inert, every line quoted.
    const prompt = this.t(lang, 'questions.ask.consent', { question: escapeMarkdown(question).replace(/\n/g, '\n> ') });
    return step.prompt(DialogIds.choice, { prompt: MessageFactory.text(prompt), retryPrompt: MessageFactory.text(prompt), choices: yesNoChoices(this.t, lang), style: ListStyle.suggestedAction });
  }

  private async email(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { lang } = step.options as AskOrganisersOptions;
    if ((step.result as FoundChoice).value !== 'yes') {
      await step.context.sendActivity(this.t(lang, 'questions.ask.kept'));
      return step.endDialog();
    }
    const prompt = MessageFactory.suggestedActions([this.t(lang, 'questions.ask.noEmail')], this.t(lang, 'questions.ask.email'));
    return step.prompt(DialogIds.askEmail, { prompt, lang } as object);
  }

  private async send(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { lang, question } = step.options as AskOrganisersOptions;
    const value = String(step.result ?? '').trim();
    const email = EMAIL.test(value) ? value.toLowerCase() : undefined;
    const askers = await this.queue(step.context, { question, lang, email });
    if (askers === 'empty') await step.context.sendActivity(this.t(lang, 'questions.ask.notKept'));
    else if (askers === 'too-many') await step.context.sendActivity(this.t(lang, 'questions.ask.tooMany', { max: MAX_OPEN_PER_PARTICIPANT }));
    else await step.context.sendActivity(this.t(lang, email ? 'questions.ask.queuedEmail' : 'questions.ask.queued', { count: askers - 1 }));
    return step.endDialog({ queued: typeof askers === 'number' });
  }
}
