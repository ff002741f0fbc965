import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  /** The one conversation the token opens. */
  readonly conversationId: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/**
 * Direct Line tokens of the built-in endpoint: a conversation id and an expiry, signed with the
 * server's secret (HMAC-SHA256), so that a token opens one conversation and nothing else.
 */
export class TokenIssuer {
  constructor(
    private readonly secret: Buffer = randomBytes(32),
    readonly ttlMs = 60 * 60 * 1000,
  ) {}

  issue(conversationId: string, now: number): { token: string; expiresIn: number } {
    const body = Buffer.from(JSON.stringify({ c: conversationId, e: now + this.ttlMs })).toString('base64url');
    return { token: `${body}.${this.sign(body)}`, expiresIn: Math.floor(this.ttlMs / 1000) };
  }

  /** The claims of a valid, unexpired token; undefined otherwise. */
  verify(token: string, now: number): TokenClaims | undefined {
    const [body, sig] = token.split('.');
    if (!body || !sig) return undefined;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const { c, e } = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { c?: unknown; e?: unknown };
      if (typeof c !== 'string' || typeof e !== 'number' || e < now) return undefined;
      return { conversationId: c, expiresAt: e };
    } catch {
      return undefined;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
