import { MessageFactory, TeamsInfo, TurnContext, type ConversationReference } from 'botbuilder';
import {
  ComponentDialog,
  ListStyle,
  TextPrompt,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { EMAIL, LIMITS, STAKEHOLDER_GROUPS, type StakeholderGroup } from '../src/confirmations/confirmation';
import type { ConfirmationDraft, ConfirmationService } from '../src/confirmations/service';
import type { Lang } from '../src/knowledge/analyzer';
import type { Translate } from '../src/knowledge/answerer';
import type { ScheduledEvent } from '../src/schedule/schedule';
import type { Logger } from '../src/logger';
import { InvalidConfirmationError } from '../src/confirmations/service';
import { normaliseAnswer } from './answerText';
import { DialogIds } from './ids';
import { TextChoicePrompt } from './choicePrompt';
import { draftSummary, recordedMessage } from './messages';
import { yesNoChoices } from './yesNo';
import { capitalise } from '../src/knowledge/writer';
import { fold } from '../src/knowledge/text';

export interface ConfirmationOptions {
  draft: ConfirmationDraft;
  lang: Lang;
  /** Set once the event's notices (invitation only, date passed) have been given. */
  noticed?: boolean;
  /** Set after a save that failed: the summary is not shown again, only "say yes to try again". */
  retry?: boolean;
}

const FIELDS = ['eventId', 'name', 'organisation', 'email', 'group', 'country', 'sessionLanguage'] as const;
type Field = (typeof FIELDS)[number];

/**
 * Confirming participation: which event, name, organisation, email, stakeholder group, country,
 * language for the session, consent, then a summary to accept or correct. Fields given in the
 * opening sentence are not asked again. Records through the service and ends with the confirmation.
 */
export class ConfirmationDialog extends ComponentDialog {
  constructor(
    private readonly service: ConfirmationService,
    private readonly t: Translate,
    /** The events a text names ("la consultation sous-régionale", "the 23 July one"), from the knowledge base. */
    private readonly eventsNamedIn: (text: string) => ScheduledEvent[] = () => [],
    /** Where a failed save is reported (its code only: never the participant's details). */
    private readonly logger?: Logger,
  ) {
    super(DialogIds.confirmation);
    // An event is picked by its button, or by naming it in any way the knowledge base understands.
    this.addDialog(
      new TextChoicePrompt(DialogIds.eventChoice, async (p: PromptValidatorContext<FoundChoice>) => {
        if (p.recognized.succeeded) return true;
        const named = this.eventsNamedIn(p.context.activity.text ?? '').filter((e) => e.confirmationNeeded);
        if (named.length !== 1) return false;
        p.recognized.succeeded = true;
        p.recognized.value = { value: named[0]!.id, index: 0, score: 1 };
        return true;
      }),
    );
    const text = (id: string, max: number, check: (v: string) => string | undefined) =>
      new TextPrompt(id, async (p: PromptValidatorContext<string>) => {
        const answer = normaliseAnswer(p.recognized.value ?? '');
        const value = answer.value ?? '';
        const lang = ((p.options as { lang?: Lang }).lang ?? 'en') as Lang;
        const problem = answer.problem ?? (!value ? 'empty' : value.length > max ? 'tooLong' : check(value));
        if (!problem) {
          // The step after the prompt receives the normalised answer, never the raw one.
          p.recognized.value = value;
          return true;
        }
        p.options.retryPrompt = MessageFactory.text(`${this.t(lang, `confirm.invalid.${problem}`, { max })} ${(p.options as { question?: string }).question ?? ''}`.trim());
        return false;
      });
    this.addDialog(new TextChoicePrompt(DialogIds.choice));
    // "Is everything correct?" takes yes or no, and also what to correct ("the email") or a new
    // email address typed in place of "no": what the participant typed is acted on, never refused.
    this.addDialog(
      new TextChoicePrompt(DialogIds.summary, async (p: PromptValidatorContext<FoundChoice>) => {
        const typed = normaliseAnswer(p.context.activity.text ?? '').value ?? '';
        const lang = ((p.options as { lang?: Lang }).lang ?? 'en') as Lang;
        // An address first, before yes or no ("ok.sow@example.org" holds an "ok"; "change my email to
        // x@y.org" gives the new one); then yes or no; then the one field the answer speaks of.
        const email = addressIn(typed);
        const field = email ? undefined : this.fieldNamed(typed, lang) ?? fieldMentioned(typed);
        // "No, the email": that field at once; a plain yes or no as said.
        if (!email && p.recognized.succeeded && !(p.recognized.value?.value === 'no' && field)) return true;
        const value = email ? `email:${email.toLowerCase()}` : field ? `field:${field}` : undefined;
        if (!value) return false;
        p.recognized.succeeded = true;
        p.recognized.value = { value, index: -1, score: 1 };
        return true;
      }),
    );
    this.addDialog(text(DialogIds.name, LIMITS.name, (v) => (/\p{L}/u.test(v) && !v.includes('@') ? undefined : 'name')));
    this.addDialog(text(DialogIds.organisation, LIMITS.organisation, (v) => (/[\p{L}\p{N}]/u.test(v) ? undefined : 'organisation')));
    this.addDialog(text(DialogIds.email, LIMITS.email, (v) => (EMAIL.test(v) ? undefined : 'email')));
    this.addDialog(text(DialogIds.country, LIMITS.country, (v) => (/\p{L}/u.test(v) ? undefined : 'country')));
    this.addDialog(
      new WaterfallDialog(DialogIds.confirmationSteps, [
        this.askEvent.bind(this),
        this.askName.bind(this),
        this.askOrganisation.bind(this),
        this.askEmail.bind(this),
        this.askGroup.bind(this),
        this.askCountry.bind(this),
        this.askSessionLanguage.bind(this),
        this.askConsent.bind(this),
        this.showSummary.bind(this),
        this.afterSummary.bind(this),
        this.afterCorrection.bind(this),
      ]),
    );
    this.initialDialogId = DialogIds.confirmationSteps;
  }

  private opts(step: WaterfallStepContext): ConfirmationOptions {
    return step.options as ConfirmationOptions;
  }

  private prompt(step: WaterfallStepContext, id: string, key: string, lang: Lang, vars: Record<string, string> = {}, actions: string[] = []): Promise<DialogTurnResult> {
    const question = this.t(lang, key, vars);
    const prompt = actions.length ? MessageFactory.suggestedActions(actions, question) : MessageFactory.text(question);
    return step.prompt(id, { prompt, retryPrompt: MessageFactory.text(question), question, lang } as never);
  }

  private choose(step: WaterfallStepContext, key: string, lang: Lang, choices: Choice[], vars: Record<string, string> = {}, promptId: string = DialogIds.choice): Promise<DialogTurnResult> {
    const question = this.t(lang, key, vars);
    return step.prompt(promptId, {
      prompt: MessageFactory.text(question),
      retryPrompt: MessageFactory.text(`${this.t(lang, 'confirm.invalid.choice')} ${question}`),
      choices,
      style: ListStyle.suggestedAction,
      lang,
    } as never);
  }

  /** The field an answer names and nothing else ("the email", « l'organisation », "my name"). */
  private fieldNamed(text: string, lang: Lang): Field | undefined {
    const f = foldWords(text).replace(FIELD_FILLER, '').trim();
    if (!f || f.length > 40) return undefined;
    return this.fieldChoices(lang).find((c) => (c.synonyms ?? []).some((s) => foldWords(s) === f))?.value as Field | undefined;
  }

  /** The fields a participant may correct, as buttons, known by their names in either language. */
  private fieldChoices(lang: Lang): Choice[] {
    return FIELDS.map((f) => {
      const key = f === 'eventId' ? 'event' : f;
      const label = this.t(lang, `confirm.fields.${key}`);
      const synonyms = [this.t('en', `confirm.fields.${key}`), this.t('fr', `confirm.fields.${key}`), f, ...this.t('en', `confirm.fieldSynonyms.${key}`).split('|'), ...this.t('fr', `confirm.fieldSynonyms.${key}`).split('|')];
      return { value: f, action: { type: 'imBack', title: label, value: label }, synonyms: synonyms.filter(Boolean) };
    });
  }

  private async askEvent(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { draft, lang } = this.opts(step);
    if (draft.eventId && this.service.event(draft.eventId)?.confirmationNeeded) return step.next();
    const choices: Choice[] = this.service.confirmableEvents().map(({ event, past }) => ({
      value: event.id,
      action: { type: 'imBack', title: `${capitalise(this.service.describeEvent(event, lang))}${past ? ` — ${this.t(lang, 'confirm.past')}` : ''}`.slice(0, 100), value: event.short[lang] },
      synonyms: [event.short.en, event.short.fr, event.id, ...(event.when.type === 'exact' || event.when.type === 'day' ? dayNames(event.when.date) : [])],
    }));
    return this.choose(step, 'confirm.ask.event', lang, choices, {}, DialogIds.eventChoice);
  }

  private async askName(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { draft, lang } = this.opts(step);
    if (step.result) draft.eventId = (step.result as FoundChoice).value;
    const options = this.opts(step);
    if (step.result || !options.noticed) {
      options.noticed = true;
      const chosen = this.service.confirmableEvents().find((e) => e.event.id === draft.eventId);
      if (chosen?.event.invitationOnly) await step.context.sendActivity(this.t(lang, 'confirm.invitationOnly'));
      if (chosen?.past) await step.context.sendActivity(this.t(lang, 'confirm.pastEvent'));
    }
    if (draft.name) return step.next();
    return this.prompt(step, DialogIds.name, 'confirm.ask.name', lang);
  }

  private async askOrganisation(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { draft, lang } = this.opts(step);
    if (typeof step.result === 'string') draft.name = step.result;
    if (draft.organisation) return step.next();
    return this.prompt(step, DialogIds.organisation, 'confirm.ask.organisation', lang);
  }

  private async askEmail(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { draft, lang } = this.opts(step);
    if (typeof step.result === 'string') draft.organisation = step.result;
    if (draft.email) return step.next();
    const proposal = await profileEmail(step.context);
    return this.prompt(step, DialogIds.email, proposal ? 'confirm.ask.emailProposed' : 'confirm.ask.email', lang, proposal ? { email: proposal } : {}, proposal ? [proposal] : []);
  }

  private async askGroup(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { draft, lang } = this.opts(step);
    if (typeof step.result === 'string') draft.email = step.result.toLowerCase();
    if (draft.group) return step.next();
    const choices: Choice[] = STAKEHOLDER_GROUPS.map((g) => ({
      value: g,
      action: { type: 'imBack', title: this.t(lang, `groups.${g}`), value: this.t(lang, `groups.${g}`) },
      synonyms: [this.t('en', `groups.${g}`), this.t('fr', `groups.${g}`), ...this.t('en', `groupSynonyms.${g}`).split('|'), ...this.t('fr', `groupSynonyms.${g}`).split('|')].filter(Boolean),
    }));
    return this.choose(step, 'confirm.ask.group', lang, choices);
  }

  private async askCountry(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { draft, lang } = this.opts(step);
    if (step.result) draft.group = (step.result as FoundChoice).value as StakeholderGroup;
    if (draft.country) return step.next();
    return this.prompt(step, DialogIds.country, 'confirm.ask.country', lang);
  }

  private async askSessionLanguage(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { draft, lang } = this.opts(step);
    if (typeof step.result === 'string') draft.country = step.result;
    if (draft.sessionLanguage) return step.next();
    const offered = (this.service.event(draft.eventId)?.languages ?? []).filter((l): l is Lang => l === 'en' || l === 'fr');
    if (offered.length <= 1) {
      // A session held in one language only: nothing to choose; say so rather than ask.
      draft.sessionLanguage = offered[0] ?? 'en';
      await step.context.sendActivity(this.t(lang, 'confirm.singleLanguage', { language: this.t(lang, `languages.${draft.sessionLanguage}`) }));
      return step.next();
    }
    const choices: Choice[] = offered.map((l) => ({
      value: l,
      action: { type: 'imBack', title: this.t(lang, `languages.${l}`), value: this.t(lang, `languages.${l}`) },
      synonyms: [this.t('en', `languages.${l}`), this.t('fr', `languages.${l}`), l],
    }));
    return this.choose(step, 'confirm.ask.sessionLanguage', lang, choices);
  }

  private async askConsent(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { draft, lang } = this.opts(step);
    if (step.result && (step.result as FoundChoice).value) draft.sessionLanguage = (step.result as FoundChoice).value as Lang;
    if (draft.consent) return step.next({ value: 'yes' });
    return this.choose(step, 'confirm.ask.consent', lang, yesNoChoices(this.t, lang));
  }

  private async showSummary(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { draft, lang } = this.opts(step);
    if ((step.result as FoundChoice).value !== 'yes') {
      await step.context.sendActivity(this.t(lang, 'confirm.noConsent'));
      return step.endDialog();
    }
    draft.consent = true;
    if (this.opts(step).retry) return this.choose(step, 'confirm.saveFailed', lang, yesNoChoices(this.t, lang));
    await step.context.sendActivity(MessageFactory.text(`${this.t(lang, 'confirm.summary')}\n\n${draftSummary(this.t, this.service, lang, draft)}`));
    return this.choose(step, 'confirm.ask.correct', lang, yesNoChoices(this.t, lang), {}, DialogIds.summary);
  }

  private async afterSummary(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { draft, lang } = this.opts(step);
    const answer = (step.result as FoundChoice).value;
    if (answer === 'yes') return this.record(step, draft, lang);
    // "the email": that field is asked again at once; a new address: taken, and the summary shown again.
    if (answer.startsWith('field:')) return this.correct(step, answer.slice('field:'.length) as Field);
    if (answer.startsWith('email:')) {
      draft.email = answer.slice('email:'.length);
      return step.replaceDialog(DialogIds.confirmationSteps, { draft, lang, noticed: true } satisfies ConfirmationOptions);
    }
    return this.choose(step, 'confirm.ask.which', lang, this.fieldChoices(lang));
  }

  private afterCorrection(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return this.correct(step, (step.result as FoundChoice).value as Field);
  }

  /** Forgets one field and goes through the dialog again: only that field is asked. */
  private correct(step: WaterfallStepContext, field: Field): Promise<DialogTurnResult> {
    const { draft, lang } = this.opts(step);
    delete draft[field];
    if (field === 'eventId') delete draft.sessionLanguage;
    return step.replaceDialog(DialogIds.confirmationSteps, { draft, lang, noticed: field !== 'eventId' } satisfies ConfirmationOptions);
  }

  /**
   * Saves the confirmation. A save that fails loses nothing: the dialog stays at "is everything
   * correct?" with every answer, so that the next "yes" tries again; a field the ledger refuses is
   * asked again with the reason.
   */
  private async record(step: WaterfallStepContext, draft: ConfirmationDraft, lang: Lang): Promise<DialogTurnResult> {
    const a = step.context.activity;
    const reference = TurnContext.getConversationReference(a) as ConversationReference;
    let result: Awaited<ReturnType<ConfirmationService['record']>>;
    try {
      result = await this.service.record(
        draft,
        { channelId: a.channelId, userId: a.from.id, aadObjectId: a.from.aadObjectId },
        { chatLanguage: lang, activityKey: `${a.channelId}:${a.conversation.id}:${a.id ?? ''}`, conversationReference: reference as unknown as Record<string, unknown> },
      );
    } catch (error) {
      const refused = error instanceof InvalidConfirmationError ? FIELDS.find((f) => error.problems.some((p) => p.field === f)) : undefined;
      this.logger?.error({ err: error, field: refused }, refused ? 'confirmation refused by the ledger; the field is asked again' : 'confirmation not saved; the participant can try again');
      if (refused) {
        await step.context.sendActivity(this.t(lang, 'confirm.invalid.again', { field: this.t(lang, `confirm.fields.${refused === 'eventId' ? 'event' : refused}`) }));
        delete draft[refused];
        if (refused === 'eventId') delete draft.sessionLanguage;
        return step.replaceDialog(DialogIds.confirmationSteps, { draft, lang, noticed: refused !== 'eventId' } satisfies ConfirmationOptions);
      }
      return step.replaceDialog(DialogIds.confirmationSteps, { draft, lang, noticed: true, retry: true } satisfies ConfirmationOptions);
    }
    await step.context.sendActivity(MessageFactory.text(recordedMessage(this.t, this.service, lang, result.confirmation, result.outcome)));
    return step.endDialog(result.confirmation);
  }
}

/** Folded as the knowledge base folds, apostrophes and dashes as spaces, one space between words, no end punctuation. */
function foldWords(text: string): string {
  return fold(text)
    .replace(/['-]/g, ' ')
    .replace(/[.!?,;:]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The one email address a text holds, if it holds exactly one. */
function addressIn(text: string): string | undefined {
  const found = text.match(/[^\s@<>()[\],;:"']+@[^\s@<>()[\],;:"']+/g) ?? [];
  const address = found.length === 1 ? found[0]!.replace(/[.!?]+$/, '') : undefined;
  return address && address.length <= LIMITS.email && EMAIL.test(address) ? address : undefined;
}

/** Words that can only name one field, in either language: "my email is wrong", « le nom est mal écrit ». */
const FIELD_WORDS: Record<string, Field> = {
  email: 'email', mail: 'email', courriel: 'email', name: 'name', nom: 'name',
  organisation: 'organisation', organization: 'organisation', organisme: 'organisation', country: 'country', pays: 'country',
  group: 'group', groupe: 'group', stakeholder: 'group', language: 'sessionLanguage', langue: 'sessionLanguage', event: 'eventId', evenement: 'eventId',
};

/** The one field a sentence speaks of ("the name is misspelled"); undefined when none, or several. */
function fieldMentioned(text: string): Field | undefined {
  if (text.includes('@') || text.length > 80) return undefined;
  const fields = new Set(foldWords(text).replace(/\be mail\b/g, 'email').split(' ').map((w) => FIELD_WORDS[w]).filter((f): f is Field => !!f));
  return fields.size === 1 ? [...fields][0] : undefined;
}

/** Words around a field's name that say no more: "change the email", « corriger mon nom », "the name please". */
const FIELD_FILLER = /^((change|correct|fix|edit|update|modify|modifier|changer|corriger|the|my|l|le|la|les|mon|ma|mes|son|sa|please|svp|stp|just|only|juste|seulement) )+|( (please|svp|stp|only|seulement|field|champ))+$/g;

function dayNames(iso: string): string[] {
  const [, m, d] = iso.split('-').map(Number) as [number, number, number];
  const en = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][m - 1];
  const fr = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'][m - 1];
  return [`${d} ${en}`, `${en} ${d}`, `${d} ${fr}`, `${d}/${m}`];
}

/** In Teams, the member's email from their profile, for the participant to accept; elsewhere nothing. */
async function profileEmail(context: TurnContext): Promise<string | undefined> {
  if (context.activity.channelId !== 'msteams') return undefined;
  try {
    const member = await TeamsInfo.getMember(context, context.activity.from.id);
    const email = member.email ?? member.userPrincipalName;
    return email && EMAIL.test(email) ? email.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
