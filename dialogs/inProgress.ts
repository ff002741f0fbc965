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
