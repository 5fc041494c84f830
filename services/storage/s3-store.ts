import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { AppError } from '../core/errors.js';
import {
  assertValidKey,
  assertValidPrefix,
  ObjectNotFoundError,
  type ByteRange,
  type ListPage,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from './object-store.js';

export interface S3StoreOptions {
  bucket: string;
  region: string;
  endpoint?: string | undefined;
  forcePathStyle?: boolean;
  /** Prepended to every key (`tenant-a/`), so one bucket can hold several deployments. */
  prefix?: string;
  /** `when_required` for stores that mishandle the SDK's default checksums (see docs/operations.md, "Storage"). */
  checksums?: 'when_supported' | 'when_required';
  /** Bodies above this go up as a multipart upload, part by part, never buffered whole. */
  multipartThreshold?: number;
  maxAttempts?: number;
  requestTimeoutMs?: number;
  /** Only for tests against a local S3-protocol server. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * The production store: S3 or a compatible one (MinIO, Ceph RGW, R2, B2). Bodies stream both
 * ways; the SDK retries transient failures (5xx, throttling, resets) with backoff and never
 * 4xx; a missing object is ObjectNotFoundError and an unreachable store an AppError 503.
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly multipartThreshold: number;
  private readonly maxAttempts: number;

  constructor(options: S3StoreOptions) {
    const checksums = options.checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
    this.maxAttempts = options.maxAttempts ?? 4;
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
      maxAttempts: this.maxAttempts,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: options.requestTimeoutMs ?? 30_000 }),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    this.bucket = options.bucket;
    this.prefix = options.prefix ? `${options.prefix.replace(/\/+$/, '')}/` : '';
    this.multipartThreshold = options.multipartThreshold ?? 16 * 1024 * 1024;

  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    const Key = this.keyOf(key);
    const common = { Bucket: this.bucket, Key, ContentType: options.contentType, Metadata: options.metadata };
    await this.call(async () => {
      if (Buffer.isBuffer(body) && body.length <= this.multipartThreshold) {
        await this.client.send(new PutObjectCommand({ ...common, Body: body, ContentLength: body.length }));
      } else {
        await new Upload({ client: this.client, params: { ...common, Body: body }, partSize: Math.max(5 * 1024 * 1024, Math.min(this.multipartThreshold, 64 * 1024 * 1024)) }).done();
      }
    }, key);
    const info = await this.head(key);
    if (!info) throw new AppError(503, 'storage_unavailable', 'storage did not keep an object it accepted; retry');
    return info;
  }

  async putFile(key: string, path: string, options: PutOptions & { consume?: boolean } = {}): Promise<ObjectInfo> {
    const { size } = await stat(path);
    const Key = this.keyOf(key);
    if (size <= this.multipartThreshold) {
      // One request, the file streamed from disk (its length is known), never read whole. The
      // SDK cannot replay a consumed stream, so transient failures are retried here, each
      // attempt with a fresh stream.
      for (let attempt = 1; ; attempt++) {
        try {
          await this.call(
            () =>
              this.client.send(
                new PutObjectCommand({ Bucket: this.bucket, Key, Body: createReadStream(path), ContentLength: size, ContentType: options.contentType, Metadata: options.metadata }),
              ),
            key,
          );
          break;
        } catch (err) {
          if (!(err instanceof AppError) || err.status !== 503 || attempt >= this.maxAttempts) throw err;
          await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
        }
      }
    } else {
      await this.put(key, createReadStream(path), options);
    }
    if (options.consume) await rm(path, { force: true });
    const info = await this.head(key);
    if (!info) throw new AppError(503, 'storage_unavailable', 'storage did not keep an object it accepted; retry');
    return info;
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject> {
    const Key = this.keyOf(key);
    const out = await this.call(
      () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) })),
      key,
    );
    const total = out.ContentRange ? Number(out.ContentRange.split('/')[1]) : Number(out.ContentLength ?? 0);
    return {
      key,
      size: total,
      contentType: out.ContentType,
      metadata: out.Metadata ?? {},
      lastModified: out.LastModified ?? new Date(0),
      body: out.Body as Readable,
      range,
    };
  }

  async getBuffer(key: string): Promise<Buffer> {
    const object = await this.get(key);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of object.body) chunks.push(chunk as Buffer);
    } catch (err) {
      throw new AppError(503, 'storage_unavailable', 'storage dropped the connection while sending an object; retry', { cause: err });
    }
    return Buffer.concat(chunks);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const Key = this.keyOf(key);
    try {
      const out = await this.call(() => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key })), key);
      return { key, size: Number(out.ContentLength ?? 0), contentType: out.ContentType, metadata: out.Metadata ?? {}, lastModified: out.LastModified ?? new Date(0) };
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.keyOf(key);
    await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })), key);
  }

  async list(prefix: string, options: { cursor?: string; limit?: number } = {}): Promise<ListPage> {
    assertValidPrefix(prefix);
    const out = await this.call(
      () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            MaxKeys: options.limit ?? 1000,
            ...(options.cursor ? { StartAfter: this.prefix + options.cursor } : {}),
          }),
        ),
      prefix,
    );
    const keys = (out.Contents ?? []).map((c) => (c.Key ?? '').slice(this.prefix.length)).filter(Boolean);
    return { keys, cursor: out.IsTruncated && keys.length > 0 ? keys[keys.length - 1] : undefined };
  }

  async check(): Promise<void> {
    await this.call(() => this.client.send(new HeadBucketCommand({ Bucket: this.bucket })), '');
  }

  destroy(): void {
    this.client.destroy();
  }

  private keyOf(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }

  /** Maps what the SDK throws, after its own retries, onto the service's errors. */
  private async call<T>(operation: () => Promise<T>, key: string): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      if (err instanceof S3ServiceException) {
        const status = err.$metadata.httpStatusCode ?? 0;
        if (status === 404 || err.name === 'NoSuchKey' || err.name === 'NotFound') throw new ObjectNotFoundError(key);
        if (status >= 400 && status < 500 && status !== 429) {
          throw new AppError(500, 'storage_rejected', `storage refused the request (${err.name})`, { cause: err });
        }
      }
      throw new AppError(503, 'storage_unavailable', 'storage is unavailable; retry shortly', { cause: err });
    }
  }
}
