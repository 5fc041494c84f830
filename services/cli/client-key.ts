import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The API key a client command sends: `--key`, else IMGSVC_API_KEY, else the admin key that
 * `imgsvc serve` wrote into the data folder on its first start (so it works in a checkout).
 */
export function clientKey(flag: string | undefined, env: Record<string, string | undefined>): string | undefined {
  if (flag) return flag.trim();
  if (env.IMGSVC_API_KEY) return env.IMGSVC_API_KEY.trim();
  try {
    return readFileSync(join(resolve(env.IMGSVC_DATA_DIR ?? './data'), 'admin-key'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
