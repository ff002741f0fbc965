import express, { type NextFunction, type Request, type Response } from 'express';
import { botEndpoint, type BotEndpointDeps } from './botEndpoint';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { webChatPage } from './webPage';
import { organiserPage } from './organiserPage';
import { cspNonce, securityHeaders, type SecurityHeaderOptions } from './securityHeaders';
import { dirname, join } from 'node:path';

// The packages export no package.json: find their folders from their entry points.
const WEBCHAT_BUNDLE = join(dirname(require.resolve('botframework-webchat')), '..', 'dist', 'webchat.js');
const TEAMS_JS_BUNDLE = join(dirname(require.resolve('@microsoft/teams-js')), 'MicrosoftTeams.min.js');

export interface HttpDeps {
  /** The Bot Framework endpoint: adapter, authentication, bot and where replies may go. */
  readonly messages: BotEndpointDeps;
  readonly logger: Logger;
  /** Resolves with details when the sources are loaded and the database answers; throws otherwise. */
  readonly health: () => Promise<Record<string, unknown>>;
  /** The organiser/admin API; absent (every call refused with 401) when no ADMIN_TOKEN is set. */
  readonly admin?: express.Router | undefined;
  /** The built-in Direct Line endpoint, its connector, and the page's token endpoint. */
  readonly directLine?: { api: express.Router; connector: express.Router; tokenEndpoint: express.Router; connectorPath: string } | undefined;
  /** Other routers mounted as they are (calendar files, the organiser tab). */
  readonly extra?: ReadonlyArray<[string, express.Router]>;
  /** The web page's strings in both languages, as JSON (from locales/). */
  readonly pageStrings: string;
  /** The organiser tab's strings and events, as JSON; no tab when absent. */
  readonly organiser?: { strings: string; events: string } | undefined;
  /** What the Content-Security-Policy must allow besides this origin (Azure Direct Line), and whether the site is https. */
  readonly security?: SecurityHeaderOptions | undefined;
}

/** The HTTP surface: Bot Framework endpoint, health, and the web page. Thin: everything else is injected. */
export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(deps.security));

  app.get('/', (_req, res) => {
    res.type('html').send(webChatPage(deps.pageStrings, cspNonce(res)));
  });
  if (deps.organiser) {
    const { strings, events } = deps.organiser;
    app.get('/organiser', (_req, res) => {
      res.type('html').send(organiserPage(strings, events, cspNonce(res)));
    });
  }
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  // Web Chat's and Teams JS's bundles, from the installed packages: no CDN.
  app.get('/webchat/webchat.js', (_req, res) => res.sendFile(WEBCHAT_BUNDLE, { maxAge: '1d' }));
  app.get('/teams/MicrosoftTeams.min.js', (_req, res) => res.sendFile(TEAMS_JS_BUNDLE, { maxAge: '1d' }));
  if (deps.directLine) {
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

  const messages = botEndpoint(deps.messages);
  app.post('/api/messages', express.json({ limit: '256kb' }), async (req: Request, res: Response, next: NextFunction) => {
    const body = req.body as unknown;
    if (!isActivity(body)) return next(new AppError('BAD_ACTIVITY', 'The request body must be a JSON activity with a string "type".'));
    await messages(req, res, next);
  });
  app.all('/api/messages', (_req, _res, next) => next(new AppError('METHOD_NOT_ALLOWED', 'Use POST to send an activity.')));

  if (deps.admin) app.use('/api/admin', deps.admin);
  else app.use('/api/admin', (_req, _res, next) => next(new AppError('UNAUTHORIZED', 'The admin API is disabled: set ADMIN_TOKEN to enable it.')));

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

function isActivity(body: unknown): body is { type: string } {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && typeof (body as { type?: unknown }).type === 'string';
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; statusCode?: number };
  if (e?.type === 'entity.parse.failed') return new AppError('BAD_JSON', undefined, { cause: err });
  if (e?.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', undefined, { cause: err });
  if ((e?.status ?? e?.statusCode) === 400) return new AppError('BAD_JSON', undefined, { cause: err });
  if ((e?.status ?? e?.statusCode) === 401) return new AppError('UNAUTHORIZED', undefined, { cause: err });
  return new AppError('INTERNAL', undefined, { cause: err });
}
