import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Preset } from '../core/eager-presets.js';
import { AppError, badRequest, notFound, toAppError } from '../core/errors.js';
import { redisUnavailableError } from '../core/redis-unavailable.js';
import { isImageId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { Negotiated } from '../core/negotiate.js';
import type { WorkTracker } from '../core/work-tracker.js';
import type { RequestRecorder } from '../analytics/request-recorder.js';
import { imageCacheControl } from '../http/cache-control.js';
import type { KeyRing } from '../access/key-ring.js';
import { checkSignature, parseQuery, signatureExpired } from '../access/url-signing.js';
import { QueryMemo } from './query-memo.js';
import type { Authenticator } from '../accounts/authenticator.js';
import type { ImageGuard } from '../access/image-guard.js';
import type { MinterCheck } from '../access/minter-check.js';
import { accessLater, accessNow, leaseHolder, type RequestCredentials, type ServeAccessDeps } from './serve-access.js';
import type { DownloadLeases } from './download-leases.js';
import type { HttpMetrics } from '../http/http-metrics.js';
import { sendError } from '../http/send-error.js';
import { loadRecord } from '../images/load-record.js';
import type { ImageRecord } from '../images/image-record.js';
import type { RecordCache } from '../images/record-cache.js';
import { ifNoneMatchHits } from './conditional.js';
import type { OriginMetrics } from './origin-metrics.js';
import type { HotVariant, VariantLoader } from './variant-loader.js';
import { ChoiceMemo, type Choice } from './choice-memo.js';
import { writeImageHead } from './image-headers.js';
import { requestIdOf } from '../http/request-ids.js';
import type { OwnerSizeList, OwnerSizes } from './owner-sizes.js';

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
  /** Whether the key behind a `by=` signed URL may still see the image. */
  minters: MinterCheck;
  /** Shared-cache max-age of signed URLs minted by someone other than the owner. */
  delegatedMaxAgeSeconds: number;
  leases: DownloadLeases;
  /** Originals at least this wide are "full resolution": serving one at full size takes a download lease. */
  fullResMinWidth: number;
  /** The sizes an unsigned URL may ask for exactly: the operator's and each owner's. */
  ownerSizes: OwnerSizes;
}

const ROUTE = '/i/:id';
/** What this handler serves, for the route list the access matrix checks. */
export const PUBLIC_IMAGE_ROUTES = ['GET /i/:id', 'GET /i/:id/:preset'];

interface Parsed {
  id: string;
  preset: string | undefined;
  query: Record<string, string | string[]>;
  /** The raw query from its `?` (empty without one): what the choice memo keys on. */
  queryText: string;
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
    minters: deps.minters,
    delegatedMaxAgeSeconds: deps.delegatedMaxAgeSeconds,
  };
  const memo = new QueryMemo();
  const choices = new ChoiceMemo(deps.presets);
  return (req, res) => {
    const url = req.url ?? '';
    if (!url.startsWith('/i/')) return false;
    const started = performance.now();
    const requestId = requestIdOf(req.headers['x-request-id']);

    try {
      const parsed = parse(req, url, deps, memo);
      // Fast path: everything in memory, answered before this function returns. On a miss the
      // async path goes on from what was already found (record, access, negotiation), not from scratch.
      const cached = deps.records.peek(parsed.id);
      const allowed = cached ? accessNow(cached, parsed.creds, access) : undefined;
      const signed = parsed.creds.signature.signed;
      // Only an unsigned explicit size is decided by the allow-lists; the owner's is in memory after the first ask.
      const asksSize = !signed && parsed.preset === undefined && (parsed.query.w !== undefined || parsed.query.h !== undefined);
      const sizes = cached && allowed ? (asksSize ? deps.ownerSizes.peek(cached.ownerId) : deps.ownerSizes.operatorOnly) : undefined;
      const choice = cached && sizes ? choices.choose(req.headers, parsed.query, parsed.queryText, parsed.preset, cached, signed, sizes) : undefined;
      // A full-resolution answer waits for its download lease, so it never takes the synchronous path.
      const hot = cached && choice && !fullResolution(cached, choice.negotiated, deps) ? deps.loader.peekKey(choice.key) : undefined;
      if (cached && allowed && choice && hot) {
        respond(req, res, requestId, cached, choice, hot, 'memory', allowed, deps);
        finish(req, res, requestId, started, 'memory', deps);
        return true;
      }
      deps.httpMetrics.inFlight(1);
      deps.work
        .track(async () => {
          // A presented key is judged before the id is looked up: a bad key is a 401 whether the
          // image exists or not, so the answer tells nothing about the id.
          if (!cached && parsed.creds.authorization !== undefined) await deps.authenticator.authenticate(parsed.creds.authorization);
          const record = cached ?? (await loadRecord(parsed.id, (id) => deps.records.get(id)));
          const cacheControl = allowed ?? (await accessLater(record, parsed.creds, access));
          const sizeList: OwnerSizeList = sizes ?? (asksSize ? await deps.ownerSizes.get(record.ownerId) : deps.ownerSizes.operatorOnly);
          const chosen = choice ?? choices.choose(req.headers, parsed.query, parsed.queryText, parsed.preset, record, signed, sizeList);
          if (fullResolution(record, chosen.negotiated, deps)) {
            const lease = await deps.leases.acquire(leaseHolder(parsed.creds, req.socket.remoteAddress ?? 'unknown', access));
            res.once('close', () => lease.release());
          }
          // A client that leaves stops waiting; a transform nobody waits for is abandoned.
          const left = new AbortController();
          const onClose = () => {
            if (!res.writableEnded) left.abort();
          };
          res.once('close', onClose);
          const variant = await deps.loader.load(record, chosen.negotiated.spec, left.signal, chosen.negotiated.stored).finally(() => res.off('close', onClose));
          respond(req, res, requestId, record, chosen, variant, variant.tier, cacheControl, deps);
          finish(req, res, requestId, started, variant.tier, deps);
        })
        .catch((err: unknown) => fail(err, req, res, requestId, started, deps))
        .finally(() => deps.httpMetrics.inFlight(-1));
    } catch (err) {
      fail(err, req, res, requestId, started, deps);
    }
    return true;
  };
}

function fullResolution(record: ImageRecord, chosen: Negotiated, deps: PublicImageDeps): boolean {
  return deps.leases.enabled && record.width >= deps.fullResMinWidth && chosen.spec.width >= record.width;
}

/** Metrics and the debug log line of a finished request (no closure per request: this is the hot path). */
function finish(req: IncomingMessage, res: ServerResponse, requestId: string, started: number, tier: string, deps: PublicImageDeps): void {
  deps.httpMetrics.finished(ROUTE, req.method ?? 'GET', res.statusCode, (performance.now() - started) / 1e3, tier);
  if (deps.logger.isLevelEnabled('debug')) deps.logger.debug({ reqId: requestId, method: req.method, url: req.url, status: res.statusCode, tier }, 'request');
}

function fail(err: unknown, req: IncomingMessage, res: ServerResponse, requestId: string, started: number, deps: PublicImageDeps): void {
  const error = toAppError(redisUnavailableError(err) ?? err);
  if (error.status >= 500) deps.logger.error({ err: error.cause ?? err, reqId: requestId, url: req.url }, error.message);
  res.setHeader('X-Request-Id', requestId);
  sendError(res, error, req.method);
  finish(req, res, requestId, started, 'error', deps);
}

function parse(req: IncomingMessage, url: string, deps: PublicImageDeps, memo: QueryMemo): Parsed {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new AppError(405, 'method_not_allowed', `${req.method} is not allowed here; use GET or HEAD`, { details: { allow: 'GET, HEAD' } });
  }
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  // `/i/<id>` or `/i/<id>/<preset>`: no empty preset (a trailing slash), no deeper path.
  const slash = path.indexOf('/', 3);
  const id = slash < 0 ? path.slice(3) : path.slice(3, slash);
  const preset = slash < 0 ? undefined : path.slice(slash + 1);
  if (preset !== undefined && (!preset || preset.includes('/'))) throw notFound('not_found', `no route for ${req.method} ${url}`);
  if (!isImageId(id)) throw badRequest('invalid_id', `expected a 26-character image id for id but received ${JSON.stringify(id)}`);
  const authorization = req.headers.authorization;
  if (queryAt < 0) return { id, preset, query: NO_QUERY, queryText: '', creds: { signature: UNSIGNED, authorization } };
  const queryText = url.slice(queryAt);
  const now = Math.floor(Date.now() / 1000);
  const known = memo.get(url);
  if (known) {
    if (known.signature.signed && known.signature.exp <= now) throw signatureExpired();
    return { id, preset, query: known.query, queryText, creds: { signature: known.signature, authorization } };
  }
  // The signature is checked before the record is read, so a bad one says nothing about the image.
  const parsedQuery = parseQuery(url.slice(queryAt + 1));
  const signature = checkSignature(deps.keyRing, url.slice(0, queryAt), parsedQuery, now, deps.signedUrlMaxTtlSeconds);
  const query = queryObject(parsedQuery.params);
  memo.set(url, { query, signature });
  return { id, preset, query, queryText, creds: { signature, authorization } };
}

const UNSIGNED = { signed: false } as const;
/** The query of every URL without one: never written to (negotiation only reads it). */
const NO_QUERY: Record<string, string | string[]> = Object.freeze(Object.create(null) as Record<string, string | string[]>);

function respond(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  record: ImageRecord,
  { negotiated: { spec, deviceClass }, name, etag, vary, location, analytics }: Choice,
  variant: HotVariant,
  tier: string,
  cacheControl: string,
  deps: PublicImageDeps,
): void {
  deps.originMetrics.cacheTier(tier);
  // Where the bytes came from says whether someone else viewed the same file: public images only.
  const head = { etag, cacheControl, requestId, tier: record.visibility === 'public' ? tier : undefined, vary, location };
  let sent = 0;
  if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
    writeImageHead(res, head, undefined);
    res.end();
  } else {
    writeImageHead(res, head, { contentType: variant.contentType, length: variant.data.length });
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
    variant: name,
    tier,
    address: req.socket.remoteAddress,
    userAgent: req.headers['user-agent'],
    group: analytics,
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
