import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogState } from 'botbuilder-dialogs';

interface Instance {
  state?: { options?: Record<string, unknown>; dialogs?: DialogState };
}

/** The inner stack of the active component dialog: its waterfall first, the waiting prompt last. */
export function innerStack(dc: DialogContext): Instance[] {
  return ((dc.activeDialog?.state as Instance['state'])?.dialogs?.dialogStack ?? []) as Instance[];
}

/** The options the active component dialog runs with (its draft so far), as kept in the state. */
export function optionsInProgress(dc: DialogContext): Record<string, unknown> {
  return innerStack(dc)[0]?.state?.options ?? {};
}

/** The event a confirmation in progress is about, once chosen: what "that session" means meanwhile. */
export function eventInProgress(dc: DialogContext): string | undefined {
  const eventId = (optionsInProgress(dc)['draft'] as { eventId?: unknown } | undefined)?.eventId;
  return typeof eventId === 'string' ? eventId : undefined;
}

/** The id of the prompt waiting for the participant's answer, if any. */
export function promptInProgress(dc: DialogContext): string | undefined {
  return (innerStack(dc).at(-1) as { id?: string } | undefined)?.id;
}

/**
 * The turn state key of the message as the bot read it (mentions and markup removed): what a dialog
 * keeps when it takes the participant's own words, rather than the raw text of the activity.
 */
export const TYPED_TEXT = Symbol('the message as read');

/** The message as read, else the activity's text with its white space made plain. */
export function typedText(context: TurnContext): string {
  const read = context.turnState.get(TYPED_TEXT) as string | undefined;
  return read ?? (context.activity.text ?? '').replace(/\s+/g, ' ').trim();
}
