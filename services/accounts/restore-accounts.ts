import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { redisKeys } from '../redis/keys.js';
import { API_KEYS_PREFIX, bootstrapKey, GRANTS_PREFIX, USERS_PREFIX } from '../storage/keys.js';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store.js';
import type { AccountStore } from './account-store.js';
import type { ApiKey } from './api-key.js';
import type { User } from './user.js';
import type { ViewerGrants } from './viewer-grants.js';

export interface AccountsRestored {
  users: number;
  keys: number;
  grants: number;
  unreadable: string[];
}

/** Every key under a prefix, a page at a time. */
export async function* storedKeys(store: ObjectStore, prefix: string): AsyncGenerator<string[]> {
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, { cursor, limit: 500 });
    cursor = page.cursor;
    yield page.keys;
  } while (cursor);
}

/** Rebuilds the accounts index (users, handles, keys, grants, the bootstrap admin) from storage. */
export async function restoreAccounts(deps: { store: ObjectStore; redis: Redis; accounts: AccountStore; grants: ViewerGrants; logger: Logger }): Promise<AccountsRestored> {
  const out: AccountsRestored = { users: 0, keys: 0, grants: 0, unreadable: [] };
  const each = async (prefix: string, fn: (key: string) => Promise<void>) => {
    for await (const keys of storedKeys(deps.store, prefix)) {
      await Promise.all(
        keys.map(async (key) => {
          try {
            await fn(key);
          } catch (err) {
            deps.logger.warn({ err, key }, 'account object could not be restored');
            out.unreadable.push(key);
          }
        }),
      );
    }
  };
  const json = async <T>(key: string) => JSON.parse((await deps.store.getBuffer(key)).toString('utf8')) as T;
  await each(USERS_PREFIX, async (key) => {
    await deps.accounts.indexUser(await json<User>(key));
    out.users++;
  });
  await each(API_KEYS_PREFIX, async (key) => {
    await deps.accounts.indexKey(await json<ApiKey>(key));
    out.keys++;
  });
  await each(GRANTS_PREFIX, async (key) => {
    const [ownerId, file] = key.slice(GRANTS_PREFIX.length).split('/');
    if (!ownerId || !file) return;
    await deps.grants.index(ownerId, file.replace(/\.json$/, ''));
    out.grants++;
  });
  const admin = await readBootstrap(deps.store);
  if (admin) await deps.redis.set(redisKeys.bootstrapAdmin, admin.adminId);
  return out;
}

export async function readBootstrap(store: ObjectStore): Promise<{ adminId: string } | undefined> {
  try {
    return JSON.parse((await store.getBuffer(bootstrapKey)).toString('utf8')) as { adminId: string };
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}
