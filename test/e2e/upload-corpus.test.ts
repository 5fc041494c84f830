import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFiles, corpusPath } from '../helpers/corpus.js';
import { getBytes, uploadFile } from '../helpers/http.js';
import { BACKENDS, startTestService, type TestService } from '../helpers/service.js';

describe.each(BACKENDS)('with %s storage', (backend) => {
  const FOLDERS = ['photos', 'orientation', 'color', 'alpha', 'animated', 'formats'];
  /** Formats the service refuses by policy (see docs/api.md, "POST /v1/images"): BMP has no libvips loader, SVG can carry scripts. */
  const REFUSED: Record<string, RegExp> = {
    'formats/windows95.bmp': /BMP/,
    'formats/blobs-l.svg': /SVG/,
  };
  const WEB_MIME = /^image\/(jpeg|png|gif|webp|avif)$/;

  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({}, backend);
  });
  afterAll(async () => {
    await t.stop();
  });

  describe.each(FOLDERS)('every file of corpus/%s', (folder) => {
    it.each(corpusFiles(folder))('%s: upload, record, public URL, original download', async (file) => {
      const bytes = await readFile(corpusPath(file));
      const reply = await uploadFile(t.url, file);

      const refusal = REFUSED[file];
      if (refusal) {
        expect(reply.status).toBe(415);
        expect((reply.body.error as { message: string }).message).toMatch(refusal);
        return;
      }

      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const meta = await sharp(bytes).metadata();
      const upright = (meta.orientation ?? 1) >= 5;
      const frameHeight = meta.pageHeight ?? meta.height;
      expect(reply.body).toMatchObject({
        sha256,
        bytes: bytes.length,
        width: upright ? frameHeight : meta.width,
        height: upright ? meta.width : frameHeight,
        status: 'processing',
      });
      expect(reply.body.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(new Date(reply.body.createdAt as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
      const url = reply.body.url as string;
      expect(url).toBe(`${t.url}/i/${reply.body.id}`);

      // The record reads back the same.
      const record = await (await fetch(`${t.url}/v1/images/${reply.body.id}`)).json();
      expect(record).toMatchObject({ id: reply.body.id, sha256, width: reply.body.width, height: reply.body.height });

      // The public URL gives something any browser shows, upright, without EXIF; with no hints
      // and a desktop-like client, at most 1280 px wide (the desktop default), never upscaled.
      const served = await getBytes(url);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toMatch(WEB_MIME);
      expect(Number(served.headers.get('content-length'))).toBe(served.body.length);
      expect(served.headers.get('etag')).toMatch(/^".+"$/);
      expect(served.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
      const out = await sharp(served.body).metadata();
      const width = reply.body.width as number;
      const expectedWidth = Math.min(width, 1280);
      expect(out.width).toBe(expectedWidth);
      expect(Math.abs((out.pageHeight ?? out.height) - (expectedWidth * (reply.body.height as number)) / width)).toBeLessThanOrEqual(1);
      expect(out.exif).toBeUndefined();
      expect(out.orientation ?? 1).toBe(1);
      if (meta.pages && meta.pages > 1 && out.format === 'gif') expect(out.pages).toBe(meta.pages);

      // The original downloads byte for byte.
      const original = await getBytes(reply.body.originalUrl as string);
      expect(original.status).toBe(200);
      expect(original.body.equals(bytes)).toBe(true);
    });
  });
});
