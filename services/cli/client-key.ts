import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ClientSettings } from './client-settings.js';

/**
 * The API key a client command sends: `--key`, else IMGSVC_API_KEY, else the admin key that
 * `imgsvc serve` wrote into the data folder on its first start (so it works in a checkout).
 */
export function clientKey(settings: Pick<ClientSettings, 'apiKey' | 'dataDir'>): string | undefined {
  if (settings.apiKey) return settings.apiKey;
  try {
    return readFileSync(join(resolve(settings.dataDir), 'admin-key'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
