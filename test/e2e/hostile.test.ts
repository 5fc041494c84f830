import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFiles } from '../helpers/corpus.js';
import { uploadFile } from '../helpers/http.js';
import { BACKENDS, imageKeys, listFiles, listStored, startTestService, type TestService } from '../helpers/service.js';
import { redisKeys } from '../../services/redis/keys.js';
import { xlenAll } from '../helpers/shards.js';

describe.each(BACKENDS)('with %s storage', (backend) => {
  /**
   * What each hostile file must get. premature-end.png is the one exception: despite its name it
   * is a complete, valid PNG (every chunk's CRC checks out, the IDAT stream inflates to exactly
   * 256 rows, and IEND is there; gdk-pixbuf's test truncates it at run time), so refusing it
   * would mean refusing good images.
   */
  const EXPECTED: Record<string, { status: number; code: string }> = {
    'hostile/2004-01-11-22-45-15-sep-2004-01-11-22-45-15a.jpg': { status: 422, code: 'corrupt_image' },
    'hostile/352-feConvolveMatrix-large-allocation.svg': { status: 415, code: 'unsupported_media_type' },
    'hostile/515-pattern-billion-laughs.svg': { status: 415, code: 'unsupported_media_type' },
    'hostile/515-too-many-elements.svgz': { status: 415, code: 'unsupported_media_type' },
    'hostile/785276-empty.svg': { status: 400, code: 'empty_body' },
    'hostile/CVE-2017-2862.jpg': { status: 422, code: 'corrupt_image' },
    'hostile/bug775697.jpg': { status: 422, code: 'corrupt_image' },
    'hostile/bug784903-overflow-dimensions.tiff': { status: 422, code: 'corrupt_image' },
    'hostile/bug793470-crasher.png': { status: 422, code: 'too_many_pixels' },
    'hostile/cve-2015-4491.bmp': { status: 415, code: 'unsupported_media_type' },
    'hostile/invalid-crc32.png': { status: 422, code: 'corrupt_image' },
    'hostile/invalid-zlib.png': { status: 422, code: 'corrupt_image' },
    'hostile/invalid.1.gif': { status: 422, code: 'corrupt_image' },
    'hostile/issue205.jpg': { status: 422, code: 'too_many_pixels' },
    'hostile/large.jpg': { status: 422, code: 'too_many_pixels' },
    'hostile/large.png': { status: 422, code: 'too_many_pixels' },
    'hostile/max-size.gif': { status: 422, code: 'corrupt_image' },
    'hostile/premature-end.jpg': { status: 422, code: 'corrupt_image' },
    'hostile/premature-end.png': { status: 201, code: '' },
  };

  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({}, backend);
  });
  afterAll(async () => {
    await t.stop();
  });

  describe('hostile uploads', () => {
    it('has an expectation for every hostile file', () => {
      expect(corpusFiles('hostile').sort()).toEqual(Object.keys(EXPECTED).sort());
    });

    it.each(corpusFiles('hostile').filter((f) => EXPECTED[f]?.status !== 201))(
      '%s is refused with a JSON error, quickly, storing nothing',
      async (file) => {
        const expected = EXPECTED[file]!;
        const filesBefore = await listStored(t);
        const keysBefore = await imageKeys(t);
        const jobsBefore = await xlenAll(t.redis.client, redisKeys.resizeStream);
        const rssBefore = process.memoryUsage().rss;

        const started = Date.now();
        const reply = await uploadFile(t.url, file, 'image/jpeg');
        const elapsed = Date.now() - started;

        expect(reply.status).toBe(expected.status);
        expect(reply.headers.get('content-type')).toMatch(/application\/json/);
        expect(reply.body.error).toMatchObject({ status: expected.status, code: expected.code });
        expect((reply.body.error as { message: string }).message.length).toBeGreaterThan(10);
        expect(elapsed).toBeLessThan(5_000);
        // A decompression bomb would need gigabytes to decode; the header check stops it first.
        expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 * 1024 * 1024);

        expect(await listStored(t)).toEqual(filesBefore);
        expect(await imageKeys(t)).toEqual(keysBefore);
        expect(await xlenAll(t.redis.client, redisKeys.resizeStream)).toBe(jobsBefore);
        expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      },
    );

    it('accepts premature-end.png, which is a valid PNG despite its name', async () => {
      const reply = await uploadFile(t.url, 'hostile/premature-end.png');
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ format: 'png', width: 256, height: 256 });
    });

    it('leaves no temporary upload files after all of that', async () => {
      expect((await listFiles(t.dataDir)).filter((f) => f.startsWith('tmp/') || f.includes('.tmp/'))).toEqual([]);
    });
  });
});
