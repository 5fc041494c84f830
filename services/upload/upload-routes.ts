import { rm } from 'node:fs/promises';
import { Router } from 'express';
import pLimit from 'p-limit';
import { AppError, badRequest, notFound, unavailable } from '../core/errors.js';
import type { WorkTracker } from '../core/work-tracker.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord, PublicImage } from '../images/image-record.js';
import type { ObjectStore } from '../storage/object-store.js';
import { acceptUpload, type UploadDeps } from './accept-upload.js';
import { admitCallers, route } from '../access/api-route.js';
import type { AccountStore } from '../accounts/account-store.js';
import type { Visibility } from '../accounts/user.js';
import type { ImageMetadata } from '../images/metadata.js';
import { pickMetadataFields, uploadMetadata } from './upload-metadata.js';
import type { Request } from 'express';
import type { ProbeLimits } from './probe-image.js';
import { receiveUpload } from './receive-upload.js';
import { uploadOperations as ops, uploadQuery } from './upload-operations.js';
import { uploadAdmission } from './upload-admission.js';
import type { UploadMetrics } from './upload-metrics.js';
import { PRIVATE_CACHE_CONTROL } from '../http/cache-control.js';

export interface UploadRouteDeps {
  store: ObjectStore;
  index: ImageIndex;
  metrics: UploadMetrics;
  tmpDir: string;
  maxUploadBytes: number;
  limits: ProbeLimits;
  decodeConcurrency: number;
  publicBaseUrl: string | undefined;
  work: WorkTracker;
  accounts: AccountStore;
  /** The record as its owner sees it (signed URLs for a private image). */
  view: (record: ImageRecord, req: Request) => PublicImage;
  /** Slow-client bounds: body idle timeout, and uploads admitted at once. */
  idleTimeoutMs: number;
  maxConcurrentUploads: number;
  readopt?: UploadDeps['readopt'];
  afterPivot?: UploadDeps['afterPivot'];
  /** One key's and one address's share of the upload slots. */
  uploadsPerKey?: number;
  uploadsPerAddress?: number;
  /** The whole body must arrive within this long. */
  uploadTotalTimeoutMs?: number;
}

/** `visibility` from the query (raw bodies) or the form; undefined when the upload does not choose. */
function chosenVisibility(req: Request, fields: Record<string, string>): Visibility | undefined {
  const value = req.query.visibility ?? fields.visibility;
  if (value === undefined) return undefined;
  const parsed = uploadQuery.shape.visibility.safeParse(value);
  if (parsed.success) return parsed.data;
  throw badRequest('invalid_parameter', `expected "public" or "private" for visibility but received ${JSON.stringify(value)}`);
}

async function defaultVisibility(owner: OwnerRead): Promise<Visibility> {
  const user = await owner;
  if ('error' in user) throw unavailable('index_unavailable', 'the image index is unavailable; retry the upload', { cause: user.error });
  return user.account?.defaultVisibility ?? 'public';
}

/** The uploader's account, read once per upload for both settings below (each read is a Redis round trip). */
type OwnerRead = Promise<{ account: Awaited<ReturnType<AccountStore['getUser']>> } | { error: unknown }>;
function readOwner(accounts: AccountStore, userId: string): OwnerRead {
  return accounts.getUser(userId).then(
    (account) => ({ account }),
    (error: unknown) => ({ error }),
  );
}

/** The owner's account setting: whether the EXIF position becomes the image's location. */
export async function sharesLocation(accounts: AccountStore, userId: string): Promise<boolean> {
  return (await accounts.getUser(userId).catch(() => undefined))?.shareLocation === true;
}

export function uploadRoutes(deps: UploadRouteDeps): Router {
  const router = Router();
  const decodeLimit = pLimit(deps.decodeConcurrency);

  const admission = uploadAdmission(
    { total: deps.maxConcurrentUploads, perKey: deps.uploadsPerKey ?? deps.maxConcurrentUploads, perAddress: deps.uploadsPerAddress ?? deps.maxConcurrentUploads },
    () => deps.metrics.uploads.add(1, { outcome: 'rejected', reason: 'too_many_uploads' }),
  );
  // Registered by hand from its operation: the upload slot comes between admission and the handler,
  // and its parameters are read in the handler (from the query or the form, with upload's own error
  // codes, and counted as rejected uploads), not parsed up front by route().
  router[ops.upload.method](ops.upload.path, ...admitCallers(ops.upload), admission, (req, res) => deps.work.track(async () => {
    try {
      const principal = res.locals.principal;
      if (principal.kind !== 'user') throw new AppError(401, 'authentication_required', 'uploads need an API key');
      // Checked before the body is read, so a bad parameter costs no upload.
      // Images arrive as they are stored: a coded body (gzip, br…) is refused, never hashed as if it were the image.
      const coding = req.get('content-encoding')?.trim().toLowerCase();
      if (coding && coding !== 'identity') throw new AppError(415, 'unsupported_encoding', `uploads take the image bytes as they are; Content-Encoding ${JSON.stringify(coding)} is not accepted`);
      const queryVisibility = chosenVisibility(req, {});
      const queryMeta = pickMetadataFields(req.query as Record<string, unknown>);
      uploadMetadata(queryMeta, undefined);
      const file = await receiveUpload(req, { tmpDir: deps.tmpDir, maxBytes: deps.maxUploadBytes, idleTimeoutMs: deps.idleTimeoutMs, totalTimeoutMs: deps.uploadTotalTimeoutMs });
      deps.metrics.uploadBytes.add(file.bytes);
      let visibility: Visibility;
      let meta: ImageMetadata;
      const owner = readOwner(deps.accounts, principal.userId);
      try {
        meta = uploadMetadata({ ...queryMeta, ...pickMetadataFields(file.fields) }, file.filename);
        visibility = queryVisibility ?? chosenVisibility(req, file.fields) ?? (await defaultVisibility(owner));
      } catch (err) {
        await rm(file.path, { force: true });
        throw err;
      }
      const read = await owner;
      const shareLocation = 'account' in read && read.account?.shareLocation === true;
      const outcome = await acceptUpload(file, { userId: principal.userId, visibility, meta, shareLocation }, {
        decodeLimit,
        store: deps.store,
        index: deps.index,
        limits: deps.limits,
        logger: res.locals.log,
        readopt: deps.readopt,
        afterPivot: deps.afterPivot,
      });
      const created = outcome.kind === 'created';
      deps.metrics.uploads.add(1, { outcome: created ? 'created' : 'deduplicated', reason: 'none' });
      const body = deps.view(outcome.record, req);
      res.status(created ? 201 : 200).setHeader('Location', `/v1/images/${outcome.record.id}`).json(body);
    } catch (err) {
      const reason = err instanceof AppError ? err.code : 'internal';
      deps.metrics.uploads.add(1, { outcome: 'rejected', reason });
      throw err;
    }
  }));

  // Lets a client skip an upload whose bytes it already stored (HEAD), or find the image (GET).
  // Only the caller's own images answer: it must not tell whether anyone else has a file.
  route(router, ops.bySha256, async ({ req, res, principal, params: { sha256: sha } }) => {
    const id = await deps.index.idForSha(principal.userId, sha);
    const record = id ? await deps.index.get(id) : undefined;
    if (!record) throw notFound('image_not_found', `you have no image with the SHA-256 ${sha}`);
    res.setHeader('Location', `/v1/images/${record.id}`).setHeader('X-Image-Id', record.id);
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL);
    res.json(deps.view(record, req));
  });

  return router;
}
