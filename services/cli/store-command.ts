import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config, ConfigFlags } from '../core/config.js';
import { createLogger, type Logger } from '../core/logger.js';
import { connectRedis, type RedisConnection } from '../runtime/connect-redis.js';
import { openObjectStore } from '../storage/open-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { cliConfig } from './cli-config.js';

/** What a command that works on the install's Redis and storage directly is given. */
export interface StoreContext {
  config: Config;
  logger: Logger;
  dataDir: string;
  redis: Redis;
  store: ObjectStore;
}

/**
 * The prologue and epilogue every command on the install's own Redis and storage shares
 * (`imgsvc users|keys`, `imgsvc reindex`): the configuration (its problems printed, exit 1), a
 * logger quiet below warnings, the connection (`connect` for another way to reach Redis), the
 * store; then every error as one `imgsvc: …` line on stderr, with the code `codeFor` gives it
 * (1 by default), and the connection closed and the log flushed whatever happened.
 */
export async function runStoreCommand(
  flags: ConfigFlags,
  env: Record<string, string | undefined>,
  name: string,
  body: (ctx: StoreContext) => Promise<number>,
  options: { connect?: (config: Config, dataDir: string, logger: Logger) => Promise<RedisConnection>; codeFor?: (err: unknown) => number } = {},
): Promise<number> {
  const config = cliConfig(flags, env);
  if (!config) return 1;
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const dataDir = resolve(config.dataDir);
  try {
    const { redis, close } = await (options.connect ?? ((c, d, l) => connectRedis(c, d, l, name)))(config, dataDir, logger);
    try {
      const store = await openObjectStore(config, dataDir);
      return await body({ config, logger, dataDir, redis, store });
    } finally {
      await close();
    }
  } catch (err) {
    process.stderr.write(`imgsvc: ${err instanceof Error ? err.message : String(err)}\n`);
    return options.codeFor?.(err) ?? 1;
  } finally {
    logger.flush();
  }
}
