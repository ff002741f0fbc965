/** The application's coded errors: each has a stable code, an HTTP status and a safe message. */
export const ErrorCodes = {
  BAD_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  BAD_ACTIVITY: { status: 400, message: 'The request body is not a Bot Framework activity.' },
  BAD_REQUEST: { status: 400, message: 'The request is not valid.' },
  MISSING_LANGUAGE: { status: 400, message: 'The answer is needed in both English and French.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be JSON in UTF-8 (Content-Type: application/json; charset=utf-8).' },
  TOO_MANY_REQUESTS: { status: 429, message: 'Too many requests: wait a moment and try again.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed.' },
  UNAUTHORIZED: { status: 401, message: 'Authentication is required.' },
  FORBIDDEN: { status: 403, message: 'Not allowed.' },
  /** Signed in through Teams, but not listed among the organisers. */
  NOT_ORGANISER: { status: 403, message: 'You are signed in, but not as an organiser.' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state.' },
  BAD_GATEWAY: { status: 502, message: 'The channel did not accept the reply.' },
  NOT_READY: { status: 503, message: 'The service is not ready.' },
  INTERNAL: { status: 500, message: 'Internal error.' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ?? ErrorCodes[code].message, options);
    this.name = 'AppError';
    this.status = ErrorCodes[code].status;
  }

  toJSON(): { error: { code: ErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}
