import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Activity, ActivityHandler, CloudAdapter } from 'botbuilder';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { ConversationStore } from './store';
import type { TokenIssuer } from './tokens';

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
      const conversationId = randomUUID();
      deps.store.create(conversationId, now());
      const { token, expiresIn } = deps.tokens.issue(conversationId, now());
      res.json({ conversationId, token, expires_in: expiresIn });
    }),
  );

  api.post(
    '/tokens/refresh',
    wrap((req, res) => {
      const c = claims(req);
      const { token, expiresIn } = deps.tokens.issue(c.conversationId, now());
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
      res.json(deps.store.since(c.conversationId, watermark, now()));
    }),
  );

  api.post(
    '/conversations/:id/activities',
    express.json({ limit: '64kb' }),
    wrap((req, res) => {
      const c = forConversation(req);
      const body = req.body as Partial<Activity> | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body) || typeof body.type !== 'string') throw new AppError('BAD_ACTIVITY', 'The body must be an activity with a string "type".');
      if (typeof body.text === 'string' && body.text.length > deps.maxTextLength * 5) throw new AppError('BAD_ACTIVITY', `The message is too long (more than ${deps.maxTextLength * 5} characters).`);
      if (!body.from || typeof body.from.id !== 'string' || !body.from.id) throw new AppError('BAD_ACTIVITY', 'The activity needs "from.id".');
      const activity: Partial<Activity> = {
        ...body,
        channelId: 'directline',
        conversation: { id: c.conversationId } as Activity['conversation'],
        recipient: { id: deps.botId, name: 'Participant assistant', role: 'bot' } as Activity['recipient'],
        from: { ...body.from, role: 'user' } as Activity['from'],
        timestamp: new Date() as unknown as Activity['timestamp'],
        serviceUrl: deps.connectorUrl(),
      };
      const id = deps.store.append(c.conversationId, activity, now())!;
      res.json({ id });
      // The bot's turn runs after the answer; its replies arrive through the connector below.
      deps.adapter.processActivityDirect('', { ...activity, id } as Activity, (context) => deps.bot.run(context)).catch((err: unknown) => deps.logger.error({ err, conversation: c.conversationId }, 'direct line turn failed'));
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
  const accept = wrap((req, res) => {
    const id = String(req.params['id']);
    const body = req.body as Partial<Activity>;
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
        const r = await fetch(`${deps.azure.endpoint.replace(/\/$/, '')}/tokens/generate`, { method: 'POST', headers: { authorization: `Bearer ${deps.azure.secret}` } });
        if (!r.ok) throw new AppError('NOT_READY', `Direct Line answered ${r.status}.`);
        const json = (await r.json()) as { conversationId: string; token: string; expires_in: number };
        res.json({ ...json, domain: deps.azure.endpoint });
        return;
      }
      // A page reloading keeps its conversation: a still valid token for a live conversation is renewed.
      const previous = typeof (req.body as { token?: unknown })?.token === 'string' ? deps.tokens.verify((req.body as { token: string }).token, now()) : undefined;
      const conversationId = previous && deps.store.has(previous.conversationId) ? previous.conversationId : randomUUID();
      deps.store.create(conversationId, now());
      const { token, expiresIn } = deps.tokens.issue(conversationId, now());
      res.json({ conversationId, token, expires_in: expiresIn, domain: null, resumed: conversationId === previous?.conversationId });
    }),
  );
  return { api, connector, tokenEndpoint };
}
