import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors';

export interface JsonBodyOptions {
  /** Most bytes a body may have: more is refused with 413, on the declared length before reading and while reading. */
  readonly limit: number;
  /** Checks the raw bytes before they are parsed; throws an AppError to refuse them. */
  readonly verify?: (raw: Buffer) => void;
}

/**
 * Reads a request's JSON body into req.body, as body-parser's json() does for the turns' endpoints
 * (which check the media type and charset before): without its media-type sniffing, charset tables
 * and per-request setup, which cost a turn more than the rest of the HTTP layer. A body must be an
 * object or an array (400 BAD_JSON otherwise), uncompressed (415), within the limit (413), and
 * exactly as long as declared (400); an empty body reads as {}. A request without a body leaves req.body undefined. On a
 * refusal the rest of the body is read and dropped, so that the connection can serve the next request.
 */
export function jsonBody(options: JsonBodyOptions): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    // Read already (by another reader), or gone before anything was read: nothing more will come.
    if (req.readableEnded) return next();
    if (req.destroyed) return next(new AppError('BAD_REQUEST', 'The request body ended early.'));
    const declared = req.headers['content-length'];
    if (declared === undefined && req.headers['transfer-encoding'] === undefined) return next();
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return refuse(req, next, new AppError('UNSUPPORTED_MEDIA_TYPE', 'The request body must not be compressed.'));
    const length = declared === undefined ? undefined : Number(declared);
    if (length !== undefined && length > options.limit) return refuse(req, next, new AppError('PAYLOAD_TOO_LARGE'));
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onClosed);
      req.off('close', onClosed);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= options.limit) return void chunks.push(chunk);
      stop();
      refuse(req, next, new AppError('PAYLOAD_TOO_LARGE'));
    };
    const onClosed = () => {
      // The client went away before the end of its body: nobody reads the answer, but the request ends.
      stop();
      next(new AppError('BAD_REQUEST', 'The request body ended early.'));
    };
    const onEnd = () => {
      stop();
      if (length !== undefined && received !== length) return next(new AppError('BAD_REQUEST', 'The request body is not as long as its Content-Length says.'));
      try {
        req.body = parse(Buffer.concat(chunks, received), options.verify);
      } catch (e) {
        return next(e);
      }
      next();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onClosed);
    req.on('close', onClosed);
  };
}

/** The refusal once the rest of the body has been read off (or the connection has closed). */
function refuse(req: Request, next: NextFunction, error: AppError): void {
  if (req.readableEnded || req.destroyed) return next(error);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    next(error);
  };
  req.once('end', finish);
  req.once('close', finish);
  req.once('error', finish);
  req.resume();
}

function parse(raw: Buffer, verify: ((raw: Buffer) => void) | undefined): unknown {
  verify?.(raw);
  // A byte order mark is not JSON, but clients send one: it goes, as body-parser drops it.
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // An empty body is an empty object (then refused as an activity); one of spaces alone is not JSON.
  if (!text.length) return {};
  const first = /[^\x20\t\n\r]/.exec(text)?.[0];
  if (first !== '{' && first !== '[') throw new AppError('BAD_JSON', 'The request body must be a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new AppError('BAD_JSON', undefined, { cause: e });
  }
}
