import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, toAppError } from '../core/errors.js';
import { redisUnavailableError } from '../core/redis-unavailable.js';
import { sendError } from './send-error.js';

/** Unknown paths get the same JSON error shape as everything else. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => {
    next(new AppError(404, 'not_found', `no route for ${req.method} ${req.path}`));
  };
}

export function errorHandler(): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const appError = toAppError(bodyParserError(err) ?? pathDecodeError(err) ?? redisUnavailableError(err) ?? err);
    const log = res.locals.log;
    if (appError.status >= 500) log?.error({ err: appError.cause ?? err }, appError.message);
    else log?.debug({ code: appError.code }, appError.message);
    sendError(res, appError, req.method);
  };
}

/** zlib's codes for input that does not decode (a corrupt or truncated gzip, deflate or br body). */
const ZLIB_INPUT_ERRORS = new Set(['Z_DATA_ERROR', 'Z_BUF_ERROR', 'ERR_BROTLI_DECOMPRESSION_FAILED', 'ERR__ERROR_FORMAT_PADDING_1', 'ERR_PADDING_1', 'ERR_PADDING_2']);

/**
 * express.json() reports its own failures as errors with `status` and `type`; a body whose
 * Content-Encoding does not decode reaches here as zlib's own error (status 400, no type): the
 * client's mistake, answered 400 and logged without a stack.
 */
function bodyParserError(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const zlibCode = 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  if (zlibCode !== undefined && (ZLIB_INPUT_ERRORS.has(zlibCode) || zlibCode.startsWith('ERR_BROTLI') || zlibCode.startsWith('Z_'))) {
    return new AppError(400, 'bad_encoding', 'the request body does not decode with its Content-Encoding (corrupt or truncated)');
  }
  if (!('type' in err) || !('status' in err)) return undefined;
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
