import { Router } from 'express';
import pLimit from 'p-limit';
import { AppError, badRequest, notFound } from '../core/errors.js';
import { isSha256Hex } from '../core/ids.js';
import type { WorkTracker } from '../core/work-tracker.js';
import { publicBaseUrl } from '../http/base-url.js';
import type { ImageIndex } from '../images/image-index.js';
import { publicView } from '../images/image-record.js';
import type { ObjectStore } from '../storage/object-store.js';
import { acceptUpload } from './accept-upload.js';
import type { ProbeLimits } from './probe-image.js';
import { receiveUpload } from './receive-upload.js';
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
  /** Slow-client bounds: body idle timeout, and uploads admitted at once. */
  idleTimeoutMs: number;
  maxConcurrentUploads: number;
}

export function uploadRoutes(deps: UploadRouteDeps): Router {
  const router = Router();
  const decodeLimit = pLimit(deps.decodeConcurrency);

  const admission = uploadAdmission(deps.maxConcurrentUploads, () => deps.metrics.uploads.add(1, { outcome: 'rejected', reason: 'too_many_uploads' }));
  router.post('/v1/images', admission, (req, res) => deps.work.track(async () => {
    try {
      const file = await receiveUpload(req, { tmpDir: deps.tmpDir, maxBytes: deps.maxUploadBytes, idleTimeoutMs: deps.idleTimeoutMs });
      deps.metrics.uploadBytes.add(file.bytes);
      const outcome = await acceptUpload(file, {
        decodeLimit,
        store: deps.store,
        index: deps.index,
        limits: deps.limits,
        logger: res.locals.log,
      });
      const created = outcome.kind === 'created';
      deps.metrics.uploads.add(1, { outcome: created ? 'created' : 'deduplicated', reason: 'none' });
      const body = publicView(outcome.record, publicBaseUrl(req, deps.publicBaseUrl));
      res.status(created ? 201 : 200).setHeader('Location', `/v1/images/${outcome.record.id}`).json(body);
    } catch (err) {
      const reason = err instanceof AppError ? err.code : 'internal';
      deps.metrics.uploads.add(1, { outcome: 'rejected', reason });
      throw err;
    }
  }));

  // Lets a client skip an upload whose bytes the service already has (HEAD), or find the image (GET).
  router.get('/v1/images/sha256/:sha256', async (req, res) => {
    const sha = req.params.sha256.toLowerCase();
    if (!isSha256Hex(sha)) {
      throw badRequest('invalid_sha256', `expected 64 hexadecimal characters for sha256 but received ${JSON.stringify(req.params.sha256)}`);
    }
    const id = await deps.index.idForSha(sha);
    const record = id ? await deps.index.get(id) : undefined;
    if (!record) throw notFound('image_not_found', `no image has the SHA-256 ${sha}`);
    res.setHeader('Location', `/v1/images/${record.id}`).setHeader('X-Image-Id', record.id);
    res.setHeader('Cache-Control', 'no-cache');
    res.json(publicView(record, publicBaseUrl(req, deps.publicBaseUrl)));
  });

  return router;
}
