import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors';
import type { Logger } from '../logger';

/** Requests per window; 0 turns a bucket off. */
export interface RateLimitSettings {
  /** Per client address, on each surface. */
  readonly perMinute: number;
  /** Per bearer token (a Direct Line conversation, the admin token). */
  readonly tokenPerMinute: number;
  /** Direct Line conversations and tokens created, per client address. */
  readonly createPerMinute: number;
}

/** Where the counts live: this process's memory, or a PostgreSQL table that every instance shares. */
export interface RateLimitStore {
  readonly pool?: pg.Pool | undefined;
  readonly logger: Logger;
  /** Length of a window, in seconds (60 for the per-minute settings). */
  readonly windowSeconds?: number;
}

/** The table the PostgreSQL limiters share (rate-limiter-flexible creates it: key, points, expire). */
const TABLE = 'rate_limits';

/** One count: so many points per window per key, in memory or in PostgreSQL. */
interface Counter {
  consume(key: string): Promise<RateLimiterRes>;
}

/** One creation of the shared table per pool, whatever the number of limiters (concurrent creations race in PostgreSQL). */
const tables = new WeakMap<pg.Pool, Promise<void>>();

function sharedTable(pool: pg.Pool): Promise<void> {
  let created = tables.get(pool);
  if (!created) {
    created = pool
      .query(`CREATE TABLE IF NOT EXISTS ${TABLE} (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`)
      .then(
        () => undefined,
        (err: { code?: string }) => {
          // Another instance created it at the same moment: 23505 (its type) or 42P07 (the relation).
          if (err.code !== '23505' && err.code !== '42P07') throw err;
        },
      );
    tables.set(pool, created);
  }
  return created;
}

function counter(name: string, points: number, store: RateLimitStore): Counter {
  const duration = store.windowSeconds ?? 60;
  const memory = new RateLimiterMemory({ keyPrefix: name, points, duration });
  const pool = store.pool;
  if (!pool) return memory;
  // The first requests wait for the table (milliseconds), so that instances count together from the start.
  const ready: Promise<RateLimiterAbstract> = sharedTable(pool).then(
    () =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: TABLE,
        tableCreated: true,
        keyPrefix: name,
        points,
        duration,
        // A key over its limit is refused from memory until its window ends: a flood costs the database nothing.
        inMemoryBlockOnConsumed: points + 1,
        // Should the database fail, each instance goes on counting alone rather than letting everything through.
        insuranceLimiter: memory,
      }),
    (err: unknown) => {
      store.logger.error({ err, limiter: name }, 'could not create the rate limit table; counting in memory');
      return memory;
    },
  );
  return { consume: async (key) => (await ready).consume(key) };
}

export interface BucketOptions {
  /** Requests per window from one client address; 0: not counted. */
  readonly perAddress: number;
  /** Requests per window with one bearer token; 0 or absent: not counted. */
  readonly perToken?: number;
}

/**
 * Express middleware counting each request against its client's address and, when it carries
 * `Authorization: Bearer …`, against the token too (a hash of it: no token is kept). Over either
 * limit: 429 with Retry-After, as coded JSON. The client's address is the connection's unless
 * "trust proxy" says which proxies to believe.
 */
export function rateLimit(name: string, options: BucketOptions, store: RateLimitStore): RequestHandler {
  const byAddress = options.perAddress > 0 ? counter(`${name}:address`, options.perAddress, store) : undefined;
  const byToken = options.perToken ? counter(`${name}:token`, options.perToken, store) : undefined;
  if (!byAddress && !byToken) return (_req, _res, next) => next();
  return (req: Request, res: Response, next: NextFunction) => {
    const token = byToken ? bearerToken(req) : undefined;
    const counts = [byAddress?.consume(addressKey(req.ip ?? req.socket.remoteAddress ?? 'unknown')), token ? byToken!.consume(tokenKey(token)) : undefined];
    Promise.all(counts).then(
      () => next(),
      (refusal: unknown) => {
        if (refusal instanceof RateLimiterRes) {
          res.set('Retry-After', String(Math.max(1, Math.ceil(refusal.msBeforeNext / 1000))));
          return next(new AppError('TOO_MANY_REQUESTS'));
        }
        // A fault of the counting itself lets the request through: the limits protect the bot, they must not stop it.
        store.logger.error({ err: refusal, limiter: name }, 'rate limiter failed');
        next();
      },
    );
  };
}

/** The buckets of the HTTP edge, as middleware to mount before each surface. */
export interface EdgeLimits {
  /** POST /api/messages. A channel's token is shared by all its users: it gets an address's allowance. */
  readonly messages: RequestHandler;
  /** The built-in Direct Line endpoint and the page's token endpoint. */
  readonly directLine: RequestHandler;
  /** Creating a conversation or a token, on top of `directLine`. */
  readonly create: RequestHandler;
  readonly admin: RequestHandler;
}

export function edgeLimits(settings: RateLimitSettings, store: RateLimitStore): EdgeLimits {
  return {
    messages: rateLimit('messages', { perAddress: settings.perMinute, perToken: settings.perMinute }, store),
    directLine: rateLimit('directline', { perAddress: settings.perMinute, perToken: settings.tokenPerMinute }, store),
    create: rateLimit('create', { perAddress: settings.createPerMinute }, store),
    admin: rateLimit('admin', { perAddress: settings.perMinute, perToken: settings.tokenPerMinute }, store),
  };
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header || header.length > 8192) return undefined;
  return /^Bearer\s+(\S+)$/i.exec(header)?.[1];
}

function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 32);
}

/**
 * The key of a client address: an IPv4 address as it is (also when written as IPv6), an IPv6
 * address by its /64 network, which one subscriber usually holds whole.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}
