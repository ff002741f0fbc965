import pino, { type DestinationStream, type Logger } from 'pino';
import { redactContacts } from './privacy/redaction';

export type { Logger };

/**
 * Keys whose values are participants' data or secrets, wherever they appear in a log object:
 * they are censored whole. Code should not log such objects in the first place; this is the net.
 */
const CENSORED_KEYS = new Set([
  'password',
  'apppassword',
  'authorization',
  'cookie',
  'token',
  'secret',
  'name',
  'username',
  'email',
  'organisation',
  'organization',
  'country',
  'phone',
  'text',
  'question',
  'comment',
  'draft',
  'dialogstate',
  'dialogstack',
  'state',
  'values',
  'options',
  'memory',
  'profile',
  'activity',
  'conversationreference',
  'from',
  'body',
  'parameters',
  'detail',
  'where',
  'request',
  'response',
]);
const CENSOR = '[redacted]';
const MAX_DEPTH = 6;
const MAX_ITEMS = 100;

/**
 * An error as it may be logged: its type, code, message and stack, contact details removed. The
 * other fields an error may carry (PostgreSQL's `detail` and `where` quote the row or the JSON that
 * failed, HTTP clients attach the request body) are left out.
 */
export function safeError(err: unknown, depth = 0): Record<string, unknown> | string {
  if (!(err instanceof Error)) return redactContacts(String(err));
  const e = err as Error & { code?: unknown; status?: unknown; statusCode?: unknown };
  const out: Record<string, unknown> = { type: e.name, message: redactContacts(e.message) };
  if (typeof e.code === 'string' || typeof e.code === 'number') out['code'] = e.code;
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number') out['status'] = status;
  if (e.stack) out['stack'] = redactContacts(e.stack);
  if (e.cause !== undefined && depth < 3) out['cause'] = safeError(e.cause, depth + 1);
  return out;
}

const serializeError = (e: unknown): unknown => (e instanceof Error || e === null || typeof e !== 'object' ? safeError(e) : e);

/** A copy of a log object with censored keys replaced and contact details removed from every string. */
function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactContacts(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return safeError(value);
  if (value instanceof Date) return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return '[binary]';
  if (depth >= MAX_DEPTH) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = CENSORED_KEYS.has(k.toLowerCase()) && v !== undefined ? CENSOR : scrub(v, depth + 1);
  return out;
}

/**
 * The application's logger: JSON lines (pino), on stdout unless a destination is given (tests pass
 * a buffer). No line carries a participant's name, email, phone number or dialog state: errors go
 * through `safeError`, known keys are censored, and every string is stripped of contact details.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'participant-assistant' },
      // formatters.log has already turned errors into plain objects; these catch any that it did not.
      serializers: { err: serializeError, error: serializeError },
      formatters: {
        log: (object) => scrub(object, 0) as Record<string, unknown>,
      },
      hooks: {
        // The message itself may be built from data ("%s"): scrubbed like the fields.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactContacts(a) : a)) as Parameters<typeof method>);
        },
      },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: CENSOR },
    },
    destination,
  );
}
