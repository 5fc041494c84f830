import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import type { Preset } from '../core/eager-presets.js';
import { AppError, badRequest, notFound, toAppError } from '../core/errors.js';
import { isImageId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { negotiate, type Negotiated } from '../core/negotiate.js';
import { OUTPUT_EXT } from '../core/variant-spec.js';
import type { WorkTracker } from '../core/work-tracker.js';
import type { RequestRecorder } from '../analytics/request-recorder.js';
import { imageCacheControl } from '../http/cache-control.js';
import type { KeyRing } from '../access/key-ring.js';
import { checkSignature, parseQuery, signatureExpired } from '../access/url-signing.js';
import { QueryMemo } from './query-memo.js';
import type { Authenticator } from '../accounts/authenticator.js';
import type { ImageGuard } from '../access/image-guard.js';
import { accessLater, accessNow, leaseHolder, type RequestCredentials, type ServeAccessDeps } from './serve-access.js';
import type { DownloadLeases } from '../sharing/download-leases.js';
import type { HttpMetrics } from '../http/http-metrics.js';
import { sendError } from '../http/send-error.js';
import { loadRecord } from '../images/load-record.js';
import type { ImageRecord } from '../images/image-record.js';
import type { RecordCache } from '../images/record-cache.js';
import { ifNoneMatchHits } from './conditional.js';
import type { OriginMetrics } from './origin-metrics.js';
import type { LoadedVariant, VariantLoader } from './variant-loader.js';

export interface PublicImageDeps {
  records: RecordCache;
  loader: VariantLoader;
  presets: readonly Preset[];
  recorder: RequestRecorder;
  httpMetrics: HttpMetrics;
  originMetrics: OriginMetrics;
  cacheMaxAgeSeconds: number;
  work: WorkTracker;
  logger: Logger;
  authenticator: Authenticator;
  guard: ImageGuard;
  keyRing: KeyRing;
  signedUrlMaxTtlSeconds: number;
  leases: DownloadLeases;
  /** Originals at least this wide are "full resolution": serving one at full size takes a download lease. */
  fullResMinWidth: number;
}

/** Sent on every image response, so browsers that support Client Hints start sending them. */
const ACCEPT_CH = 'Sec-CH-DPR, Sec-CH-Width, Sec-CH-Viewport-Width, DPR, Width, Viewport-Width, ECT';
const ROUTE = '/i/:id';
/** What this handler serves, for the route list the access matrix checks. */
export const PUBLIC_IMAGE_ROUTES = ['GET /i/:id', 'GET /i/:id/:preset'];
const REQUEST_ID_RE = /^[\w.:-]{1,128}$/;

interface Parsed {
  id: string;
  preset: string | undefined;
  query: Record<string, string | string[]>;
  creds: RequestCredentials;
}

/**
 * The hot path, `GET|HEAD /i/<id>[/<preset>]`, on plain node:http rather than Express: on this
 * machine Express 5 answers about 11,000 requests/s from memory where node:http answers
 * 46,000, and this route is most of the traffic. A request whose record and variant are both
 * in memory is answered synchronously, with no promise in between; anything else goes through
 * the async path (Redis or manifest, storage, transform). Returns false for other paths.
 */
export function publicImageHandler(deps: PublicImageDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const access: ServeAccessDeps = {
    authenticator: deps.authenticator,
    guard: deps.guard,
    publicCacheControl: imageCacheControl(deps.cacheMaxAgeSeconds),
    cacheMaxAgeSeconds: deps.cacheMaxAgeSeconds,
  };
  const memo = new QueryMemo();
  return (req, res) => {
    const url = req.url ?? '';
    if (!url.startsWith('/i/')) return false;
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    const finish = (tier: string) => {
      deps.httpMetrics.finished(ROUTE, req.method ?? 'GET', res.statusCode, Number(process.hrtime.bigint() - started) / 1e9, tier);
      if (deps.logger.isLevelEnabled('debug')) deps.logger.debug({ reqId: requestId, method: req.method, url, status: res.statusCode, tier }, 'request');
    };

    try {
      const parsed = parse(req, url, deps, memo);
      // Fast path: everything in memory, answered before this function returns. On a miss the
      // async path goes on from what was already found (record, access, negotiation), not from scratch.
      const cached = deps.records.peek(parsed.id);
      const allowed = cached ? accessNow(cached, parsed.creds, access) : undefined;
      const negotiated = cached && allowed ? choose(req, parsed, cached, deps) : undefined;
      // A full-resolution answer waits for its download lease, so it never takes the synchronous path.
      const hit = cached && negotiated && !fullResolution(cached, negotiated, deps) ? deps.loader.peek(cached, negotiated.spec) : undefined;
      if (cached && allowed && negotiated && hit) {
        respond(req, res, requestId, cached, negotiated, hit, allowed, deps);
        finish(hit.tier);
        return true;
      }
      deps.httpMetrics.inFlight(1);
      deps.work
        .track(async () => {
          const record = cached ?? (await loadRecord(parsed.id, (id) => deps.records.get(id)));
          const cacheControl = allowed ?? (await accessLater(record, parsed.creds, access));
          const chosen = negotiated ?? choose(req, parsed, record, deps);
          if (fullResolution(record, chosen, deps)) {
            const lease = await deps.leases.acquire(leaseHolder(parsed.creds, req.socket.remoteAddress ?? 'unknown', access));
            res.once('close', () => lease.release());
          }
          const variant = await deps.loader.load(record, chosen.spec);
          respond(req, res, requestId, record, chosen, variant, cacheControl, deps);
          finish(variant.tier);
        })
        .catch((err: unknown) => fail(err, req, res, requestId, deps, finish))
        .finally(() => deps.httpMetrics.inFlight(-1));
    } catch (err) {
      fail(err, req, res, requestId, deps, finish);
    }
    return true;
  };
}

/**
 * A strong ETag per variant bytes. A public image's names its content hash (shared by every
 * copy of those bytes, so caches may reuse it); a private image's is derived from its id too,
 * so it is no fingerprint of the file for whoever holds a signed URL.
 */
function variantEtag(record: ImageRecord, variant: string): string {
  if (record.visibility === 'public') return `"${record.sha256.slice(0, 16)}-${variant}"`;
  return `"${createHash('sha256').update(`${record.id}\n${record.sha256}`).digest('hex').slice(0, 16)}-${variant}"`;
}

function fullResolution(record: ImageRecord, chosen: Negotiated, deps: PublicImageDeps): boolean {
  return deps.leases.enabled && record.width >= deps.fullResMinWidth && chosen.spec.width >= record.width;
}

function fail(err: unknown, req: IncomingMessage, res: ServerResponse, requestId: string, deps: PublicImageDeps, finish: (tier: string) => void): void {
  const error = toAppError(err);
  if (error.status >= 500) deps.logger.error({ err: error.cause ?? err, reqId: requestId, url: req.url }, error.message);
  res.setHeader('X-Request-Id', requestId);
  sendError(res, error, req.method);
  finish('error');
}

function parse(req: IncomingMessage, url: string, deps: PublicImageDeps, memo: QueryMemo): Parsed {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new AppError(405, 'method_not_allowed', `${req.method} is not allowed here; use GET or HEAD`, { details: { allow: 'GET, HEAD' } });
  }
  const queryAt = url.indexOf('?');
  const segments = (queryAt < 0 ? url : url.slice(0, queryAt)).split('/');
  if (segments.length > 4 || (segments.length === 4 && !segments[3])) throw notFound('not_found', `no route for ${req.method} ${url}`);
  const id = segments[2] ?? '';
  if (!isImageId(id)) throw badRequest('invalid_id', `expected a 26-character image id for id but received ${JSON.stringify(id)}`);
  const authorization = req.headers.authorization;
  if (queryAt < 0) return { id, preset: segments[3], query: {}, creds: { signature: UNSIGNED, authorization } };
  const now = Math.floor(Date.now() / 1000);
  const known = memo.get(url);
  if (known) {
    if (known.signature.signed && known.signature.exp <= now) throw signatureExpired();
    return { id, preset: segments[3], query: known.query, creds: { signature: known.signature, authorization } };
  }
  // The signature is checked before the record is read, so a bad one says nothing about the image.
  const parsedQuery = parseQuery(url.slice(queryAt + 1));
  const signature = checkSignature(deps.keyRing, url.slice(0, queryAt), parsedQuery, now, deps.signedUrlMaxTtlSeconds);
  const query = queryObject(parsedQuery.params);
  memo.set(url, { query, signature });
  return { id, preset: segments[3], query, creds: { signature, authorization } };
}

const UNSIGNED = { signed: false } as const;

function choose(req: IncomingMessage, parsed: Parsed, record: ImageRecord, deps: PublicImageDeps): Negotiated {
  return negotiate({ headers: req.headers, query: parsed.query, preset: parsed.preset }, record, deps.presets);
}

function respond(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  record: ImageRecord,
  { spec, vary, deviceClass }: Negotiated,
  variant: LoadedVariant,
  cacheControl: string,
  deps: PublicImageDeps,
): void {
  deps.originMetrics.cacheTier(variant.tier);
  const etag = variantEtag(record, `${variant.name}.${OUTPUT_EXT[spec.format]}`);
  const headers: Record<string, string | number> = {
    ETag: etag,
    'Cache-Control': cacheControl,
    'Accept-CH': ACCEPT_CH,
    'X-Content-Type-Options': 'nosniff',
    'Access-Control-Allow-Origin': '*',
    'Timing-Allow-Origin': '*',
    'X-Request-Id': requestId,
  };
  // Where the bytes came from says whether someone else viewed the same file: public images only.
  if (record.visibility === 'public') headers['X-Imgsvc-Cache'] = variant.tier;
  if (vary.length > 0) headers.Vary = vary.join(', ');

  let sent = 0;
  if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
    res.writeHead(304, headers).end();
  } else {
    headers['Content-Type'] = variant.contentType;
    headers['Content-Length'] = variant.data.length;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else {
      res.end(variant.data);
      sent = variant.data.length;
    }
  }
  // Every request counts, 304s and HEADs included (with 0 bytes).
  const saved = sent > 0 && record.bytes > sent ? record.bytes - sent : 0;
  deps.recorder.record({
    imageId: record.id,
    bytes: sent,
    saved,
    format: spec.format,
    deviceClass,
    variant: variant.name,
    tier: variant.tier,
    address: req.socket.remoteAddress,
    userAgent: req.headers['user-agent'],
  });
  if (sent > 0) {
    deps.httpMetrics.served(ROUTE, spec.format, deviceClass, sent);
    if (saved > 0) deps.originMetrics.savedBytes(spec.format, deviceClass, saved);
  }
}

/** Query parameters; a repeated one stays an array so validation can refuse it. No prototype: `__proto__` is a key like any other. */
function queryObject(params: readonly [string, string][]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of params) {
    const existing = out[key];
    out[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return out;
}
