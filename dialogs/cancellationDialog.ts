import { MessageFactory } from 'botbuilder';
import { ComponentDialog, ListStyle, WaterfallDialog, type Choice, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { ConfirmationService } from '../src/confirmations/service';
import type { Lang } from '../src/knowledge/analyzer';
import type { Translate } from '../src/knowledge/answerer';
import { DialogIds } from './ids';
import { TextChoicePrompt } from './choicePrompt';
import { yesNoChoices } from './yesNo';
import { capitalise } from '../src/knowledge/writer';

export interface CancellationOptions {
  lang: Lang;
}

/** Cancelling one of one's confirmations: which one (when there are several), then yes or no. */
export class CancellationDialog extends ComponentDialog {
  constructor(
    private readonly service: ConfirmationService,
    private readonly t: Translate,
  ) {
    super(DialogIds.cancellation);
    this.addDialog(new TextChoicePrompt(DialogIds.choice));
    this.addDialog(new WaterfallDialog(DialogIds.cancellationSteps, [this.pick.bind(this), this.ask.bind(this), this.act.bind(this)]));
    this.initialDialogId = DialogIds.cancellationSteps;
  }

  private async active(step: WaterfallStepContext) {
    const a = step.context.activity;
    return (await this.service.forParticipant({ channelId: a.channelId, userId: a.from.id })).filter((c) => c.status === 'confirmed');
  }

  private async pick(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { lang } = step.options as CancellationOptions;
    const list = await this.active(step);
    if (!list.length) {
      await step.context.sendActivity(this.t(lang, 'cancel.none'));
      return step.endDialog();
    }
    if (list.length === 1) return step.next({ value: list[0]!.id });
    const choices: Choice[] = list.map((c) => {
      const event = this.service.event(c.eventId);
      const title = `${c.reference} — ${event ? capitalise(event.short[lang]) : c.eventId}`;
      return { value: c.id, action: { type: 'imBack', title, value: c.reference }, synonyms: [c.reference, event?.short.en ?? '', event?.short.fr ?? ''].filter(Boolean) };
    });
    return step.prompt(DialogIds.choice, { prompt: MessageFactory.text(this.t(lang, 'cancel.which')), retryPrompt: MessageFactory.text(this.t(lang, 'cancel.which')), choices, style: ListStyle.suggestedAction });
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { lang } = step.options as CancellationOptions;
    const id = (step.result as FoundChoice).value;
    (step.values as Record<string, string>)['id'] = id;
    const c = (await this.active(step)).find((x) => x.id === id)!;
    const event = this.service.event(c.eventId);
    const question = this.t(lang, 'cancel.confirm', { reference: c.reference, event: event ? this.service.describeEvent(event, lang) : c.eventId });
    return step.prompt(DialogIds.choice, { prompt: MessageFactory.text(question), retryPrompt: MessageFactory.text(question), choices: yesNoChoices(this.t, lang), style: ListStyle.suggestedAction });
  }

  private async act(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { lang } = step.options as CancellationOptions;
    if ((step.result as FoundChoice).value !== 'yes') {
      await step.context.sendActivity(this.t(lang, 'cancel.kept'));
      return step.endDialog();
    }
    const c = await this.service.cancel((step.values as Record<string, string>)['id']!, 'participant');
    const [first, second] = this.service.organisers();
    await step.context.sendActivity(this.t(lang, 'cancel.done', { reference: c?.reference ?? '', first: first ?? '', second: second ?? first ?? '' }));
    return step.endDialog(c);
  }
}
