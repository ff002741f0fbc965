import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { AppError } from '../errors';
import { jsonBody } from './jsonBody';

/**
 * What an inbound activity may be, checked at the HTTP edge before botbuilder sees it: a client
 * that sends something else gets a 4xx with a coded reason, never a 5xx or a turn that fails
 * half-way. Unknown fields are allowed (channels add their own), but the whole activity is
 * bounded in depth, size and number of values.
 */
export const ACTIVITY_LIMITS = Object.freeze({
  /** Nesting of the JSON body, checked on the raw bytes before parsing. */
  maxJsonDepth: 32,
  /** Values (objects, arrays, strings, numbers …) in one activity. */
  maxValues: 10_000,
  /** Nesting and values of the opaque parts: `value`, `channelData`. */
  maxOpaqueDepth: 16,
  maxOpaqueValues: 2_000,
  /** Default longest `text`; the bot refuses politely far below (MAX_MESSAGE_LENGTH). */
  maxTextLength: 100_000,
  maxIdLength: 1_024,
  maxNameLength: 256,
  maxShortLength: 64,
  maxUrlLength: 2_048,
  maxEntities: 32,
  maxAttachments: 16,
  maxMembers: 64,
  maxFields: 64,
});

/**
 * Invoke activities the bot answers (its own feedback and those botbuilder's ActivityHandler
 * implements). Another one would get botbuilder's 501: it is refused here with a 400, so that no
 * guess of a client reads as a fault of the server.
 */
export const SUPPORTED_INVOKES: ReadonlySet<string> = new Set(['message/submitAction', 'adaptiveCard/action', 'application/search', 'signin/verifyState', 'signin/tokenExchange']);

const id = z.string().min(1).max(ACTIVITY_LIMITS.maxIdLength);
const name = z.string().max(ACTIVITY_LIMITS.maxNameLength);
const short = z.string().max(ACTIVITY_LIMITS.maxShortLength);
const httpUrl = z
  .string()
  .max(ACTIVITY_LIMITS.maxUrlLength)
  .refine((v) => /^https?:\/\/[^\s/]+/i.test(v) && URL.canParse(v), { message: 'must be an http(s) URL' });
const opaque = z.unknown().refine((v) => withinBounds(v, ACTIVITY_LIMITS.maxOpaqueDepth, ACTIVITY_LIMITS.maxOpaqueValues), {
  message: `must be nested at most ${ACTIVITY_LIMITS.maxOpaqueDepth} deep with at most ${ACTIVITY_LIMITS.maxOpaqueValues} values`,
});

const account = z.looseObject({ id, name: name.optional(), aadObjectId: short.optional(), role: short.optional() });
const conversation = z.looseObject({ id, name: name.optional(), conversationType: short.optional(), tenantId: short.optional(), isGroup: z.boolean().optional() });
const entity = z
  .looseObject({ type: name.optional() })
  // botbuilder reads `mentioned.id` of every mention to remove the bot's name from the text.
  .refine((e) => e.type !== 'mention' || account.safeParse((e as { mentioned?: unknown }).mentioned).success, { message: 'a mention needs "mentioned.id"' });
const attachment = z.looseObject({ contentType: name.optional(), contentUrl: z.string().max(ACTIVITY_LIMITS.maxUrlLength).optional(), name: name.optional() });

/** The fields every activity may carry, whoever sends it. */
function activityFields(maxTextLength: number) {
  return {
    type: z.string().min(1).max(ACTIVITY_LIMITS.maxShortLength),
    id: id.optional(),
    channelId: short.min(1).optional(),
    serviceUrl: httpUrl.optional(),
    conversation: conversation.optional(),
    from: account,
    recipient: account.optional(),
    text: z.string().max(maxTextLength).optional(),
    textFormat: short.optional(),
    locale: short.optional(),
    localTimezone: short.optional(),
    timestamp: short.optional(),
    localTimestamp: short.optional(),
    deliveryMode: short.optional(),
    name: name.optional(),
    replyToId: id.optional(),
    entities: z.array(entity).max(ACTIVITY_LIMITS.maxEntities).optional(),
    attachments: z.array(attachment).max(ACTIVITY_LIMITS.maxAttachments).optional(),
    membersAdded: z.array(account).max(ACTIVITY_LIMITS.maxMembers).optional(),
    membersRemoved: z.array(account).max(ACTIVITY_LIMITS.maxMembers).optional(),
    value: opaque.optional(),
    channelData: opaque.optional(),
  };
}

const supportedInvoke = (a: { type: string; name?: string | undefined }) => a.type !== 'invoke' || (a.name !== undefined && SUPPORTED_INVOKES.has(a.name));
const invokeProblem = { message: 'this invoke is not supported', path: ['name'] };

/** An activity as a channel posts it to /api/messages: it says where it comes from and where replies go. */
export function channelActivitySchema(maxTextLength: number = ACTIVITY_LIMITS.maxTextLength) {
  return z
    .looseObject({ ...activityFields(maxTextLength), channelId: short.min(1), serviceUrl: httpUrl, conversation, recipient: account })
    .refine(supportedInvoke, invokeProblem);
}

/** An activity as a Direct Line client posts it: the endpoint fills in the channel, conversation and addresses. */
export function clientActivitySchema(maxTextLength: number = ACTIVITY_LIMITS.maxTextLength) {
  // The endpoint names the sender from the token: a client's `from` is optional, and ignored but for its name.
  return z.looseObject({ ...activityFields(maxTextLength), from: z.looseObject({ id: short.optional(), name: name.optional() }).optional() }).refine(supportedInvoke, invokeProblem);
}

export type InboundActivity = z.infer<ReturnType<typeof channelActivitySchema>>;
export type ClientActivity = z.infer<ReturnType<typeof clientActivitySchema>>;

const defaultChannelSchema = channelActivitySchema();
const defaultClientSchema = clientActivitySchema();

/** Checks a parsed body as a channel's activity; throws AppError BAD_ACTIVITY (400) saying what is wrong. */
export function parseActivity(body: unknown, schema: z.ZodType<InboundActivity> = defaultChannelSchema): InboundActivity {
  return check(body, schema);
}

/** Checks a parsed body as a Direct Line client's activity (no channel, conversation or serviceUrl needed). */
export function parseClientActivity(body: unknown, schema: z.ZodType<ClientActivity> = defaultClientSchema): ClientActivity {
  return check(body, schema);
}

function check<T>(body: unknown, schema: z.ZodType<T>): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AppError('BAD_ACTIVITY', 'The request body must be a JSON object (an activity).');
  // Bounded before the schema walks it: a body parsed elsewhere may not have had its depth checked.
  if (Object.keys(body).length > ACTIVITY_LIMITS.maxFields) throw new AppError('BAD_ACTIVITY', `The activity has more than ${ACTIVITY_LIMITS.maxFields} fields.`);
  if (!withinBounds(body, ACTIVITY_LIMITS.maxJsonDepth, ACTIVITY_LIMITS.maxValues)) {
    throw new AppError('BAD_ACTIVITY', `The activity is nested more than ${ACTIVITY_LIMITS.maxJsonDepth} deep or has more than ${ACTIVITY_LIMITS.maxValues} values.`);
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? `"${issue.path.map(String).join('.')}"` : 'the activity';
  // zod's messages name the expected type, never the value received: safe to send back.
  throw new AppError('BAD_ACTIVITY', `Not a valid activity: ${where} ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}.`);
}

/**
 * Whether a parsed value is nested at most `maxDepth` deep and holds at most `maxValues` values.
 * Iterative (an explicit stack), and stops as soon as a bound is passed.
 */
export function withinBounds(value: unknown, maxDepth: number, maxValues: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let count = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (++count > maxValues) return false;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > maxDepth) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return true;
}

/**
 * The deepest nesting of arrays and objects in raw JSON, in one linear pass that skips strings;
 * stops counting once past `limit`. Runs before JSON.parse so that depth cannot hurt anything.
 */
export function jsonDepthExceeds(raw: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    // Multi-byte UTF-8 sequences hold no byte below 0x80: the ASCII punctuation looked for is unambiguous.
    if (inString) {
      if (b === 0x5c) i++; // backslash: the next byte is escaped
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (++depth > limit) return true;
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
  return false;
}

/**
 * The body of a request that carries an activity: JSON in UTF-8 only (415 otherwise), at most
 * `limit` bytes (413, checked on the declared length before reading and while reading), not
 * compressed, nested at most ACTIVITY_LIMITS.maxJsonDepth deep (400, checked before parsing).
 */
export function activityBody(limit: number): RequestHandler[] {
  return [
    requireUtf8Json,
    jsonBody({
      limit,
      verify: (raw) => {
        if (jsonDepthExceeds(raw, ACTIVITY_LIMITS.maxJsonDepth)) throw new AppError('BAD_JSON', `The JSON is nested more than ${ACTIVITY_LIMITS.maxJsonDepth} deep.`);
      },
    }),
  ];
}

/** Validates req.body as an activity (after activityBody); the body itself is passed on unchanged. */
export function validateActivity(kind: 'channel' | 'client', maxTextLength?: number): RequestHandler {
  const schema = kind === 'channel' ? channelActivitySchema(maxTextLength) : clientActivitySchema(maxTextLength);
  return (req: Request, _res: Response, next: NextFunction) => {
    try {
      check(req.body as unknown, schema);
      next();
    } catch (e) {
      next(e);
    }
  };
}

/** 415 unless the request says it is JSON, and if it names a charset, UTF-8 (RFC 8259 allows no other). */
function requireUtf8Json(req: Request, _res: Response, next: NextFunction): void {
  const [mediaType = '', ...params] = (req.headers['content-type'] ?? '').split(';');
  const type = mediaType.trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    return next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON (Content-Type: application/json).'));
  }
  for (const param of params) {
    const [key = '', value = ''] = param.split('=');
    if (key.trim().toLowerCase() !== 'charset') continue;
    const charset = value.trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') return next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be encoded in UTF-8.'));
  }
  next();
}
