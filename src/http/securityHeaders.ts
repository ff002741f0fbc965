import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Hosts that may frame the organiser tab: Teams (web, desktop, mobile, government clouds) and the
 * Microsoft 365 hosts that run Teams apps (Outlook, the Microsoft 365 app), as Microsoft lists them
 * for tabs. Any other site that frames the tab is refused by the browser.
 */
export const TEAMS_FRAME_ANCESTORS = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.teams.microsoft.us',
  'https://local.teams.office.com',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://*.office365.com',
  'https://*.cloud.microsoft',
  'https://*.microsoft365.com',
  'https://*.officeapps.live.com',
  'https://*.skype.com',
] as const;

/** Where Teams JS fetches the list of hosts it accepts messages from (it falls back to a built-in list). */
const TEAMS_JS_CONNECT = ['https://res.cdn.office.net'] as const;

/** Paths of pages that Teams and Microsoft 365 frame (the organiser tab). */
const FRAMED_PATHS = /^\/organiser\/?$/;

export interface SecurityHeaderOptions {
  /** Azure Direct Line endpoint the web page talks to, when one is configured (its https and wss origins are allowed). */
  readonly directLineEndpoint?: string | undefined;
  /** The public address is https: browsers are told to upgrade any plain-http request and to keep to https. */
  readonly https?: boolean | undefined;
}

/** The nonce of this response's inline scripts (a page puts it on its <script> tags). */
export function cspNonce(res: Response | ServerResponse): string {
  return (res as Response).locals?.['cspNonce'] as string;
}

function connectSources(endpoint: string | undefined): string[] {
  if (!endpoint) return ["'self'"];
  const url = new URL(endpoint);
  return ["'self'", url.origin, `${url.protocol === 'http:' ? 'ws' : 'wss'}://${url.host}`];
}

/**
 * Security headers on every response (helmet): a Content-Security-Policy under which Web Chat and
 * Teams JS work (scripts from this origin, inline ones only with the response's nonce; inline
 * styles, which Web Chat injects; images from data: and blob: URLs), frame-ancestors that let Teams
 * and Microsoft 365 frame the organiser tab and no one frame anything else, nosniff, no referrer.
 */
export function securityHeaders(options: SecurityHeaderOptions = {}): RequestHandler {
  const directives = (frameAncestors: readonly string[], connect: readonly string[] = []) => ({
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", (_req: IncomingMessage, res: ServerResponse) => `'nonce-${cspNonce(res)}'`],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    mediaSrc: ["'self'", 'data:', 'blob:'],
    connectSrc: [...connectSources(options.directLineEndpoint), ...connect],
    frameSrc: ["'self'"],
    workerSrc: ["'self'", 'blob:'],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: [...frameAncestors],
    upgradeInsecureRequests: options.https ? [] : null,
  });
  const common = {
    referrerPolicy: { policy: 'no-referrer' as const },
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  };
  const page = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: directives(["'self'"]) } });
  // The tab is framed by Teams: no X-Frame-Options (frame-ancestors says who may), popups allowed for sign-in.
  const tab = helmet({
    ...common,
    contentSecurityPolicy: { useDefaults: false, directives: directives(["'self'", ...TEAMS_FRAME_ANCESTORS], TEAMS_JS_CONNECT) },
    xFrameOptions: false,
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
  });
  const headers = { page: replay(page), tab: replay(tab) };
  const newNonce = nonces();
  return (req, res, next) => {
    const nonce = newNonce();
    res.locals['cspNonce'] = nonce;
    (FRAMED_PATHS.test(req.path) ? headers.tab : headers.page)(res, nonce);
    next();
  };
}

/**
 * 128 random bits per response (CSP asks for at least that), drawn from the system's generator a
 * few thousand at a time, as node's randomUUID does: one call to it per response cost more than
 * the rest of the headers.
 */
export function nonces(batch = 256): () => string {
  let pool = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at >= pool.length) {
      pool = randomBytes(16 * batch);
      at = 0;
    }
    at += 16;
    return pool.toString('base64', at - 16, at);
  };
}

/** Stands for the response's nonce in the headers recorded once. */
const NONCE_MARK = 'cspNonceMark0000';

/**
 * The headers a helmet middleware sets depend on nothing but the nonce: recorded once with a mark
 * in place of the nonce, then replayed on each response with its own nonce (helmet builds its
 * Content-Security-Policy anew on every request otherwise).
 */
function replay(middleware: RequestHandler): (res: ServerResponse, nonce: string) => void {
  const set: Array<[string, string]> = [];
  const removed: string[] = [];
  const res = {
    locals: { cspNonce: NONCE_MARK },
    setHeader: (name: string, value: unknown) => void set.push([name, String(value)]),
    removeHeader: (name: string) => void removed.push(name),
  };
  let done = false;
  middleware({ path: '/', headers: {}, method: 'GET' } as Request, res as unknown as Response, () => (done = true));
  if (!done) throw new Error('security headers: helmet did not complete synchronously');
  const headers = set.map(([name, value]) => ({ name, parts: value.split(NONCE_MARK) }));
  return (target, nonce) => {
    for (const name of removed) target.removeHeader(name);
    for (const { name, parts } of headers) target.setHeader(name, parts.length === 1 ? parts[0]! : parts.join(nonce));
  };
}
