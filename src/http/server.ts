import express, { type NextFunction, type Request, type Response } from 'express';
import { botEndpoint, type BotEndpointDeps } from './botEndpoint';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { preferredLang, webChatPage } from './webPage';
import { cspNonce, securityHeaders, type SecurityHeaderOptions } from './securityHeaders';
import { dirname, join } from 'node:path';
import type pg from 'pg';
import { ACTIVITY_LIMITS, activityBody, validateActivity } from './activitySchema';
import { edgeLimits, type RateLimitSettings } from './rateLimit';
import { MARKUP_SLACK } from '../bot/text';

// The package exports no package.json: find its folder from its entry point.
const WEBCHAT_BUNDLE = join(dirname(require.resolve('botframework-webchat')), '..', 'dist', 'webchat.js');

export interface HttpDeps {
  /** The Bot Framework endpoint: adapter, authentication, bot and where replies may go. */
  readonly messages: BotEndpointDeps;
  readonly logger: Logger;
  /** Resolves with details when the sources are loaded and the database answers; throws otherwise. */
  readonly health: () => Promise<Record<string, unknown>>;
  /** The organiser/admin API; absent (every call refused with 401) when neither ADMIN_TOKEN nor Teams sign-in is set. */
  readonly admin?: express.Router | undefined;
  /** The built-in Direct Line endpoint, its connector, and the page's token endpoint. */
  readonly directLine?: { api: express.Router; connector: express.Router; tokenEndpoint: express.Router; connectorPath: string } | undefined;
  /** Other routers mounted as they are (calendar files, the organiser tab). */
  readonly extra?: ReadonlyArray<[string, express.Router]>;
  /** The web page's strings in both languages, as JSON (from locales/). */
  readonly pageStrings: string;
  /** The organiser tab: its page and script (src/http/organiserPage.ts); no tab when absent. */
  readonly organiser?: express.Router | undefined;
  /** What the Content-Security-Policy must allow besides this origin (Azure Direct Line), and whether the site is https. */
  readonly security?: SecurityHeaderOptions | undefined;
  /** The edge's limits; without them (a test of parts) nothing is rate limited. */
  readonly edge?: EdgeSettings | undefined;
}

export interface EdgeSettings {
  readonly rateLimits: RateLimitSettings;
  /** express's "trust proxy": which proxies to believe about the client's address. */
  readonly trustProxy: boolean | number | string;
  /** With PostgreSQL, the counts are kept there, shared by every instance. */
  readonly pool?: pg.Pool | undefined;
  /** MAX_MESSAGE_LENGTH: the text of an activity may be a few times that (markup) before it is refused outright. */
  readonly maxMessageLength: number;
}

/** The HTTP surface: Bot Framework endpoint, health, and the web page. Thin: everything else is injected. */
export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(deps.security));
  app.set('trust proxy', deps.edge?.trustProxy ?? false);
  const pass: express.RequestHandler = (_req, _res, next) => next();
  const limits = deps.edge ? edgeLimits(deps.edge.rateLimits, { pool: deps.edge.pool, logger: deps.logger }) : { messages: pass, directLine: pass, create: pass, admin: pass };
  const maxTextLength = Math.max(ACTIVITY_LIMITS.maxTextLength, (deps.edge?.maxMessageLength ?? 0) * MARKUP_SLACK * 2);

  // First after the headers: every turn comes here, and no route below takes a POST to this path, so
  // the turn does not walk past the pages', Direct Line's and the tab's routers to reach it.
  const messages = botEndpoint(deps.messages);
  // Counted, then the body read within its limits (size, media type, depth), then checked as an
  // activity: only a well-formed one reaches the adapter, and bad input is a 4xx, never a 5xx.
  app.post('/api/messages', limits.messages, ...activityBody(256 * 1024), validateActivity('channel', maxTextLength), async (req: Request, res: Response, next: NextFunction) => {
    await messages(req, res, next);
  });
  app.all('/api/messages', (_req, _res, next) => next(new AppError('METHOD_NOT_ALLOWED', 'Use POST to send an activity.')));

  app.get('/', (req, res) => {
    res.type('html').send(webChatPage(deps.pageStrings, cspNonce(res), preferredLang(req)));
  });
  if (deps.organiser) app.use(deps.organiser);
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  // Web Chat's bundle, from the installed package: no CDN (Teams JS is in the organiser tab's own bundle).
  app.get('/webchat/webchat.js', (_req, res) => res.sendFile(WEBCHAT_BUNDLE, { maxAge: '1d' }));
  if (deps.directLine) {
    // Counted before anything is read; creating a conversation or a token has its own, stricter count.
    app.use(['/v3/directline', '/api/directline'], limits.directLine);
    app.post(['/v3/directline/tokens/generate', '/v3/directline/conversations', '/api/directline/token'], limits.create);
    app.use('/v3/directline', deps.directLine.api);
    app.use(deps.directLine.connectorPath, deps.directLine.connector);
    app.use('/api/directline', deps.directLine.tokenEndpoint);
  }
  for (const [path, router] of deps.extra ?? []) app.use(path, router);

  app.get('/api/health', async (_req, res, next) => {
    try {
      res.json({ status: 'ok', ...(await deps.health()) });
    } catch (e) {
      next(new AppError('NOT_READY', (e as Error).message, { cause: e }));
    }
  });

  app.use('/api/admin', limits.admin);
  if (deps.admin) app.use('/api/admin', deps.admin);
  else app.use('/api/admin', (_req, _res, next) => next(new AppError('UNAUTHORIZED', 'The admin API is disabled: set ADMIN_TOKEN (or AAD_APP_CLIENT_ID for Teams sign-in) to enable it.')));

  app.use((_req, _res, next) => next(new AppError('NOT_FOUND')));

  // One error handler: JSON with a code, nothing internal leaked.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toAppError(err);
    if (e.status >= 500) deps.logger.error({ err, path: req.path }, 'request failed');
    else deps.logger.debug({ code: e.code, path: req.path }, 'request refused');
    if (res.headersSent) return;
    res.status(e.status).json(e.toJSON());
  });
  return app;
}

/** Any error as a coded one: what body-parser and the adapter report about a request stays a 4xx. */
function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; statusCode?: number } | null | undefined;
  const status = e?.status ?? e?.statusCode;
  if (e?.type === 'entity.parse.failed') return new AppError('BAD_JSON', undefined, { cause: err });
  if (e?.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', undefined, { cause: err });
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', undefined, { cause: err });
  if (status === 401) return new AppError('UNAUTHORIZED', undefined, { cause: err });
  if (status === 403) return new AppError('FORBIDDEN', undefined, { cause: err });
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE', undefined, { cause: err });
  if (typeof status === 'number' && status >= 400 && status < 500) return new AppError('BAD_REQUEST', undefined, { cause: err });
  return new AppError('INTERNAL', undefined, { cause: err });
}
