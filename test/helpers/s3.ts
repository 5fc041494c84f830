import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3 {
  /** The endpoint clients use: a fault-injecting proxy in front of s3rver. */
  endpoint: string;
  bucket: string;
  /** The next `count` requests fail: answered 500, or their connection dropped. */
  failNext(count: number, mode: '500' | 'reset'): void;
  stop(): Promise<void>;
}

/**
 * A real S3-protocol server (s3rver, in process, files in a temp folder) with a bucket, behind
 * a small proxy that can fail requests on demand for retry tests.
 */
export async function startTestS3(bucket = 'imgsvc-test'): Promise<TestS3> {
  const dir = await mkdtemp(join(tmpdir(), 'imgsvc-s3-'));
  const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
  const { port: upstream } = (await s3rver.run()) as AddressInfo;
  let failures: { count: number; mode: '500' | 'reset' } = { count: 0, mode: '500' };
  const writes = new Map<string, Promise<void>>();
  const proxy: Server = createServer((req, res) => {
    if (failures.count > 0) {
      failures.count--;
      if (failures.mode === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(500, { 'content-type': 'application/xml' }).end('<Error><Code>InternalError</Code><Message>injected</Message></Error>');
      req.resume();
      return;
    }
    const send = () =>
      new Promise<void>((done) => {
        const forward = request({ host: '127.0.0.1', port: upstream, method: req.method, path: req.url, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          up.on('end', done);
          up.on('error', () => done());
        });
        forward.on('error', () => {
          res.destroy();
          done();
        });
        // A client that goes away mid-body (an upload cut at its limit, a test's reset) must not
        // leave s3rver waiting for the rest of it: that open request would hold stop() forever.
        res.on('close', () => {
          if (!res.writableFinished) forward.destroy();
        });
        req.pipe(forward);
      });
    // s3rver writes objects in place, so two concurrent PUTs of one key can interleave; S3 makes
    // each PUT atomic (last writer wins). Serialising writes per key here gives S3's semantics.
    if (req.method === 'PUT') {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const previous = writes.get(path) ?? Promise.resolve();
      const current = previous.then(send);
      writes.set(path, current);
      void current.finally(() => {
        if (writes.get(path) === current) writes.delete(path);
      });
    } else {
      void send();
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  return {
    endpoint,
    bucket,
    failNext: (count, mode) => {
      failures = { count, mode };
    },
    stop: async () => {
      // Idempotent: a test may stop the server to fail storage, and the service's stop comes after.
      if (!proxy.listening) return;
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      // s3rver's close() waits for every open connection; anything still open is ours to cut.
      (s3rver as unknown as { httpServer?: Server }).httpServer?.closeAllConnections();
      await s3rver.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
