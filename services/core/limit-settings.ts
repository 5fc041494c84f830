import { z } from 'zod';
import { durationMs } from './setting-schemas.js';

/**
 * Per-caller shares of what every caller fills together (DESIGN: "fair to every tenant"):
 * upload slots per key and per address, the whole-upload deadline, and open connections per
 * address. Composed into the service's one settings table (config.ts). See docs/hardening.md.
 */
export const LIMIT_SETTINGS = {
  /** Uploads one API key may have in progress at once (a share of IMGSVC_MAX_CONCURRENT_UPLOADS). */
  uploadsPerKey: { env: 'IMGSVC_UPLOADS_PER_KEY', flag: undefined, schema: z.coerce.number().int().min(1).max(100_000).default(8) },
  /** Uploads one client address may have in progress at once, whatever keys it uses. */
  uploadsPerAddress: { env: 'IMGSVC_UPLOADS_PER_ADDRESS', flag: undefined, schema: z.coerce.number().int().min(1).max(100_000).default(16) },
  /** The whole upload body must arrive within this long, however steadily it trickles. */
  uploadTotalTimeoutMs: { env: 'IMGSVC_UPLOAD_TOTAL_TIMEOUT', flag: undefined, schema: durationMs('5m', 1000) },
  /** Open connections one client address may hold at the HTTP server; 0 turns the cap off (behind a proxy that is one address). */
  connectionsPerAddress: { env: 'IMGSVC_CONNECTIONS_PER_ADDRESS', flag: undefined, schema: z.coerce.number().int().min(0).max(1_000_000).default(256) },
} as const;
