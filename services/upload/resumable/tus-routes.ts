import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server, type Upload } from '@tus/server';
import { Router, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { LimitFunction } from 'p-limit';
import { route } from '../../access/api-route.js';
import { assertScope } from '../../access/authenticate-request.js';
import { check } from '../../access/permissions.js';
import type { AccountStore } from '../../accounts/account-store.js';
import type { Principal } from '../../accounts/principal.js';
import { finishedUploadKey } from '../../accounts/session-keys.js';
import { AppError, notFound, toAppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ImageIndex } from '../../images/image-index.js';
import type { ImageRecord, PublicImage } from '../../images/image-record.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { SNIFF_BYTES } from '../../core/sniff-format.js';
import { acceptUpload } from '../accept-upload.js';
import type { ProbeLimits } from '../probe-image.js';
import type { ReceivedFile } from '../receive-upload.js';
import { sharesLocation } from '../upload-routes.js';
import { OpenUploads, type OpenUploadLimits } from './open-uploads.js';
import { tusRequest } from './tus-metadata.js';
import { tusOperations as ops } from './tus-operations.js';
import type { UploadMetrics } from '../upload-metrics.js';

export interface TusDeps {
  redis: Redis;
  store: ObjectStore;
  index: ImageIndex;
  accounts: AccountStore;
  logger: Logger;
  tmpDir: string;
  /** Where unfinished uploads' bytes wait (a folder of this pod's disk). */
  partsDir: string;
  maxUploadBytes: number;
  open: OpenUploadLimits;
  expiryMs: number;
  sweepMs: number;
  decodeLimit: LimitFunction;
  probeLimits: ProbeLimits;
  view: (record: ImageRecord, req: Request) => PublicImage;
  /** The same counters as one-shot uploads: a finished upload counts once, with its bytes. */
  metrics?: UploadMetrics;
  /** Puts a new image into an album of the caller's (the `album` metadata key); checks first that it may. */
  albums?: { check: (p: Principal, albumId: string) => Promise<void>; add: (p: Principal, albumId: string, imageId: string) => Promise<void> };
}

const TUS_CODES: Record<number, string> = { 404: 'upload_not_found', 409: 'offset_mismatch', 410: 'upload_expired', 412: 'tus_version', 413: 'payload_too_large', 415: 'unsupported_media_type', 423: 'upload_locked' };
/** `<owner id>-<128 random bits>`: whose upload it is can be told from the id alone. */
const UPLOAD_ID = /^([0-7][0-9A-HJKMNP-TV-Z]{25})-[0-9a-f]{32}$/;

interface Finished {
  imageId: string;
  size: number;
}

/** The Express request and response behind tus's web-style request (srvx keeps them). */
function nodeOf(req: unknown): { req: Request; res: Response } {
  const node = (req as { runtime?: { node?: { req: Request; res: Response } } }).runtime?.node;
  if (!node) throw new Error('tus request without its Node request');
  return node;
}

const asTusError = (err: unknown) => {
  const e = toAppError(err);
  return { status_code: e.status, body: JSON.stringify(e.toJSON()) };
};

/**
 * Resumable uploads, tus 1.0 (creation, creation-with-upload, termination, expiration) through
 * @tus/server. Parts wait on this pod's disk; the finished file enters the same saga as
 * POST /v1/images (hash, validation, per-owner dedup, the pivot), so storage, access and
 * durability are exactly those of a one-shot upload, on either storage backend.
 */
export function tusRoutes(deps: TusDeps): { router: Router; stop: () => void } {
  const router = Router();
  const open = new OpenUploads(deps.redis);
  const datastore = new FileStore({ directory: deps.partsDir, expirationPeriodInMilliseconds: deps.expiryMs });

  const finish = async (p: Principal & { kind: 'user' }, upload: Upload, log: Logger): Promise<Finished> => {
    const parts = join(deps.partsDir, upload.id);
    const taken = join(deps.tmpDir, `upload-tus-${randomBytes(8).toString('hex')}`);
    try {
      const wanted = tusRequest(upload.metadata);
      await rename(parts, taken);
      const file = await describe(taken, wanted.meta.originalFilename);
      deps.metrics?.uploadBytes.add(file.bytes);
      const visibility = wanted.visibility ?? (await deps.accounts.getUser(p.userId))?.defaultVisibility ?? 'public';
      const outcome = await acceptUpload(file, { userId: p.userId, visibility, meta: wanted.meta, shareLocation: await sharesLocation(deps.accounts, p.userId) }, {
        decodeLimit: deps.decodeLimit,
        store: deps.store,
        index: deps.index,
        limits: deps.probeLimits,
        logger: log,
      });
      deps.metrics?.uploads.add(1, { outcome: outcome.kind === 'created' ? 'created' : 'deduplicated', reason: 'none' });
      if (wanted.albumId && deps.albums) await deps.albums.add(p, wanted.albumId, outcome.record.id);
      const done: Finished = { imageId: outcome.record.id, size: upload.size ?? file.bytes };
      await deps.redis.set(finishedUploadKey(p.userId, upload.id), JSON.stringify(done), 'PX', deps.expiryMs);
      log.info({ uploadId: upload.id, imageId: done.imageId, deduplicated: outcome.kind === 'existing' }, 'resumable upload finished');
      return done;
    } finally {
      // Whatever the outcome, the parts are gone: kept as an image, or refused for good.
      await rm(taken, { force: true });
      await rm(parts, { force: true });
      await datastore.configstore.delete(upload.id).catch(() => undefined);
      await open.remove(p.userId, upload.id).catch(() => undefined);
    }
  };

  const tus = new Server({
    path: ops.create.path,
    datastore,
    relativeLocation: true,
    maxSize: deps.maxUploadBytes,
    disableTerminationForFinishedUploads: true,
    namingFunction: (req) => {
      const p = nodeOf(req).res.locals.principal;
      if (p.kind !== 'user') throw { status_code: 401, body: 'authentication required' };
      return `${p.userId}-${randomBytes(16).toString('hex')}`;
    },
    onUploadCreate: async (req, upload) => {
      const { res } = nodeOf(req);
      const p = res.locals.principal;
      try {
        assertScope(p, 'images:write');
        if (upload.sizeIsDeferred || upload.size === undefined) throw new AppError(400, 'length_required', 'send Upload-Length: deferred lengths are not accepted');
        const wanted = tusRequest(upload.metadata);
        if (wanted.albumId && deps.albums) await deps.albums.check(p, wanted.albumId);
        const refusal = await open.refusal(p.userId, upload.size, deps.open);
        if (refusal) throw new AppError(429, 'too_many_uploads', refusal);
        await open.add(p.userId, upload.id, upload.size, Date.now() + deps.expiryMs);
        return {};
      } catch (err) {
        throw asTusError(err);
      }
    },
    onUploadFinish: async (req, upload) => {
      const { res } = nodeOf(req);
      const p = res.locals.principal;
      try {
        assertScope(p, 'images:write');
        const done = await finish(p, upload, res.locals.log);
        return { headers: imageHeaders(done) };
      } catch (err) {
        deps.metrics?.uploads.add(1, { outcome: 'rejected', reason: err instanceof AppError ? err.code : 'internal' });
        throw asTusError(err);
      }
    },
    // Every refusal as the service's one JSON error (tus's own are short texts): clients and
    // `imgsvc upload` read the code and message the same way as everywhere else.
    onResponseError: (_req, err) => {
      const status = 'status_code' in err ? err.status_code : 500;
      const body = 'body' in err ? String(err.body) : '';
      if (body.startsWith('{')) return { status_code: status, body };
      const code = TUS_CODES[status] ?? (status >= 500 ? 'internal' : 'invalid_request');
      const message = status >= 500 ? 'internal error' : body.trim() || `HTTP ${status}`;
      return { status_code: status, body: JSON.stringify(new AppError(status, code, status === 413 ? `the upload is larger than the limit of ${deps.maxUploadBytes} bytes` : message).toJSON()) };
    },
  });

  const finished = async (userId: string, uploadId: string): Promise<Finished | undefined> => {
    const json = await deps.redis.get(finishedUploadKey(userId, uploadId));
    return json ? (JSON.parse(json) as Finished) : undefined;
  };

  /** Only the owner's own uploads exist for them; anyone else's read as unknown. */
  const ownUpload = (id: string, p: Principal & { kind: 'user' }) => {
    const m = UPLOAD_ID.exec(id);
    if (!m || check('upload.resume', p, { ownerId: m[1]! }) !== 'allow') throw notFound('upload_not_found', `no upload with id ${id}`);
    return id;
  };

  // One handler for tus's four methods: the operations only describe them (and admit their callers).
  const handle = async ({ req, res, principal: p, params }: { req: Request; res: Response; principal: Principal & { kind: 'user' }; params?: { uploadId: string } }) => {
    res.setHeader('Cache-Control', 'no-store');
    if (params !== undefined) {
      const id = ownUpload(params.uploadId, p);
      const done = await finished(p.userId, id);
      // A finished upload answers as complete: a client whose last response was lost learns its image.
      if (done && (req.method === 'HEAD' || req.method === 'PATCH')) {
        res.set({ 'Tus-Resumable': '1.0.0', 'Upload-Offset': String(done.size), 'Upload-Length': String(done.size), ...imageHeaders(done) });
        res.status(req.method === 'HEAD' ? 200 : 204).end();
        return;
      }
      // Termination frees the slot before it answers, so the client's next creation fits.
      if (req.method === 'DELETE') await open.remove(p.userId, id);
    }
    await tus.handle(req, res);
  };

  route(router, ops.create, handle);
  route(router, ops.offset, handle);
  route(router, ops.append, handle);
  route(router, ops.terminate, handle);

  route(router, ops.image, async ({ req, res, principal: p, params }) => {
    const id = ownUpload(params.uploadId, p);
    const done = await finished(p.userId, id);
    const record = done ? await deps.index.get(done.imageId) : undefined;
    if (!record) throw notFound('upload_not_finished', `the upload ${id} is unknown or not finished`);
    res.setHeader('Cache-Control', 'no-store').json(deps.view(record, req));
  });

  void mkdir(deps.partsDir, { recursive: true });
  const timer = setInterval(() => {
    tus.cleanUpExpiredUploads().catch((err: unknown) => deps.logger.warn({ err }, 'sweeping expired resumable uploads failed'));
  }, deps.sweepMs);
  timer.unref();
  return { router, stop: () => clearInterval(timer) };
}

function imageHeaders(done: Finished): Record<string, string> {
  return { 'Imgsvc-Image-Id': done.imageId, 'Imgsvc-Image-Url': `/v1/images/${done.imageId}` };
}

/** Hashes the finished file and keeps its first bytes for format sniffing, as a streamed upload does. */
async function describe(path: string, filename: string | undefined): Promise<ReceivedFile> {
  const hash = createHash('sha256');
  let head = Buffer.alloc(0);
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    const b = chunk as Buffer;
    hash.update(b);
    if (head.length < SNIFF_BYTES) head = Buffer.concat([head, b.subarray(0, SNIFF_BYTES - head.length)]);
    bytes += b.length;
  }
  return { path, sha256: hash.digest('hex'), bytes, head, filename, fields: {} };
}
