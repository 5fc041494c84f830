import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadOne } from '../../services/cli/upload-one.js';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * A TCP proxy in front of the service that cuts every connection once, after `dropAfter`
 * bytes from the client have gone through it in all: the phone that loses its network at 40%.
 */
function droppingProxy(target: number, dropAfter: number): Promise<{ url: string; server: Server; forwarded: () => number; drops: () => number }> {
  let forwarded = 0;
  let drops = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (drops === 0 && forwarded + chunk.length > dropAfter) {
        const part = chunk.subarray(0, dropAfter - forwarded);
        forwarded += part.length;
        drops++;
        upstream.write(part, () => cut());
        return;
      }
      forwarded += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, forwarded: () => forwarded, drops: () => drops })),
  );
}

let t: TestService;
let owner: TestUser;
beforeAll(async () => {
  t = await startTestService();
  owner = await createUser(t.url, t.adminKey, 'traveller');
});
afterAll(async () => {
  await t?.stop();
});

describe('imgsvc upload over a connection that drops', () => {
  it('switches to tus above the size and resumes where the server stopped, not from the start', async () => {
    const path = corpusPath('photos/Elephants_5640x3172.jpg');
    const size = (await stat(path)).size;
    const proxy = await droppingProxy(Number(new URL(t.url).port), Math.floor(size * 0.4));
    try {
      let bar = 0;
      const result = await uploadOne(path, size, { base: proxy.url, key: owner.key, query: { visibility: 'private' }, resumableAbove: 1024 * 1024, retry: { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 500 } }, {
        onBytes: (n) => (bar += n),
        onAlreadyStored: () => undefined,
      });
      expect(result).toMatchObject({ status: 'created', id: expect.any(String) });
      expect(proxy.drops()).toBe(1);
      // Starting over would have sent 140% of the file; resuming sends about 100%.
      const ratio = proxy.forwarded() / size;
      console.log(`resumable upload of ${size} bytes over a dropping proxy: ${proxy.forwarded()} bytes sent (${ratio.toFixed(3)}× the file)`);
      expect(ratio).toBeLessThan(1.2);
      expect(bar).toBe(size);
      const image = await api(t.url, 'GET', `/v1/images/${result.id!}`, owner.key);
      expect(image.body).toMatchObject({ visibility: 'private', bytes: size, sha256: createHash('sha256').update(await readFile(path)).digest('hex') });
    } finally {
      proxy.server.close();
    }
  }, 120_000);

  it('small files keep the one-shot upload', async () => {
    const path = corpusPath('photos/Wood.jpg');
    const size = (await stat(path)).size;
    const result = await uploadOne(path, size, { base: t.url, key: owner.key, query: {}, resumableAbove: size + 1 }, { onBytes: () => undefined, onAlreadyStored: () => undefined });
    expect(result.status).toBe('created');
    expect(await t.redis.client.keys('*upload-done*')).toEqual([expect.any(String)]);
  });
});
