import { ConfigError, loadConfig, type Config, type ConfigFlags } from '../core/config.js';
import { setShardCount } from '../redis/keys.js';

/** Loads the configuration for a command; on problems prints them all and returns undefined. */
export function cliConfig(flags: ConfigFlags, env: Record<string, string | undefined>): Config | undefined {
  try {
    const config = loadConfig(env, flags);
    // Every key builder places keys by the install's shard count (redis/keys.ts).
    setShardCount(config.redisShards);
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`imgsvc: ${err.message}\n`);
    return undefined;
  }
}
