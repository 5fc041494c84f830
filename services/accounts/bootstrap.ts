import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { redisKeys } from '../redis/keys.js';
import { withShortLock } from '../redis/short-lock.js';
import { bootstrapKey, USERS_PREFIX } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { AccountStore } from './account-store.js';
import type { PasswordStore } from './password-store.js';
import { hashToken, newToken, parseToken } from './api-key.js';
import { readBootstrap } from './restore-accounts.js';
import { SCOPES } from './scopes.js';

export interface Bootstrap {
  adminId: string;
  /** Present only when this start created the admin and generated its key: shown once. */
  token?: string;
  tokenFile?: string;
  /** With `token`: a one-time set-password link's token for the admin (see passwordLinkUrl). */
  passwordLinkToken?: string;
}

/**
 * The first start creates an `admin` user and one admin key, so the two-command start keeps
 * working with authentication on. The key is the configured one (a Kubernetes Secret) or a new
 * one, which is written to a file in the data folder readable by its owner only. Pods starting
 * together take a lock; whether users exist is asked of storage, the truth, not of Redis.
 */
export async function bootstrapAdmin(deps: {
  redis: Redis;
  store: ObjectStore;
  accounts: AccountStore;
  dataDir: string;
  configuredKey: string | undefined;
  logger: Logger;
  /** When given, the first start also makes a set-password link for the admin. */
  passwords?: { store: PasswordStore; linkTtlMs: number };
}): Promise<Bootstrap> {
  return withShortLock(deps.redis, redisKeys.bootstrapLock, async () => {
    const existing = await readBootstrap(deps.store);
    const anyUser = (await deps.store.list(USERS_PREFIX, { limit: 1 })).keys.length > 0;
    if (existing || anyUser) {
      if (existing) await deps.redis.set(redisKeys.bootstrapAdmin, existing.adminId);
      return { adminId: existing?.adminId ?? '' };
    }
    const admin = await deps.accounts.createUser({ handle: 'admin', displayName: 'Administrator', role: 'admin', defaultVisibility: 'public' });
    const made = deps.configuredKey
      ? { id: parseToken(deps.configuredKey)!.id, token: deps.configuredKey, hash: hashToken(deps.configuredKey) }
      : newToken();
    await deps.accounts.storeKey(admin, { name: 'bootstrap admin key', scopes: [...SCOPES] }, made);
    await deps.store.put(bootstrapKey, Buffer.from(JSON.stringify({ adminId: admin.id, createdAt: new Date().toISOString() })));
    await deps.redis.set(redisKeys.bootstrapAdmin, admin.id);
    deps.logger.info({ userId: admin.id, keyId: made.id }, 'created the bootstrap admin');
    if (deps.configuredKey) return { adminId: admin.id };
    const tokenFile = join(deps.dataDir, 'admin-key');
    await writeFile(tokenFile, `${made.token}\n`, { mode: 0o600 });
    const link = deps.passwords ? await deps.passwords.store.createLink(admin.id, deps.passwords.linkTtlMs) : undefined;
    return { adminId: admin.id, token: made.token, tokenFile, ...(link ? { passwordLinkToken: link.token } : {}) };
  }, { ttlMs: 30_000, waitMs: 30_000 });
}
