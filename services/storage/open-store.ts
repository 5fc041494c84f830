import { join } from 'node:path';
import type { Config } from '../core/config.js';
import { FsObjectStore } from './fs-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-store.js';

/** The configured backend: a folder under the data directory, or an S3-compatible bucket. */
export async function openObjectStore(config: Config, dataDir: string): Promise<ObjectStore> {
  if (config.storage === 'fs') return FsObjectStore.open(join(dataDir, 'objects'));
  return new S3ObjectStore({
    bucket: config.s3Bucket!,
    region: config.s3Region,
    endpoint: config.s3Endpoint,
    forcePathStyle: config.s3ForcePathStyle,
    ...(config.s3Prefix ? { prefix: config.s3Prefix } : {}),
    checksums: config.s3Checksums,
  });
}

/** Where a store's objects are, for messages to people. */
export function describeStore(config: Config, dataDir: string): string {
  return config.storage === 'fs' ? join(dataDir, 'objects') : `s3://${config.s3Bucket}/${config.s3Prefix ?? ''}`;
}
