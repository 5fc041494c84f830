type Opts = { details?: Record<string, unknown>; cause?: unknown; retryAfterSeconds?: number };

/**
 * The one error type that crosses layers. `status` and `message` are public (they become the
 * JSON body); anything else that went wrong stays in `cause`, which is logged but never sent.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  /** For 503: when a retry may succeed (the `Retry-After` header); 1 s unless said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: Opts = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  toJSON(): { error: { status: number; code: string; message: string; details?: Record<string, unknown> } } {
    return {
      error: {
        status: this.status,
        code: this.code,
        message: this.message,
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}


export const badRequest = (code: string, message: string, o?: Opts) => new AppError(400, code, message, o);
export const notFound = (code: string, message: string, o?: Opts) => new AppError(404, code, message, o);
export const payloadTooLarge = (message: string, o?: Opts) => new AppError(413, 'payload_too_large', message, o);
export const unsupportedMediaType = (message: string, o?: Opts) =>
  new AppError(415, 'unsupported_media_type', message, o);
export const unprocessable = (code: string, message: string, o?: Opts) => new AppError(422, code, message, o);
export const unavailable = (code: string, message: string, o?: Opts) => new AppError(503, code, message, o);
export const conflict = (code: string, message: string, o?: Opts) => new AppError(409, code, message, o);
export const forbidden = (code: string, message: string, o?: Opts) => new AppError(403, code, message, o);
export const preconditionFailed = (code: string, message: string, o?: Opts) => new AppError(412, code, message, o);
/** 401: `error` names RFC 6750's reason when a key was presented and refused. */
export const unauthorized = (code: string, message: string, bearerError?: 'invalid_token') =>
  new AppError(401, code, message, {
    details: { wwwAuthenticate: `Bearer realm="imgsvc"${bearerError ? `, error="${bearerError}"` : ''}` },
  });
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError(429, 'rate_limited', message, { details: { retryAfterSeconds } });

/** Anything that is not an AppError is an internal fault: its text is never shown to clients. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError(500, 'internal', 'internal error', { cause: err });
}
