import type { Redis } from 'ioredis';
import { conflict, notFound, unavailable } from '../core/errors.js';
import { newImageId } from '../core/ids.js';
import { redisKeys } from '../redis/keys.js';
import { apiKeyObjectKey, userKey } from '../storage/keys.js';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store.js';
import { newToken, type ApiKey } from './api-key.js';
import type { InvalidationBus } from '../redis/invalidation-bus.js';
import type { Scope } from './scopes.js';
import type { Role, User, Visibility } from './user.js';

export interface NewUser {
  handle: string;
  displayName?: string | undefined;
  role: Role;
  defaultVisibility: Visibility;
}

/** `lastUsedAt` is written at most this often per key: it is a hint, not an audit log. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Users and API keys. Storage holds the truth (one JSON object per user and per key, so
 * `imgsvc reindex` restores them after a Redis wipe); Redis holds the index every pod reads.
 * Every write goes to storage first, then Redis, then an invalidation to every pod's caches.
 */
export class AccountStore {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly store: ObjectStore,
    private readonly bus: InvalidationBus | undefined,
  ) {}

  async createUser(input: NewUser, now = new Date()): Promise<User> {
    const user: User = {
      id: newImageId(now.getTime()),
      handle: input.handle,
      displayName: input.displayName ?? input.handle,
      role: input.role,
      createdAt: now.toISOString(),
      defaultVisibility: input.defaultVisibility,
    };
    // The handle is reserved first, so two concurrent creations cannot both take it.
    const reserved = await this.redis.set(redisKeys.handle(user.handle), user.id, 'NX');
    if (reserved !== 'OK') throw conflict('handle_taken', `the handle ${JSON.stringify(user.handle)} is taken`);
    try {
      await this.writeJson(userKey(user.id), user);
    } catch (err) {
      await this.redis.del(redisKeys.handle(user.handle)).catch(() => undefined);
      throw unavailable('storage_unavailable', 'the account could not be stored; retry', { cause: err });
    }
    await this.indexUser(user);
    return user;
  }

  async getUser(id: string): Promise<User | undefined> {
    const json = await this.redis.get(redisKeys.user(id));
    return json ? (JSON.parse(json) as User) : undefined;
  }

  async userByHandle(handle: string): Promise<User | undefined> {
    const id = await this.redis.get(redisKeys.handle(handle));
    return id ? this.getUser(id) : undefined;
  }

  /** Users in id (creation) order after `after`. */
  async listUsers(after: string | undefined, limit: number): Promise<User[]> {
    const ids = await this.redis.zrangebylex(redisKeys.users, after ? `(${after}` : '-', '+', 'LIMIT', 0, limit);
    return this.getUsers(ids);
  }

  async getUsers(ids: string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => redisKeys.user(id)));
    return values.flatMap((v) => (v ? [JSON.parse(v) as User] : []));
  }

  async updateUser(id: string, change: Partial<Pick<User, 'displayName' | 'defaultVisibility' | 'allowOriginalDownloads' | 'disabledAt'>>): Promise<User> {
    const user = await this.getUser(id);
    if (!user) throw notFound('user_not_found', `no user with id ${id}`);
    const next: User = { ...user, ...change };
    await this.writeJson(userKey(id), next);
    await this.indexUser(next);
    await this.bus?.publish('user', id);
    return next;
  }

  async createKey(user: User, input: { name: string; scopes: Scope[]; expiresAt?: Date | undefined }, now = new Date()): Promise<{ key: ApiKey; token: string }> {
    return this.storeKey(user, input, newToken(), now);
  }

  /** Stores a key whose token was chosen elsewhere (the Kubernetes Secret of the first admin key). */
  async storeKey(
    user: User,
    input: { name: string; scopes: Scope[]; expiresAt?: Date | undefined },
    made: { id: string; token: string; hash: string },
    now = new Date(),
  ): Promise<{ key: ApiKey; token: string }> {
    const key: ApiKey = {
      id: made.id,
      userId: user.id,
      name: input.name,
      hash: made.hash,
      scopes: [...new Set(input.scopes)],
      createdAt: now.toISOString(),
      ...(input.expiresAt ? { expiresAt: input.expiresAt.toISOString() } : {}),
    };
    await this.writeJson(apiKeyObjectKey(key.id), key);
    await this.indexKey(key);
    return { key, token: made.token };
  }

  async getKey(id: string): Promise<ApiKey | undefined> {
    const [json, used] = await this.redis.mget(redisKeys.apiKey(id), redisKeys.apiKeyUsed(id));
    if (!json) return undefined;
    const key = JSON.parse(json) as ApiKey;
    return used ? { ...key, lastUsedAt: used } : key;
  }

  /** Reads a key from storage, for authentication while Redis cannot answer. */
  async getKeyFromStorage(id: string): Promise<ApiKey | undefined> {
    return this.readJson<ApiKey>(apiKeyObjectKey(id));
  }

  async getUserFromStorage(id: string): Promise<User | undefined> {
    return this.readJson<User>(userKey(id));
  }

  async listKeys(userId: string): Promise<ApiKey[]> {
    const ids = (await this.redis.smembers(redisKeys.userKeys(userId))).sort();
    const keys = await Promise.all(ids.map((id) => this.getKey(id)));
    return keys.filter((k): k is ApiKey => k !== undefined);
  }

  async revokeKey(key: ApiKey, now = new Date()): Promise<ApiKey> {
    if (key.revokedAt) return key;
    const { lastUsedAt: _used, ...stored } = key;
    const next: ApiKey = { ...stored, revokedAt: now.toISOString() };
    await this.writeJson(apiKeyObjectKey(key.id), next);
    await this.indexKey(next);
    await this.bus?.publish('key', key.id);
    return next;
  }

  /** Records when a key was last used, at most once a minute per key and never on the caller's time. */
  touch(keyId: string, now = Date.now()): void {
    const last = this.touched.get(keyId);
    if (last !== undefined && now - last < TOUCH_EVERY_MS) return;
    if (this.touched.size > 10_000) this.touched.clear();
    this.touched.set(keyId, now);
    this.redis.set(redisKeys.apiKeyUsed(keyId), new Date(now).toISOString()).catch(() => undefined);
  }

  async indexUser(user: User): Promise<void> {
    await this.redis
      .multi()
      .set(redisKeys.user(user.id), JSON.stringify(user))
      .set(redisKeys.handle(user.handle), user.id)
      .zadd(redisKeys.users, 0, user.id)
      .exec();
  }

  async indexKey(key: ApiKey): Promise<void> {
    await this.redis.multi().set(redisKeys.apiKey(key.id), JSON.stringify(key)).sadd(redisKeys.userKeys(key.userId), key.id).exec();
  }

  private async writeJson(key: string, value: unknown): Promise<void> {
    await this.store.put(key, Buffer.from(JSON.stringify(value)));
  }

  private async readJson<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse((await this.store.getBuffer(key)).toString('utf8')) as T;
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    }
  }
}
