import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors';
import type { Logger } from '../logger';

/** Who may call the admin API: the holder of the admin token, and organisers signed in through Teams. */
export interface AdminAuthOptions {
  /** ADMIN_TOKEN, for browsers and scripts; absent: only Teams sign-in. */
  readonly token?: string | undefined;
  /** Teams sign-in: the token checker and the object ids allowed in. */
  readonly signIn?: { readonly verifier: TokenVerifier; readonly organiserIds: readonly string[] } | undefined;
  readonly logger: Logger;
}

/** Who a sign-in token says signed in: their object id and tenant. */
export interface SignedInUser {
  readonly oid: string;
  readonly tid: string;
}

/** Checks a sign-in token (src/http/entraToken.ts for Entra ID); rejects with TokenRefused. */
export interface TokenVerifier {
  verify(token: string): Promise<SignedInUser>;
}

/** Why a token was refused, in words a developer setting up the app registration can act on. */
export class TokenRefused extends Error {
  constructor(
    reason: string,
    /** True when the token could not be checked (Entra ID's keys out of reach), rather than found wrong. */
    readonly unavailable = false,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'TokenRefused';
  }
}

const sha = (s: string) => createHash('sha256').update(s).digest();
const looksLikeJwt = (s: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(s);

/**
 * The admin API's gate. The admin token is compared in constant time; anything else shaped like a
 * JWT is checked as an Entra ID token from the organiser tab: a bad token is 401 (with the reason),
 * a good one of someone who is not an organiser is 403 NOT_ORGANISER.
 */
export function adminAuthentication(options: AdminAuthOptions): RequestHandler {
  const expected = options.token ? sha(options.token) : undefined;
  const organisers = new Set((options.signIn?.organiserIds ?? []).map((id) => id.toLowerCase()));
  const required = options.signIn ? 'A valid "Authorization: Bearer <ADMIN_TOKEN>" header, or a Teams sign-in token, is required.' : 'A valid "Authorization: Bearer <ADMIN_TOKEN>" header is required.';
  return (req: Request, res: Response, next: NextFunction) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (!bearer) return next(new AppError('UNAUTHORIZED', required));
    if (expected && timingSafeEqual(sha(bearer), expected)) return next();
    if (!options.signIn || !looksLikeJwt(bearer)) return next(new AppError('UNAUTHORIZED', required));
    options.signIn.verifier.verify(bearer).then(
      (user) => {
        if (!organisers.has(user.oid)) {
          options.logger.info({ oid: user.oid, tid: user.tid }, 'admin API: signed in, but not an organiser');
          return next(new AppError('NOT_ORGANISER', `You are signed in, but your account (object id ${user.oid}) is not an organiser: an administrator can add it to ORGANISER_IDS.`));
        }
        res.locals['organiser'] = user.oid;
        next();
      },
      (e: unknown) => {
        if (e instanceof TokenRefused && e.unavailable) {
          options.logger.warn({ err: e.cause }, 'admin API: Entra ID signing keys unreachable');
          return next(new AppError('NOT_READY', 'The Teams sign-in cannot be checked right now: try again in a moment.'));
        }
        const reason = e instanceof Error ? e.message : 'the token could not be checked';
        options.logger.info({ reason }, 'admin API: Teams sign-in token refused');
        next(new AppError('UNAUTHORIZED', `The Teams sign-in was refused: ${reason}.`));
      },
    );
  };
}
