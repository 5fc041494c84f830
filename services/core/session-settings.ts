import { z } from 'zod';
import { byteSize, durationMs, rateSpec } from './setting-schemas.js';

/**
 * Sign-in for people (sessions, passwords, links) and resumable uploads. Composed into the
 * service's one settings table (config.ts). See docs/accounts.md.
 */
export const SESSION_SETTINGS = {
  /** A session ends after this long without a request. */
  sessionIdleMs: { env: 'IMGSVC_SESSION_IDLE', flag: undefined, schema: durationMs('7d', 60_000) },
  /** …and after this long in any case (sign in again). */
  sessionMaxAgeMs: { env: 'IMGSVC_SESSION_MAX_AGE', flag: undefined, schema: durationMs('30d', 60_000) },
  /** `auto`: Secure when the request came over TLS (or a trusted proxy says https). */
  sessionCookieSecure: { env: 'IMGSVC_SESSION_COOKIE_SECURE', flag: undefined, schema: z.enum(['auto', 'always', 'never']).default('auto') },
  /** Failed sign-ins per handle (whoever tries), then 429 until the window passes. */
  loginLimitPerHandle: { env: 'IMGSVC_LOGIN_LIMIT_PER_HANDLE', flag: undefined, schema: rateSpec('10/15m', '10/15m') },
  /** Failed sign-ins per client address, across handles. */
  loginLimitPerAddress: { env: 'IMGSVC_LOGIN_LIMIT_PER_ADDRESS', flag: undefined, schema: rateSpec('30/15m', '10/15m') },
  /** How long a set-password link (invitation, reset, first start) stays valid. */
  passwordLinkTtlMs: { env: 'IMGSVC_PASSWORD_LINK_TTL', flag: undefined, schema: durationMs('7d', 60_000) },
  /** Unfinished resumable uploads one user may hold at once. */
  tusMaxOpenUploads: { env: 'IMGSVC_TUS_MAX_OPEN_UPLOADS', flag: undefined, schema: z.coerce.number().int().min(1).max(1000).default(20) },
  /** Bytes the unfinished uploads of one user may hold in total (each upload is also bounded by IMGSVC_MAX_UPLOAD_BYTES). */
  tusMaxOpenBytes: { env: 'IMGSVC_TUS_MAX_OPEN_BYTES', flag: undefined, schema: byteSize(2 * 1024 ** 3) },
  /** An upload without progress for this long expires and its parts are removed. */
  tusExpiryMs: { env: 'IMGSVC_TUS_EXPIRY', flag: undefined, schema: durationMs('24h', 1000) },
  /** How often expired uploads are swept. */
  tusSweepMs: { env: 'IMGSVC_TUS_SWEEP', flag: undefined, schema: durationMs('5m', 1000) },
} as const;
