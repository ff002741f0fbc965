import type { TurnContext } from 'botbuilder';
import type { Turn } from './turn';
import type { ClaimsIdentity } from 'botframework-connector';

/** What an authenticated channel request must carry for the bot to trust who sent it. */
export interface ChannelTrust {
  /** The bot's Microsoft app id; without one no request is authenticated, so nobody is trusted. */
  readonly appId?: string | undefined;
  /** The issuer of Bot Framework channel tokens (https://api.botframework.com in the public cloud). */
  readonly channelIssuer: string;
}

/** Channels whose user ids the bot trusts once the request is signed: Teams, where organisers work. */
const TRUSTED_CHANNELS = new Set(['msteams']);

/**
 * The ids of the sender as a channel vouches for them: its user id and AAD object id, only when the
 * activity came from Teams with a Bot Framework token that botbuilder validated (issuer, audience,
 * signature, service URL). Anything else (the open web page, the Emulator, an unsigned request) is
 * anonymous, whatever `from` says.
 */
export function authenticatedIds(context: TurnContext, trust: ChannelTrust): string[] {
  const { activity } = context;
  if (!trust.appId || !TRUSTED_CHANNELS.has(activity.channelId)) return [];
  const identity = context.turnState.get(context.adapter.BotIdentityKey) as ClaimsIdentity | undefined;
  // An unauthenticated request has an "anonymous" identity with no claims: it fails the issuer check.
  if (!identity?.isAuthenticated) return [];
  if (identity.getClaimValue('iss') !== trust.channelIssuer || identity.getClaimValue('aud') !== trust.appId) return [];
  return [activity.from?.aadObjectId, activity.from?.id].filter((id): id is string => typeof id === 'string' && id.length > 0);
}

/** Whether the sender is one of `allowed`, as an authenticated channel says. */
export function isTrustedMember(context: TurnContext, trust: ChannelTrust, allowed: readonly string[]): boolean {
  if (!allowed.length) return false;
  return authenticatedIds(context, trust).some((id) => allowed.includes(id));
}

/**
 * A handler for trusted members only: anyone else gets the refusal (a key of locales/) in their
 * language, and the handler does not run.
 */
export function onlyFor(trust: ChannelTrust, allowed: readonly string[], refusal: string, run: (turn: Turn) => Promise<void>): (turn: Turn) => Promise<void> {
  return async (turn) => (isTrustedMember(turn.context, trust, allowed) ? run(turn) : turn.reply(turn.t(turn.lang, refusal)));
}
