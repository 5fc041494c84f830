import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, toAppError } from '../core/errors.js';
import { sendError } from './send-error.js';

/** Unknown paths get the same JSON error shape as everything else. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => {
    next(new AppError(404, 'not_found', `no route for ${req.method} ${req.path}`));
  };
}

export function errorHandler(): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const appError = toAppError(bodyParserError(err) ?? pathDecodeError(err) ?? err);
    const log = res.locals.log;
    if (appError.status >= 500) log?.error({ err: appError.cause ?? err }, appError.message);
    else log?.debug({ code: appError.code, cause: appError.cause }, appError.message);
    sendError(res, appError, req.method);
  };
}

/** express.json() reports its own failures as errors with `status` and `type`. */
function bodyParserError(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null || !('type' in err) || !('status' in err)) return undefined;
  const { status, type } = err as { status: number; type: string };
  if (type === 'entity.parse.failed') return new AppError(400, 'bad_json', 'the request body is not valid JSON');
  if (type === 'entity.too.large') return new AppError(413, 'payload_too_large', 'the request body is too large');
  return new AppError(status, 'bad_request', 'the request body cannot be read');
}

/**
 * The router decodes path parameters with decodeURIComponent and throws a URIError (marked
 * `status: 400`) on a malformed percent-escape such as `/v1/images/%`: the client's mistake,
 * not a fault of ours.
 */
function pathDecodeError(err: unknown): AppError | undefined {
  if (!(err instanceof URIError)) return undefined;
  return new AppError(400, 'invalid_path', 'the path has a malformed percent-escape (a % not followed by two hexadecimal digits of valid UTF-8)', { cause: err });
}
