import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Activity, ActivityHandler, CloudAdapter } from 'botbuilder';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { ConversationStore } from './store';
import { newWebUserId, type TokenClaims, type TokenIssuer } from './tokens';

export interface DirectLineDeps {
  readonly store: ConversationStore;
  readonly tokens: TokenIssuer;
  /** An adapter that trusts these in-process activities (no Bot Framework token between the two). */
  readonly adapter: CloudAdapter;
  readonly bot: ActivityHandler;
  readonly logger: Logger;
  /** Where the bot's replies come back: this server on loopback, under a secret path. */
  readonly connectorUrl: () => string;
  readonly botId: string;
  readonly maxTextLength: number;
  /** Azure Direct Line instead of the built-in endpoint: the secret stays on this server. */
  readonly azure?: { readonly secret: string; readonly endpoint: string } | undefined;
}

const now = () => Date.now();

/**
 * A Direct Line 3.0 endpoint served by the app itself, so that the web page works with no Azure:
 * start a conversation (a token per conversation), post activities, get them back by watermark
 * (polling). The bot answers through a connector endpoint of the same server.
 */
export function directLine(deps: DirectLineDeps): { api: Router; connector: Router; tokenEndpoint: Router } {
  const api = express.Router();
  const bearer = (req: Request): string | undefined => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const claims = (req: Request) => {
    const token = bearer(req);
    if (!token) throw new AppError('UNAUTHORIZED', 'A Direct Line token is required: "Authorization: Bearer <token>".');
    const c = deps.tokens.verify(token, now());
    if (!c) throw new AppError('UNAUTHORIZED', 'The Direct Line token is not valid or has expired.');
    return c;
  };
  const forConversation = (req: Request) => {
    const c = claims(req);
    if (c.conversationId !== req.params['id']) throw new AppError('FORBIDDEN', 'This token does not open this conversation.');
    if (!deps.store.has(c.conversationId)) throw new AppError('NOT_FOUND', 'The conversation has expired; start a new one.');
    return c;
  };
  const wrap = (f: (req: Request, res: Response) => void | Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve(f(req, res)).catch(next);
  };

  api.post(
    '/tokens/generate',
    wrap((_req, res) => {
      // Without a Direct Line secret there is nobody to vouch for a user id the client proposes: the
      // server picks one and binds it to the token.
      const conversationId = randomUUID();
      deps.store.create(conversationId, now());
      const { token, expiresIn } = deps.tokens.issue(conversationId, newWebUserId(), now());
      res.json({ conversationId, token, expires_in: expiresIn });
    }),
  );

  api.post(
    '/tokens/refresh',
    wrap((req, res) => {
      const c = claims(req);
      const { token, expiresIn } = deps.tokens.issue(c.conversationId, c.userId, now());
      res.json({ conversationId: c.conversationId, token, expires_in: expiresIn });
    }),
  );

  // Start (or resume) the conversation the token opens.
  api.post(
    '/conversations',
    wrap((req, res) => {
      const c = claims(req);
      const isNew = !deps.store.has(c.conversationId);
      deps.store.create(c.conversationId, now());
      res.status(isNew ? 201 : 200).json({ conversationId: c.conversationId, token: bearer(req), expires_in: Math.max(0, Math.floor((c.expiresAt - now()) / 1000)) });
    }),
  );

  api.get(
    '/conversations/:id',
    wrap((req, res) => {
      const c = forConversation(req);
      res.json({ conversationId: c.conversationId, token: bearer(req), expires_in: Math.max(0, Math.floor((c.expiresAt - now()) / 1000)) });
    }),
  );

  api.get(
    '/conversations/:id/activities',
    wrap((req, res) => {
      const c = forConversation(req);
      const raw = req.query['watermark'];
      const watermark = raw === undefined || raw === '' ? 0 : Number(raw);
      if (!Number.isInteger(watermark) || watermark < 0) throw new AppError('BAD_REQUEST', 'watermark must be a whole number.');
      const page = deps.store.since(c.conversationId, watermark, now());
      res.json(page && { ...page, activities: page.activities.map(forClient) });
    }),
  );

  api.post(
    '/conversations/:id/activities',
    express.json({ limit: '64kb' }),
    wrap((req, res) => {
      const c = forConversation(req);
      const body = req.body as Partial<Activity> | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body) || typeof body.type !== 'string') throw new AppError('BAD_ACTIVITY', 'The body must be an activity with a string "type".');
      if (!CLIENT_TYPES.has(body.type)) throw new AppError('BAD_ACTIVITY', `A client may send only ${[...CLIENT_TYPES].join(', ')} activities.`);
      if (typeof body.text === 'string' && body.text.length > deps.maxTextLength * 5) throw new AppError('BAD_ACTIVITY', `The message is too long (more than ${deps.maxTextLength * 5} characters).`);
      const activity = fromClient(body, c, deps);
      const id = deps.store.append(c.conversationId, activity, now())!;
      res.json({ id });
      // The bot's turn runs after the answer; its replies arrive through the connector below, whose
      // address only this server knows (it is never stored with the activity nor shown to clients).
      deps.adapter.processActivityDirect('', { ...activity, id, serviceUrl: deps.connectorUrl() } as Activity, (context) => deps.bot.run(context)).catch((err: unknown) => deps.logger.error({ err, conversation: c.conversationId }, 'direct line turn failed'));
    }),
  );
  api.post('/conversations/:id/upload', (_req, _res, next) => next(new AppError('BAD_REQUEST', 'Attachments are not accepted.')));
  // A body that is not JSON, or too large, is a bad activity (400) for Direct Line clients.
  api.use((err: unknown, _req: Request, _res: Response, next: NextFunction) => {
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed') return next(new AppError('BAD_ACTIVITY', 'The body is not valid JSON.'));
    if (type === 'entity.too.large') return next(new AppError('BAD_ACTIVITY', 'The activity is too large.'));
    next(err);
  });

  // The connector the bot replies to: POST /v3/conversations/:id/activities[/:replyTo].
  const connector = express.Router();
  // Only this process replies here: its own loopback connection, under a path with a secret.
  connector.use((req, _res, next) => next(isLoopback(req.socket.remoteAddress) ? undefined : new AppError('NOT_FOUND')));
  const accept = wrap((req, res) => {
    const id = String(req.params['id']);
    const { serviceUrl: _internal, ...body } = req.body as Partial<Activity>;
    const activityId = deps.store.append(id, { ...body, timestamp: new Date() as unknown as Activity['timestamp'] }, now());
    if (!activityId) throw new AppError('NOT_FOUND', 'No such conversation.');
    res.json({ id: activityId });
  });
  connector.post('/v3/conversations/:id/activities', express.json({ limit: '1mb' }), accept);
  connector.post('/v3/conversations/:id/activities/:replyTo', express.json({ limit: '1mb' }), accept);
  connector.put('/v3/conversations/:id/activities/:activityId', express.json({ limit: '1mb' }), wrap((req, res) => {
    res.json({ id: req.params['activityId'] });
  }));

  // Token endpoint of the page: the built-in endpoint's tokens, or Azure Direct Line's with the secret kept here.
  const tokenEndpoint = express.Router();
  tokenEndpoint.post(
    '/token',
    express.json({ limit: '4kb' }),
    wrap(async (req, res) => {
      if (deps.azure) {
        // Azure binds the token to the user id given here, so a client cannot speak as another user.
        const userId = newWebUserId();
        const r = await fetch(`${deps.azure.endpoint.replace(/\/$/, '')}/tokens/generate`, {
          method: 'POST',
          headers: { authorization: `Bearer ${deps.azure.secret}`, 'content-type': 'application/json' },
          body: JSON.stringify({ user: { id: userId } }),
          signal: AbortSignal.timeout(10_000),
        });
        if (!r.ok) throw new AppError('NOT_READY', `Direct Line answered ${r.status}.`);
        const json = (await r.json()) as { conversationId: string; token: string; expires_in: number };
        res.json({ ...json, domain: deps.azure.endpoint, userId });
        return;
      }
      // A page reloading keeps its conversation (a still valid token for a live conversation is
      // renewed) and its user (the user ticket), so that "what have I confirmed?" still finds it.
      const given = (req.body ?? {}) as { token?: unknown; user?: unknown };
      const previous = typeof given.token === 'string' ? deps.tokens.verify(given.token, now()) : undefined;
      const ticketUser = typeof given.user === 'string' ? deps.tokens.verifyUserTicket(given.user, now()) : undefined;
      const userId = previous?.userId ?? ticketUser ?? newWebUserId();
      const conversationId = previous && deps.store.has(previous.conversationId) ? previous.conversationId : randomUUID();
      deps.store.create(conversationId, now());
      const { token, expiresIn } = deps.tokens.issue(conversationId, userId, now());
      res.json({ conversationId, token, expires_in: expiresIn, domain: null, resumed: conversationId === previous?.conversationId, userId, user: deps.tokens.userTicket(userId, now()) });
    }),
  );
  return { api, connector, tokenEndpoint };
}

/** What a client may send: messages, events (the page's join and feedback) and typing. */
const CLIENT_TYPES = new Set(['message', 'event', 'typing']);
const MAX_NAME = 100;

/**
 * The activity as the bot receives it: the channel's own fields (conversation, sender, recipient,
 * time) set here from the token; of what the client sent, only what a participant may say.
 */
function fromClient(body: Partial<Activity>, c: TokenClaims, deps: Pick<DirectLineDeps, 'botId'>): Partial<Activity> {
  const name = typeof body.from?.name === 'string' ? body.from.name.slice(0, MAX_NAME) : undefined;
  const kept: Partial<Activity> = {};
  for (const key of ['type', 'text', 'textFormat', 'locale', 'localTimezone', 'localTimestamp', 'entities', 'value', 'name', 'channelData', 'replyToId'] as const) {
    if (body[key] !== undefined) (kept as Record<string, unknown>)[key] = body[key];
  }
  return {
    ...kept,
    channelId: 'directline',
    conversation: { id: c.conversationId } as Activity['conversation'],
    recipient: { id: deps.botId, name: 'Participant assistant', role: 'bot' } as Activity['recipient'],
    from: { id: c.userId, ...(name ? { name } : {}), role: 'user' } as Activity['from'],
    timestamp: new Date() as unknown as Activity['timestamp'],
  };
}

/** An activity as a Direct Line client sees it: nothing of the server's internals. */
function forClient(activity: Partial<Activity>): Partial<Activity> {
  const { serviceUrl: _serviceUrl, callerId: _callerId, ...visible } = activity;
  return visible;
}

function isLoopback(address: string | undefined): boolean {
  return !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}
