import type { Redis } from 'ioredis';
import { readJsonObject } from '../storage/read-json.js';
import { conflict, notFound, unavailable } from '../core/errors.js';
import { newImageId } from '../core/ids.js';
import { redisKeys } from '../redis/keys.js';
import { pipelineBySlot } from '../redis/slot-pipeline.js';
import { apiKeyObjectKey, userKey } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
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
    // Each user under their own tag: reads grouped by slot, not one MGET across slots.
    const values = await pipelineBySlot<string | null>(this.redis, ids.map(redisKeys.user), (p, key) => p.get(key));
    return values.flatMap(([err, v]) => (!err && v ? [JSON.parse(v) as User] : []));
  }

  async updateUser(id: string, change: Partial<Pick<User, 'displayName' | 'defaultVisibility' | 'allowOriginalDownloads' | 'shareLocation' | 'variantSizes' | 'disabledAt'>>): Promise<User> {
    const user = await this.getUser(id);
    if (!user) throw notFound('user_not_found', `no user with id ${id}`);
    const next: User = { ...user, ...change };
    await this.writeJson(userKey(id), next);
    await this.indexUser(next);
    await this.bus?.publish('user', id);
    return next;
  }

  /** Re-enables a disabled user (their keys work again unless revoked). */
  async enableUser(id: string): Promise<User> {
    const user = await this.getUser(id);
    if (!user) throw notFound('user_not_found', `no user with id ${id}`);
    if (!user.disabledAt) return user;
    const { disabledAt: _d, ...next } = user;
    await this.writeJson(userKey(id), next);
    await this.indexUser(next);
    await this.bus?.publish('user', id);
    return next;
  }

  /**
   * Deletes the account: its keys are revoked (their objects kept, so the audit trail stays),
   * then the user object goes from storage and the index. The handle becomes free.
   */
  async deleteUser(user: User): Promise<void> {
    for (const key of await this.listKeys(user.id)) await this.revokeKey(key);
    await this.store.delete(userKey(user.id));
    await this.redis.multi().del(redisKeys.user(user.id)).del(redisKeys.handle(user.handle)).zrem(redisKeys.users, user.id).exec();
    await this.bus?.publish('user', user.id);
  }

  async createKey(user: User, input: { name: string; scopes: Scope[]; expiresAt?: Date | undefined; parentId?: string | undefined }, now = new Date()): Promise<{ key: ApiKey; token: string }> {
    return this.storeKey(user, input, newToken(), now);
  }

  /** Stores a key whose token was chosen elsewhere (the Kubernetes Secret of the first admin key). */
  async storeKey(
    user: User,
    input: { name: string; scopes: Scope[]; expiresAt?: Date | undefined; parentId?: string | undefined },
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
      ...(input.parentId ? { parentId: input.parentId } : {}),
    };
    await this.writeJson(apiKeyObjectKey(key.id), key);
    await this.indexKey(key);
    return { key, token: made.token };
  }

  async getKey(id: string): Promise<ApiKey | undefined> {
    // Two global keys (two slots): two GETs, not one MGET.
    const [json, used] = await Promise.all([this.redis.get(redisKeys.apiKey(id)), this.redis.get(redisKeys.apiKeyUsed(id))]);
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

  /**
   * Revokes a key and every key it minted, and theirs in turn. Each revocation is written to
   * storage first, so a crash part-way leaves a prefix of the tree revoked and revoking the root
   * again (it is idempotent) finishes the rest. A user's keys are few, so the tree is found from
   * their key list rather than an index of its own.
   */
  async revokeKey(key: ApiKey, now = new Date()): Promise<ApiKey> {
    const all = await this.listKeys(key.userId);
    const children = new Map<string, ApiKey[]>();
    for (const k of all) if (k.parentId) children.set(k.parentId, [...(children.get(k.parentId) ?? []), k]);
    const seen = new Set<string>();
    const revokeTree = async (k: ApiKey): Promise<ApiKey> => {
      seen.add(k.id);
      const revoked = await this.revokeOne(k, now);
      for (const child of children.get(k.id) ?? []) if (!seen.has(child.id)) await revokeTree(child);
      return revoked;
    };
    return revokeTree(key);
  }

  private async revokeOne(key: ApiKey, now: Date): Promise<ApiKey> {
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
    // The user's own key, then the global handle and user list: idempotent steps, each one key.
    await this.redis.set(redisKeys.user(user.id), JSON.stringify(user));
    await this.redis.set(redisKeys.handle(user.handle), user.id);
    await this.redis.zadd(redisKeys.users, 0, user.id);
  }

  async indexKey(key: ApiKey): Promise<void> {
    // The key by id (global: a token names the key, not its user), then the user's list: two steps.
    await this.redis.set(redisKeys.apiKey(key.id), JSON.stringify(key));
    await this.redis.sadd(redisKeys.userKeys(key.userId), key.id);
  }

  private async writeJson(key: string, value: unknown): Promise<void> {
    await this.store.put(key, Buffer.from(JSON.stringify(value)));
  }

  private async readJson<T>(key: string): Promise<T | undefined> {
    return readJsonObject<T>(this.store, key);
  }
}
