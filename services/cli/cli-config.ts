import { ConfigError, loadConfig, type Config, type ConfigFlags } from '../core/config.js';

/** Loads the configuration for a command; on problems prints them all and returns undefined. */
export function cliConfig(flags: ConfigFlags, env: Record<string, string | undefined>): Config | undefined {
  try {
    return loadConfig(env, flags);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`imgsvc: ${err.message}\n`);
    return undefined;
  }
}
