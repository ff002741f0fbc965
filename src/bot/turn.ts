import { MessageFactory, type TurnContext } from 'botbuilder';
import type { DialogContext } from 'botbuilder-dialogs';
import type { Lang, Translate } from '../vocabulary';
import type { Command } from './commands';
import type { ConversationMemory, UserProfile } from './state';

/** One message being handled: what the routes read and write. */
export interface Turn {
  readonly context: TurnContext;
  /** Whether a dialog is in progress (read from the state, without building a dialog context). */
  readonly inDialog: boolean;
  /** The turn's dialog context, built on first use: most turns neither start nor continue a dialog. */
  dialogContext(): Promise<DialogContext>;
  readonly profile: UserProfile;
  readonly memory: ConversationMemory;
  /** The message as read: markup, mentions and control characters removed. */
  readonly text: string;
  /** The question to answer: the text, or the previous question when the text only switches language. */
  question: string;
  /** The language of the reply. */
  lang: Lang;
  /** What the message asks the bot to do, when it is a command rather than a question. */
  command?: Command | undefined;
  /** Replies with plain Markdown text in the given language (the turn's by default). */
  reply(text: string, lang?: Lang): Promise<void>;
  readonly t: Translate;
}

/**
 * A route: when it matches, it handles the turn and no later route runs. Routes are tried in order
 * (the active dialog first, the answer last), in the spirit of the Agents SDK's AgentApplication.
 */
export interface Route {
  readonly name: string;
  matches(turn: Turn): boolean;
  run(turn: Turn): Promise<void>;
}

/** Runs the first route that matches; resolves with its name (undefined when none did). */
export async function runRoutes(routes: readonly Route[], turn: Turn): Promise<string | undefined> {
  const route = routes.find((r) => r.matches(turn));
  if (route) await route.run(turn);
  return route?.name;
}

/** A route for one kind of command. */
export function commandRoute(kind: Command['kind'] | ReadonlyArray<Command['kind']>, run: (turn: Turn) => Promise<void>): Route {
  const kinds: ReadonlyArray<string> = typeof kind === 'string' ? [kind] : kind;
  return { name: `command:${kinds.join('|')}`, matches: (turn) => !!turn.command && kinds.includes(turn.command.kind), run };
}

/** A plain text reply in a language. */
export async function replyText(context: TurnContext, text: string, lang: Lang): Promise<void> {
  const message = MessageFactory.text(text);
  message.locale = lang === 'fr' ? 'fr-FR' : 'en-US';
  await context.sendActivity(message);
}
