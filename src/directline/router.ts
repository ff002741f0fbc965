import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Activity, ActivityHandler, CloudAdapter } from 'botbuilder';
import { AppError } from '../errors';
import { activityBody, validateActivity } from '../http/activitySchema';
import { isLoopback } from '../http/loopback';
import type { Logger } from '../logger';
import type { DirectLineStore } from './store';
import type { ActivityHub } from './hub';
import { newWebUserId, type TokenClaims, type TokenIssuer } from './tokens';

export interface DirectLineDeps {
  readonly store: DirectLineStore;
  readonly hub: ActivityHub;
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
  readonly now?: () => number;
}

/** The address of a conversation's WebSocket stream, as Direct Line 3.0 gives it (token in `t`). */
export function streamUrl(req: Request, conversationId: string, token: string, watermark?: string): string {
  const scheme = req.protocol === 'https' ? 'wss' : 'ws';
  const query = new URLSearchParams({ ...(watermark ? { watermark } : {}), t: token });
  return `${scheme}://${req.get('host') ?? 'localhost'}${req.baseUrl}/conversations/${encodeURIComponent(conversationId)}/stream?${query.toString()}`;
}

/**
 * A Direct Line 3.0 endpoint served by the app itself, so that the web page works with no Azure:
 * start or resume a conversation (a token per conversation and user), post activities, receive them
 * over a WebSocket stream or by polling with a watermark. Conversations live in the database, so a
 * restart or another instance goes on with them. The bot answers through a connector of this server.
 */
export function directLine(deps: DirectLineDeps): { api: Router; connector: Router; tokenEndpoint: Router } {
  const now = deps.now ?? Date.now;
  const api = express.Router();
  const access = clientAccess(deps, now);
  tokenRoutes(api, deps, access, now);
  conversationRoutes(api, deps, access, now);
  api.post('/conversations/:id/upload', (_req, _res, next) => next(new AppError('BAD_REQUEST', 'Attachments are not accepted.')));
  // A body that is not JSON, or too large, is a bad activity (400) for Direct Line clients.
  api.use((err: unknown, _req: Request, _res: Response, next: NextFunction) => {
    if (!(err instanceof AppError)) return next(err);
    if (err.code === 'BAD_JSON') return next(new AppError('BAD_ACTIVITY', err.message, { cause: err }));
    if (err.code === 'PAYLOAD_TOO_LARGE') return next(new AppError('BAD_ACTIVITY', 'The activity is too large.', { cause: err }));
    next(err);
  });
  return { api, connector: connectorRouter(deps, now), tokenEndpoint: tokenRouter(deps, now) };
}

type ClientAccess = ReturnType<typeof clientAccess>;

/** Who a client's request speaks for: its bearer token's claims, and whether they open the conversation in the path. */
function clientAccess(deps: DirectLineDeps, now: () => number) {
  const bearer = (req: Request): string | undefined => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const claims = (req: Request) => {
    const token = bearer(req);
    if (!token) throw new AppError('UNAUTHORIZED', 'A Direct Line token is required: "Authorization: Bearer <token>".');
    const c = deps.tokens.verify(token, now());
    if (!c) throw new AppError('UNAUTHORIZED', 'The Direct Line token is not valid or has expired.');
    return c;
  };
  const forConversation = async (req: Request) => {
    const c = claims(req);
    if (c.conversationId !== req.params['id']) throw new AppError('FORBIDDEN', 'This token does not open this conversation.');
    if ((await deps.store.owner(c.conversationId)) !== c.userId) throw new AppError('NOT_FOUND', 'The conversation has expired; start a new one.');
    return c;
  };
  return { bearer, claims, forConversation };
}

/** An async route handler whose failure goes to the error handlers. */
const wrap = (f: (req: Request, res: Response) => void | Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
  Promise.resolve(f(req, res)).catch(next);
};

/** POST /tokens/generate and /tokens/refresh. */
function tokenRoutes(api: Router, deps: DirectLineDeps, access: ClientAccess, now: () => number): void {
  api.post(
    '/tokens/generate',
    wrap(async (_req, res) => {
      // Without a Direct Line secret there is nobody to vouch for a user id the client proposes: the
      // server picks one and binds it to the token.
      const conversationId = randomUUID();
      const userId = newWebUserId();
      await deps.store.create(conversationId, userId, now());
      const { token, expiresIn } = deps.tokens.issue(conversationId, userId, now());
      res.json({ conversationId, token, expires_in: expiresIn });
    }),
  );

  api.post(
    '/tokens/refresh',
    wrap((req, res) => {
      const c = access.claims(req);
      const { token, expiresIn } = deps.tokens.issue(c.conversationId, c.userId, now());
      res.json({ conversationId: c.conversationId, token, expires_in: expiresIn });
    }),
  );
}

/** Starting, resuming and reconnecting to a conversation; reading and posting its activities. */
function conversationRoutes(api: Router, deps: DirectLineDeps, access: ClientAccess, now: () => number): void {
  const { bearer, claims, forConversation } = access;
  const conversation = (req: Request, c: TokenClaims, token: string, watermark?: string) => ({
    conversationId: c.conversationId,
    token,
    expires_in: Math.max(0, Math.floor((c.expiresAt - now()) / 1000)),
    streamUrl: streamUrl(req, c.conversationId, token, watermark),
  });

  // Start (or resume) the conversation the token opens.
  api.post(
    '/conversations',
    wrap(async (req, res) => {
      const c = claims(req);
      const owner = await deps.store.owner(c.conversationId);
      if (owner !== undefined && owner !== c.userId) throw new AppError('FORBIDDEN', 'This token does not open this conversation.');
      if (!owner) await deps.store.create(c.conversationId, c.userId, now());
      res.status(owner ? 200 : 201).json(conversation(req, c, bearer(req)!));
    }),
  );

  // Reconnect: a fresh stream address from the watermark the client has.
  api.get(
    '/conversations/:id',
    wrap(async (req, res) => {
      const c = await forConversation(req);
      const watermark = typeof req.query['watermark'] === 'string' && /^\d{1,9}$/.test(req.query['watermark']) ? req.query['watermark'] : undefined;
      res.json(conversation(req, c, bearer(req)!, watermark));
    }),
  );

  api.get(
    '/conversations/:id/activities',
    wrap(async (req, res) => {
      const c = await forConversation(req);
      const watermark = parseWatermark(req.query['watermark']);
      const page = await deps.store.since(c.conversationId, watermark);
      if (!page) throw new AppError('NOT_FOUND', 'The conversation has expired; start a new one.');
      res.json({ ...page, activities: page.activities.map(forClient) });
    }),
  );

  api.post(
    '/conversations/:id/activities',
    // Read within limits (UTF-8 JSON, size, depth) and checked as a client's activity before anything else.
    ...activityBody(64 * 1024),
    validateActivity('client', deps.maxTextLength * 5),
    wrap(async (req, res) => {
      const c = await forConversation(req);
      const body = req.body as Partial<Activity>;
      if (!CLIENT_TYPES.has(body.type ?? '')) throw new AppError('BAD_ACTIVITY', `A client may send only ${[...CLIENT_TYPES].join(', ')} activities.`);
      const activity = fromClient(body, c, deps);
      const id = await deps.store.append(c.conversationId, forHistory(activity), now());
      if (!id) throw new AppError('NOT_FOUND', 'The conversation has expired; start a new one.');
      deps.hub.publish(c.conversationId);
      res.json({ id });
      // The bot's turn runs after the answer; its replies arrive through the connector below, whose
      // address only this server knows (it is never stored with the activity nor shown to clients).
      deps.adapter
        .processActivityDirect('', { ...activity, id, serviceUrl: deps.connectorUrl() } as Activity, (context) => deps.bot.run(context))
        .catch((err: unknown) => deps.logger.error({ err, conversation: c.conversationId }, 'direct line turn failed'));
    }),
  );
}

/** The connector the bot replies to: POST /v3/conversations/:id/activities[/:replyTo]. */
function connectorRouter(deps: DirectLineDeps, now: () => number): Router {
  const connector = express.Router();
  // Only this process replies here: its own loopback connection, under a path with a secret.
  connector.use((req, _res, next) => next(isLoopback(req.socket.remoteAddress) ? undefined : new AppError('NOT_FOUND')));
  const accept = (req: Request, res: Response, next: NextFunction) => {
    const id = String(req.params['id']);
    const { serviceUrl: _internal, ...body } = req.body as Partial<Activity>;
    deps.store
      .append(id, { ...body, timestamp: new Date(now()) as unknown as Activity['timestamp'] }, now())
      .then((activityId) => {
        if (!activityId) throw new AppError('NOT_FOUND', 'No such conversation.');
        deps.hub.publish(id);
        res.json({ id: activityId });
      })
      .catch(next);
  };
  connector.post('/v3/conversations/:id/activities', express.json({ limit: '1mb' }), accept);
  connector.post('/v3/conversations/:id/activities/:replyTo', express.json({ limit: '1mb' }), accept);
  connector.put('/v3/conversations/:id/activities/:activityId', express.json({ limit: '1mb' }), (req, res) => {
    res.json({ id: req.params['activityId'] });
  });
  return connector;
}

/** Token endpoint of the page: the built-in endpoint's tokens, or Azure Direct Line's with the secret kept here. */
function tokenRouter(deps: DirectLineDeps, now: () => number): Router {
  const tokenEndpoint = express.Router();
  tokenEndpoint.post('/token', express.json({ limit: '4kb' }), (req: Request, res: Response, next: NextFunction) => {
    (deps.azure ? azureToken(deps.azure) : builtInToken(deps, req.body, now)).then((body) => res.json(body), next);
  });
  return tokenEndpoint;
}

async function azureToken(azure: { readonly secret: string; readonly endpoint: string }): Promise<Record<string, unknown>> {
  // Azure binds the token to the user id given here, so a client cannot speak as another user.
  const userId = newWebUserId();
  const r = await fetch(`${azure.endpoint.replace(/\/$/, '')}/tokens/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${azure.secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user: { id: userId } }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!r.ok) throw new AppError('NOT_READY', `Direct Line answered ${r.status}.`);
  const json = (await r.json()) as { conversationId: string; token: string; expires_in: number };
  return { ...json, domain: azure.endpoint, userId };
}

/**
 * A reloading page keeps its user (the user ticket) and its conversation: the previous token names
 * it, and once that token has expired the ticket proves the conversation is this user's. So a page
 * open across a restart, or reopened the next day, shows its history and "what have I confirmed?"
 * still finds the participant.
 */
async function builtInToken(deps: DirectLineDeps, body: unknown, now: () => number): Promise<Record<string, unknown>> {
  const given = (body ?? {}) as { token?: unknown; user?: unknown };
  const ticketUser = typeof given.user === 'string' ? deps.tokens.verifyUserTicket(given.user, now()) : undefined;
  const live = typeof given.token === 'string' ? deps.tokens.verify(given.token, now()) : undefined;
  const expired = !live && ticketUser && typeof given.token === 'string' ? deps.tokens.verify(given.token, now(), { allowExpired: true }) : undefined;
  const previous = live ?? (expired?.userId === ticketUser ? expired : undefined);
  const userId = previous?.userId ?? ticketUser ?? newWebUserId();
  const resumed = previous !== undefined && (await deps.store.owner(previous.conversationId)) === userId;
  const conversationId = resumed ? previous.conversationId : randomUUID();
  if (!resumed) await deps.store.create(conversationId, userId, now());
  const { token, expiresIn } = deps.tokens.issue(conversationId, userId, now());
  return { conversationId, token, expires_in: expiresIn, domain: null, resumed, userId, user: deps.tokens.userTicket(userId, now()) };
}

function parseWatermark(raw: unknown): number {
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < 0) throw new AppError('BAD_REQUEST', 'watermark must be a whole number.');
  return n;
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

/** How long a client's own activity id may be, as kept to be shown back to it. */
const MAX_CLIENT_ID = 100;
/** The longest label of a button press kept to show it again. */
const MAX_DISPLAY_TEXT = 200;

/**
 * A client's activity as the conversation's history keeps it: what it said, and the id its client
 * knows it by (Web Chat marks a message sent when it sees that id come back), but not the card
 * values, entities and channel data the bot has read already: kept, they would let a client fill
 * the disk at the rate limit's pace with payloads nobody reads again.
 */
export function forHistory(activity: Partial<Activity>): Partial<Activity> {
  const { value: _value, entities: _entities, channelData, ...kept } = activity;
  const data = (channelData ?? {}) as Record<string, unknown>;
  const own: Record<string, unknown> = {};
  for (const key of ['clientActivityID', 'clientTimestamp'] as const) {
    const v = data[key];
    if (typeof v === 'string' && v.length <= MAX_CLIENT_ID) own[key] = v;
  }
  // How Web Chat shows its own button presses again: hidden (postBack) or under their label (messageBack).
  if (data['postBack'] === true) own['postBack'] = true;
  const displayText = (data['messageBack'] as { displayText?: unknown } | undefined)?.displayText;
  // Control characters say nothing to anyone reading the history again (the bot drops them too).
  if (typeof displayText === 'string' && displayText.length <= MAX_DISPLAY_TEXT) own['messageBack'] = { displayText: withoutControls(displayText) };
  if (typeof kept.text === 'string') kept.text = withoutControls(kept.text);
  return Object.keys(own).length ? { ...kept, channelData: own } : kept;
}

/** Text without C0 and C1 control characters other than tab and line breaks. */
function withoutControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '');
}

/** An activity as a Direct Line client sees it: nothing of the server's internals. */
export function forClient(activity: Partial<Activity>): Partial<Activity> {
  const { serviceUrl: _serviceUrl, callerId: _callerId, ...visible } = activity;
  return visible;
}
