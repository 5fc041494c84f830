import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3_CREDENTIALS, startTestS3, type TestS3 } from '../../test/helpers/s3.js';
import { AppError } from '../core/errors.js';
import { describeObjectStoreContract } from './object-store.contract.js';
import { S3ObjectStore } from './s3-store.js';

function storeFor(s3: TestS3, extra: Partial<ConstructorParameters<typeof S3ObjectStore>[0]> = {}): S3ObjectStore {
  return new S3ObjectStore({
    bucket: s3.bucket,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    checksums: 'when_required',
    credentials: S3_CREDENTIALS,
    // Small, so the contract's 256 KiB bodies already go up as multipart uploads.
    multipartThreshold: 128 * 1024,
    ...extra,
  });
}

describeObjectStoreContract('S3 (s3rver)', async () => {
  const s3 = await startTestS3();
  const store = storeFor(s3, { prefix: 'tenant-a' });
  return {
    store,
    close: async () => {
      store.destroy();
      await s3.stop();
    },
  };
});

describe('S3ObjectStore faults', () => {
  let s3: TestS3;
  let store: S3ObjectStore;
  beforeAll(async () => {
    s3 = await startTestS3();
    store = storeFor(s3, { maxAttempts: 4 });
  });
  afterAll(async () => {
    store.destroy();
    await s3.stop();
  });

  it('retries through a store answering 500 for a while, and succeeds', async () => {
    const body = randomBytes(10_000);
    s3.failNext(2, '500');
    await store.put('faults/500', body);
    s3.failNext(2, '500');
    expect((await store.getBuffer('faults/500')).equals(body)).toBe(true);
  });

  it('retries a streamed file upload through failures, with a fresh stream each attempt', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'imgsvc-putfile-'));
    const body = randomBytes(300_000);
    await writeFile(join(dir, 'original'), body);
    s3.failNext(2, '500');
    await store.putFile('faults/file', join(dir, 'original'), { contentType: 'image/jpeg', metadata: { sha256: 'y' } });
    expect((await store.getBuffer('faults/file')).equals(body)).toBe(true);
    s3.failNext(1, 'reset');
    await store.putFile('faults/file2', join(dir, 'original'), { consume: true });
    expect((await store.head('faults/file2'))?.size).toBe(body.length);
  });

  it('retries through dropped connections, and succeeds', async () => {
    const body = randomBytes(10_000);
    s3.failNext(2, 'reset');
    await store.put('faults/reset', body);
    s3.failNext(1, 'reset');
    expect((await store.head('faults/reset'))?.size).toBe(10_000);
  });

  it('fails with a 503 AppError once retries run out, and never maps a missing key to it', async () => {
    s3.failNext(10, '500');
    await expect(store.getBuffer('faults/500')).rejects.toMatchObject({ status: 503, code: 'storage_unavailable' });
    s3.failNext(0, '500');
    await expect(store.getBuffer('faults/missing')).rejects.toMatchObject({ name: 'ObjectNotFoundError' });
    await expect(store.check()).resolves.toBeUndefined();
    expect(new AppError(503, 'x', 'y')).toBeInstanceOf(Error);
  });

  it('streams a large original up as a multipart upload and reads it back', async () => {
    const big = randomBytes(12 * 1024 * 1024);
    const { Readable } = await import('node:stream');
    await store.put('faults/big', Readable.from([big.subarray(0, 5_000_000), big.subarray(5_000_000)]), { metadata: { sha256: 'x' } });
    const head = await store.head('faults/big');
    expect(head).toMatchObject({ size: big.length, metadata: { sha256: 'x' } });
    const tail = await store.get('faults/big', { start: big.length - 100, end: big.length - 1 });
    const chunks: Buffer[] = [];
    for await (const c of tail.body) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(big.subarray(big.length - 100))).toBe(true);
  });
});
