import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  /** The one conversation the token opens. */
  readonly conversationId: string;
  /** The user the token speaks for: chosen by this server, never by the client. */
  readonly userId: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** A user id of the built-in Direct Line: random, so that it names nobody and cannot be guessed. */
export function newWebUserId(): string {
  return `dl_${randomBytes(16).toString('base64url')}`;
}

/**
 * Direct Line tokens of the built-in endpoint: a conversation id, the user id bound to it and an
 * expiry, signed with the server's secret (HMAC-SHA256), so that a token opens one conversation, as
 * one user, and nothing else. A page keeps its user across reloads with a longer-lived user ticket,
 * signed the same way, which opens no conversation by itself.
 */
export class TokenIssuer {
  constructor(
    private readonly secret: Buffer = randomBytes(32),
    readonly ttlMs = 60 * 60 * 1000,
    readonly userTicketTtlMs = 30 * 24 * 3600_000,
  ) {}

  issue(conversationId: string, userId: string, now: number): { token: string; expiresIn: number } {
    return { token: this.seal({ k: 't', c: conversationId, u: userId, e: now + this.ttlMs }), expiresIn: Math.floor(this.ttlMs / 1000) };
  }

  /** The claims of a valid, unexpired conversation token; undefined otherwise. */
  verify(token: string, now: number, opts: { allowExpired?: boolean } = {}): TokenClaims | undefined {
    const body = this.open(token, opts.allowExpired ? 0 : now);
    if (body?.['k'] !== 't' || typeof body['c'] !== 'string' || typeof body['u'] !== 'string') return undefined;
    return { conversationId: body['c'], userId: body['u'], expiresAt: body['e'] as number };
  }

  /** A ticket that lets a reloaded page go on as the same user in a new or resumed conversation. */
  userTicket(userId: string, now: number): string {
    return this.seal({ k: 'u', u: userId, e: now + this.userTicketTtlMs });
  }

  /** The user id of a valid, unexpired user ticket; undefined otherwise. */
  verifyUserTicket(ticket: string, now: number): string | undefined {
    const body = this.open(ticket, now);
    return body?.['k'] === 'u' && typeof body['u'] === 'string' ? body['u'] : undefined;
  }

  private seal(claims: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  private open(token: string, now: number): Record<string, unknown> | undefined {
    if (typeof token !== 'string' || token.length > 2048) return undefined;
    const [body, sig] = token.split('.');
    if (!body || !sig) return undefined;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (typeof claims['e'] !== 'number' || claims['e'] < now) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
