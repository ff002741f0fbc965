import type { NextFunction, Request, Response } from 'express';
import { CloudAdapter, type Activity, type ActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder';
import { AuthenticationConstants, type AuthenticateRequestResult, type BotFrameworkAuthentication } from 'botframework-connector';
import { AppError } from '../errors';
import { isLoopback } from './loopback';
import { DELIVERY_FAILED } from '../bot/turnFlags';
import type { Logger } from '../logger';

/** botbuilder's CloudAdapter, with the turn entry point that takes an already authenticated request. */
export class ChannelAdapter extends CloudAdapter {
  runAuthenticated(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

export interface BotEndpointDeps {
  readonly adapter: ChannelAdapter;
  readonly auth: BotFrameworkAuthentication;
  readonly bot: ActivityHandler;
  readonly logger: Logger;
  /** Whether requests must carry a Bot Framework token (MicrosoftAppId is set). */
  readonly authEnabled: boolean;
  /** Without authentication, where replies may be posted besides loopback (URL prefixes). */
  readonly allowedServiceUrls: readonly string[];
  /** Counts replies a channel did not take, for health and the logs. */
  readonly deliveryFailures: { count: number };
}

/**
 * POST /api/messages: authenticates the request, refuses to post replies anywhere a client chooses
 * while unauthenticated, runs the turn, and says when a reply could not be delivered (502) instead
 * of answering 200 for a turn nobody received.
 */
export function botEndpoint(deps: BotEndpointDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const activity = req.body as Activity;
    const expectReplies = activity.deliveryMode === 'expectReplies';
    let authResult: AuthenticateRequestResult;
    try {
      authResult = await deps.auth.authenticateRequest(activity, req.headers.authorization ?? '');
    } catch (e) {
      deps.logger.info({ channelId: activity.channelId, reason: (e as Error).message }, 'request refused: not authenticated');
      return next(new AppError('UNAUTHORIZED', 'A valid Bot Framework token is required.', { cause: e }));
    }
    if (!deps.authEnabled && !expectReplies && !replyAllowed(activity.serviceUrl, deps.allowedServiceUrls)) {
      return next(new AppError('FORBIDDEN', 'Without a Microsoft app id, replies go only to loopback or to ALLOWED_SERVICE_URLS; use deliveryMode "expectReplies".'));
    }
    let failed = false;
    const invoke = await deps.adapter.runAuthenticated(authResult, activity, async (context) => {
      context.onSendActivities(async (_context, _activities, send) => {
        try {
          return await send();
        } catch (e) {
          context.turnState.set(DELIVERY_FAILED, true);
          throw e;
        }
      });
      try {
        await deps.bot.run(context);
      } finally {
        // The turn context is revoked once the turn ends: read the flag while it lives.
        failed = context.turnState.get(DELIVERY_FAILED) === true;
      }
    });
    if (failed) {
      deps.deliveryFailures.count++;
      deps.logger.warn({ channelId: activity.channelId }, 'a reply could not be delivered to the channel');
      return next(new AppError('BAD_GATEWAY', 'The reply could not be delivered to the channel.'));
    }
    if (invoke?.body === undefined) return void res.status(invoke?.status ?? 200).end();
    // Written as it is: express's json() would also hash it for an ETag, which no channel sends back.
    const body = JSON.stringify(invoke.body);
    res.statusCode = invoke.status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  };
}

/** Loopback (the Emulator, a local runner) or an allowed prefix; never an address a client made up. */
export function replyAllowed(serviceUrl: string | undefined, allowed: readonly string[]): boolean {
  if (!serviceUrl) return false;
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (isLoopback(url.hostname)) return true;
  return allowed.some((prefix) => serviceUrl.startsWith(prefix));
}

/** The Bot Framework channel token issuer this deployment trusts. */
export const defaultChannelIssuer = AuthenticationConstants.ToBotFromChannelTokenIssuer;
