import { MessageFactory, type TurnContext } from 'botbuilder';
import { ComponentDialog, ListStyle, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { ConfirmationService } from '../src/confirmations/service';
import type { Lang } from '../src/knowledge/analyzer';
import type { Translate } from '../src/knowledge/answerer';
import { DialogIds } from './ids';
import { TextChoicePrompt } from './choicePrompt';
import { yesNoChoices } from './yesNo';

export interface DeleteDataOptions {
  lang: Lang;
}

/** "Delete my data": says what will go, asks once, then removes the confirmations and what the bot remembers. */
export class DeleteDataDialog extends ComponentDialog {
  constructor(
    private readonly service: ConfirmationService,
    private readonly t: Translate,
    /** Forgets the participant's profile and the conversation's memory. */
    private readonly forget: (context: TurnContext) => Promise<void>,
  ) {
    super(DialogIds.deleteData);
    this.addDialog(new TextChoicePrompt(DialogIds.choice));
    this.addDialog(new WaterfallDialog(DialogIds.deleteDataSteps, [this.ask.bind(this), this.act.bind(this)]));
    this.initialDialogId = DialogIds.deleteDataSteps;
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { lang } = step.options as DeleteDataOptions;
    const a = step.context.activity;
    const count = (await this.service.forParticipant({ channelId: a.channelId, userId: a.from.id })).length;
    // With nothing recorded, the question says so rather than counting "0 confirmations".
    const question = count ? this.t(lang, 'deleteData.confirm', { count }) : this.t(lang, 'deleteData.confirmNothing');
    return step.prompt(DialogIds.choice, { prompt: MessageFactory.text(question), retryPrompt: MessageFactory.text(question), choices: yesNoChoices(this.t, lang), style: ListStyle.suggestedAction });
  }

  private async act(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { lang } = step.options as DeleteDataOptions;
    if ((step.result as FoundChoice).value !== 'yes') {
      await step.context.sendActivity(this.t(lang, 'deleteData.kept'));
      return step.endDialog();
    }
    const a = step.context.activity;
    const count = await this.service.deleteParticipant({ channelId: a.channelId, userId: a.from.id });
    await this.forget(step.context);
    await step.context.sendActivity(count ? this.t(lang, 'deleteData.done', { count }) : this.t(lang, 'deleteData.doneNothing'));
    return step.endDialog({ deleted: count });
  }
}
