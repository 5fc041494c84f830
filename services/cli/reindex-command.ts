import { resolve } from 'node:path';
import type { ConfigFlags } from '../core/config.js';
import { cliConfig } from './cli-config.js';
import { createLogger } from '../core/logger.js';
import { ImageIndex } from '../images/image-index.js';
import { reindex } from '../images/reindex.js';
import { connectRedis } from '../runtime/connect-redis.js';
import { describeStore, openObjectStore } from '../storage/open-store.js';

/** `imgsvc reindex`: rebuild the Redis records from the manifests in storage. */
export async function runReindex(flags: ConfigFlags, env: Record<string, string | undefined>): Promise<number> {
  const config = cliConfig(flags, env);
  if (!config) return 1;
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const dataDir = resolve(config.dataDir);
  try {
    const { redis, close } = await connectRedis(config, dataDir, logger, 'reindex');
    try {
      const store = await openObjectStore(config, dataDir);
      const result = await reindex(store, new ImageIndex(redis), logger);
      process.stdout.write(`reindexed ${result.restored} images from ${describeStore(config, dataDir)}${result.duplicates.length ? `; removed ${result.duplicates.length} duplicates: ${result.duplicates.join(', ')}` : ''}${result.unreadable.length ? `; ${result.unreadable.length} manifests unreadable: ${result.unreadable.join(', ')}` : ''}\n`);
      return result.unreadable.length > 0 ? 2 : 0;
    } finally {
      await close();
    }
  } catch (err) {
    process.stderr.write(`imgsvc: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    logger.flush();
  }
}
