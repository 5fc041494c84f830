import { rm } from 'node:fs/promises';
import { Router } from 'express';
import pLimit from 'p-limit';
import { AppError, badRequest, notFound, unavailable } from '../core/errors.js';
import type { WorkTracker } from '../core/work-tracker.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord, PublicImage } from '../images/image-record.js';
import type { ObjectStore } from '../storage/object-store.js';
import { acceptUpload } from './accept-upload.js';
import { requireScope } from '../access/authenticate-request.js';
import type { AccountStore } from '../accounts/account-store.js';
import type { Visibility } from '../accounts/user.js';
import type { ImageMetadata } from '../sharing/metadata.js';
import { pickMetadataFields, uploadMetadata } from '../sharing/upload-metadata.js';
import type { Request } from 'express';
import type { ProbeLimits } from './probe-image.js';
import { receiveUpload } from './receive-upload.js';
import { uploadOperations, uploadQuery } from './upload-operations.js';
import { parseParams } from '../http/openapi/parse-request.js';
import { uploadAdmission } from './upload-admission.js';
import type { UploadMetrics } from './upload-metrics.js';

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
}

/** `visibility` from the query (raw bodies) or the form; undefined when the upload does not choose. */
function chosenVisibility(req: Request, fields: Record<string, string>): Visibility | undefined {
  const value = req.query.visibility ?? fields.visibility;
  if (value === undefined) return undefined;
  const parsed = uploadQuery.shape.visibility.safeParse(value);
  if (parsed.success) return parsed.data;
  throw badRequest('invalid_parameter', `expected "public" or "private" for visibility but received ${JSON.stringify(value)}`);
}

async function defaultVisibility(accounts: AccountStore, userId: string): Promise<Visibility> {
  try {
    return (await accounts.getUser(userId))?.defaultVisibility ?? 'public';
  } catch (err) {
    throw unavailable('index_unavailable', 'the image index is unavailable; retry the upload', { cause: err });
  }
}

export function uploadRoutes(deps: UploadRouteDeps): Router {
  const router = Router();
  const decodeLimit = pLimit(deps.decodeConcurrency);

  const admission = uploadAdmission(deps.maxConcurrentUploads, () => deps.metrics.uploads.add(1, { outcome: 'rejected', reason: 'too_many_uploads' }));
  router.post('/v1/images', requireScope('images:write'), admission, (req, res) => deps.work.track(async () => {
    try {
      const principal = res.locals.principal;
      if (principal.kind !== 'user') throw new AppError(401, 'authentication_required', 'uploads need an API key');
      // Checked before the body is read, so a bad parameter costs no upload.
      const queryVisibility = chosenVisibility(req, {});
      const queryMeta = pickMetadataFields(req.query as Record<string, unknown>);
      uploadMetadata(queryMeta, undefined);
      const file = await receiveUpload(req, { tmpDir: deps.tmpDir, maxBytes: deps.maxUploadBytes, idleTimeoutMs: deps.idleTimeoutMs });
      deps.metrics.uploadBytes.add(file.bytes);
      let visibility: Visibility;
      let meta: ImageMetadata;
      try {
        meta = uploadMetadata({ ...queryMeta, ...pickMetadataFields(file.fields) }, file.filename);
        visibility = queryVisibility ?? chosenVisibility(req, file.fields) ?? (await defaultVisibility(deps.accounts, principal.userId));
      } catch (err) {
        await rm(file.path, { force: true });
        throw err;
      }
      const outcome = await acceptUpload(file, { userId: principal.userId, visibility, meta }, {
        decodeLimit,
        store: deps.store,
        index: deps.index,
        limits: deps.limits,
        logger: res.locals.log,
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
  router.get('/v1/images/sha256/:sha256', requireScope('images:read'), async (req, res) => {
    const principal = res.locals.principal;
    if (principal.kind !== 'user') throw new AppError(401, 'authentication_required', 'this route needs an API key');
    const { sha256: sha } = parseParams(uploadOperations.bySha256.params, req, { sha256: 'invalid_sha256' });
    const id = await deps.index.idForSha(principal.userId, sha);
    const record = id ? await deps.index.get(id) : undefined;
    if (!record) throw notFound('image_not_found', `you have no image with the SHA-256 ${sha}`);
    res.setHeader('Location', `/v1/images/${record.id}`).setHeader('X-Image-Id', record.id);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(deps.view(record, req));
  });

  return router;
}
