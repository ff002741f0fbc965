import type { DialogContext } from 'botbuilder-dialogs';
import type { Lang } from '../src/knowledge/analyzer';
import { innerStack, optionsInProgress } from './inProgress';

/** Whether the waiting prompt offers languages to choose from (then "French" is an answer, not a switch). */
export function awaitsLanguageChoice(dc: DialogContext): boolean {
  const prompt = innerStack(dc).at(-1);
  const choices = (prompt?.state?.options?.['choices'] ?? []) as Array<{ value?: unknown } | string>;
  return choices.some((c) => ['en', 'fr'].includes(typeof c === 'string' ? c : String(c.value)));
}

/**
 * Goes on with the active dialog in another language: it starts again with what it has gathered
 * (the dialogs skip what their draft already holds), so the waiting question is asked again, in the
 * new language, and the words that asked for the switch are never taken as an answer.
 */
export async function continueInLanguage(dc: DialogContext, lang: Lang): Promise<void> {
  const active = dc.activeDialog;
  if (!active) return;
  const options = { ...optionsInProgress(dc), lang };
  await dc.cancelAllDialogs();
  await dc.beginDialog(active.id, options);
}
