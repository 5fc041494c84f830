import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { startTestService, type Backend, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

/**
 * Issue 21, item 8: a write that storage cannot take is 503 storage_unavailable with
 * Retry-After, never a 500. The failure is real: the fs store's folder made immutable
 * (chattr +i, which binds root too), or the S3 server stopped.
 */
const chattr = (flag: '+i' | '-i', dir: string) => execFileSync('chattr', ['-R', flag, dir], { stdio: 'pipe' });

for (const backend of ['fs', 's3'] as Backend[]) {
  describe(`storage refusing writes (${backend})`, () => {
    let t: TestService;
    let alice: TestUser;
    let image: string;
    let jpeg: Buffer;
    const objects = () => join(t.dataDir, 'objects');

    beforeAll(async () => {
      t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off', IMGSVC_COMMENT_RATE: 'off' }, backend);
      alice = await createUser(t.url, t.adminKey, 'alice');
      jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
      const up = await uploadBytes(t.url, jpegVariant(jpeg, `write-failures-${backend}`), 'image/jpeg', alice.key);
      image = String(up.body.id);
      await waitForStatus(t.url, image, ['ready'], 60_000);
      expect((await api(t.url, 'POST', '/v1/albums', alice.key, { title: 'first' })).status).toBe(201);
    }, 90_000);
    afterAll(async () => {
      if (backend === 'fs') chattr('-i', objects());
      await t?.stop();
    });

    it('answers 503 storage_unavailable with Retry-After to every kind of write', async () => {
      if (backend === 'fs') chattr('+i', objects());
      else await t.s3!.stop();
      const writes: [string, string, unknown][] = [
        ['POST', '/v1/albums', { title: 'refused' }],
        ['POST', `/v1/images/${image}/comments`, { body: 'refused' }],
        ['PATCH', `/v1/images/${image}`, { title: 'refused' }],
      ];
      for (const [method, path, body] of writes) {
        const res = await fetch(`${t.url}${path}`, { method, body: JSON.stringify(body), headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'application/json' } });
        const got = (await res.json()) as { error?: { code: string } };
        expect([method, path, res.status, got.error?.code]).toEqual([method, path, 503, 'storage_unavailable']);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      const up = await fetch(`${t.url}/v1/images`, { method: 'POST', body: jpegVariant(jpeg, `refused-${backend}`), headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'image/jpeg' } });
      const upBody = (await up.json()) as { error?: { code: string } };
      expect([up.status, upBody.error?.code]).toEqual([503, 'storage_unavailable']);
      expect(up.headers.get('retry-after')).not.toBeNull();
    }, 120_000);
  });
}
