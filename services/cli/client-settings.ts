import { z } from 'zod';
import { parseSettings, SETTINGS } from '../core/config.js';

/**
 * The settings of the commands that talk to a running service over HTTP (`upload`, `stats`):
 * where it is and which key to send. The data folder (where `serve` leaves the admin key and
 * its address) and the port are the service's own settings, taken from its table.
 */
export const CLIENT_SETTINGS = {
  url: { env: 'IMGSVC_URL', flag: '--url', schema: z.string().optional() },
  apiKey: { env: 'IMGSVC_API_KEY', flag: '--key', schema: z.string().min(1).optional(), secret: true },
  dataDir: SETTINGS.dataDir,
  port: SETTINGS.port,
};

export type ClientSettings = { readonly [K in keyof typeof CLIENT_SETTINGS]: z.output<(typeof CLIENT_SETTINGS)[K]['schema']> };

/** The client settings from the environment, `--url` and `--key` winning; every problem collected. */
export function readClientSettings(flags: { url?: string | undefined; key?: string | undefined }, env: Record<string, string | undefined>): { settings: ClientSettings; problems: string[] } {
  const { values, problems } = parseSettings(CLIENT_SETTINGS, env, (key) => (key === 'url' ? flags.url : key === 'apiKey' ? flags.key?.trim() || undefined : undefined));
  return { settings: values, problems };
}
