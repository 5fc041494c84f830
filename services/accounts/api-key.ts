import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseToken, TOKEN_LENGTH } from '../core/api-token-format.js';
import type { Scope } from './scopes.js';

export { parseToken, TOKEN_LENGTH };

/**
 * API keys look like `imgsvc_<key id: 16 hex>_<secret: 32 random bytes, base64url>`. The key
 * id is the visible, non-secret part (shown in listings, used for lookup); only the SHA-256 of
 * the whole token is stored. SHA-256 without a salt or stretching is right here: the secret
 * is 256 random bits, so there is nothing for a dictionary attack to guess.
 */

export interface ApiKey {
  id: string;
  userId: string;
  name: string;
  /** Hex SHA-256 of the whole token. */
  hash: string;
  scopes: Scope[];
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
  /** The caller's own key that minted this one: revoking it revokes this one too. */
  parentId?: string;
}

/** A key as its owner may see it: never the hash, never the secret. */
export interface PublicApiKey {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  parentId: string | null;
}

export function newToken(): { id: string; token: string; hash: string } {
  const id = randomBytes(8).toString('hex');
  const token = `imgsvc_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time comparison of the presented token with the stored hash. */
export function tokenMatches(token: string, storedHash: string): boolean {
  const presented = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

export type KeyState = 'active' | 'revoked' | 'expired';

export function keyState(key: ApiKey, now: number): KeyState {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

export function publicKey(key: ApiKey): PublicApiKey {
  return {
    id: key.id,
    userId: key.userId,
    name: key.name,
    prefix: `imgsvc_${key.id}_`,
    scopes: key.scopes,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt ?? null,
    revokedAt: key.revokedAt ?? null,
    lastUsedAt: key.lastUsedAt ?? null,
    parentId: key.parentId ?? null,
  };
}

/**
 * A minted key's expiry: what was asked, but never past the minting key's own expiry, so an
 * expiring key (an admin's included) cannot make a key that outlives it. Absent means never.
 */
export function childExpiry(minting: Pick<ApiKey, 'expiresAt'> | undefined, requested: Date | undefined): Date | undefined {
  const cap = minting?.expiresAt ? new Date(minting.expiresAt) : undefined;
  if (!cap) return requested;
  return requested && requested.getTime() < cap.getTime() ? requested : cap;
}
