import type { Request, Response } from 'express';
import parseRange from 'range-parser';
import { AppError } from '../core/errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import { clampSuffixRanges } from './byte-range.js';
import { ifNoneMatchHits } from './conditional.js';

export interface SendOptions {
  key: string;
  size: number;
  contentType: string;
  etag: string;
  cacheControl: string;
  /** Honour `Range` (downloads of originals). */
  ranges?: boolean;
  extraHeaders?: Record<string, string>;
}

/**
 * Sends a stored object with validators and caching headers: 304 on a matching
 * If-None-Match, 206/416 for ranges, headers only for HEAD. Returns the body bytes sent
 * (for accounting), or 0.
 */
export async function sendObject(req: Request, res: Response, store: ObjectStore, options: SendOptions): Promise<number> {
  res.setHeader('ETag', options.etag);
  res.setHeader('Cache-Control', options.cacheControl);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  for (const [name, value] of Object.entries(options.extraHeaders ?? {})) res.setHeader(name, value);
  if (options.ranges) res.setHeader('Accept-Ranges', 'bytes');

  if (ifNoneMatchHits(req.headers['if-none-match'], options.etag)) {
    res.status(304).end();
    return 0;
  }

  let range: { start: number; end: number } | undefined;
  const rangeHeader = req.headers.range;
  if (options.ranges && rangeHeader && ifRangeAllows(req.get('if-range'), options.etag)) {
    const parsed = parseRange(options.size, clampSuffixRanges(rangeHeader, options.size), { combine: true });
    if (parsed === -1) {
      res.setHeader('Content-Range', `bytes */${options.size}`);
      throw new AppError(416, 'range_not_satisfiable', `the range ${rangeHeader} is outside the ${options.size} bytes of this object`);
    }
    // Multipart byteranges are rarely used by clients; a malformed header or several ranges get the whole object.
    if (parsed !== -2 && parsed.type === 'bytes' && parsed.length === 1 && parsed[0]) range = parsed[0];
  }

  const length = range ? range.end - range.start + 1 : options.size;
  res.setHeader('Content-Type', options.contentType);
  res.setHeader('Content-Length', String(length));
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${options.size}`);
  }
  if (req.method === 'HEAD') {
    res.end();
    return 0;
  }
  const object = await store.get(options.key, range);
  await new Promise<void>((resolve, reject) => {
    object.body.once('error', reject);
    res.once('close', resolve);
    object.body.pipe(res);
  }).finally(() => object.body.destroy());
  return res.writableFinished ? length : 0;
}

function ifRangeAllows(ifRange: string | undefined, etag: string): boolean {
  return ifRange === undefined || ifRange.trim() === etag;
}
