import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFile } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

/**
 * Issue 21, item 9: with IMGSVC_UPLOAD_VALIDATION=header the full decode moves to the resizer;
 * a PNG whose header passes but whose data is corrupt is classified failed at once (its first
 * delivery), not left `processing` through every retry while /i/ answers 500.
 */
let t: TestService;

beforeAll(async () => {
  t = await startTestService({ IMGSVC_UPLOAD_VALIDATION: 'header', IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off' });
});
afterAll(async () => {
  await t?.stop();
});

describe('header validation', () => {
  for (const file of ['hostile/invalid-crc32.png', 'hostile/invalid-zlib.png']) {
    it(`marks ${file} failed on its first delivery`, async () => {
      const up = await uploadFile(t.url, file, 'image/png');
      expect(up.status).toBe(201);
      const started = Date.now();
      const record = await waitForStatus(t.url, String(up.body.id), ['failed', 'ready'], 20_000);
      console.log(`9: ${file} → ${String(record.status)} in ${Date.now() - started} ms (${String(record.error)})`);
      expect(record.status).toBe('failed');
      expect(String(record.error)).toMatch(/cannot be decoded/);
    }, 30_000);
  }
});
