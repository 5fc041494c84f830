import type { Redis } from 'ioredis';
import { decodeTime } from 'ulid';
import { newImageId } from '../core/ids.js';
import { newEvent } from '../events/event-payloads.js';
import { EventSink } from '../events/event-sink.js';
import type { NewEvent } from '../events/event-types.js';
import { redisKeys } from '../redis/keys.js';
import { favoriteKey } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface Favorite {
  userId: string;
  imageId: string;
  /** A ULID of when it was made: the listing's order and cursor position. */
  favoriteId: string;
  favoritedAt: string;
}

/**
 * Adds the member unless the user has this image already; returns the favorite id that holds.
 * The favorite keys share the user's hash tag; KEYS[3] is the event stream, appended to only
 * when the favorite is new (ARGV[3] counts the XADD arguments that follow, 0 for no event).
 */
const ADD = `local had = redis.call('HGET', KEYS[1], ARGV[1])
if had then return had end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[2] .. ':' .. ARGV[1])
local ev = tonumber(ARGV[3])
if ev > 0 then redis.call('XADD', KEYS[3], unpack(ARGV, 4, 3 + ev)) end
return ARGV[2]`;
const REMOVE = `local had = redis.call('HGET', KEYS[1], ARGV[1])
if not had then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], had .. ':' .. ARGV[1])
local ev = tonumber(ARGV[2])
if ev > 0 then redis.call('XADD', KEYS[3], unpack(ARGV, 3, 2 + ev)) end
return 1`;

/**
 * Favorites: one object per user and image in storage (`favorites/<user>/<image>.json`, the
 * truth, written first, so a write is one idempotent put or delete, never a read-modify-write),
 * and in Redis the user's sorted set (newest first by favorite id), the user's image → favorite
 * map (one favorite per user and image) and per image the set of users (its count).
 */
export class Favorites {
  constructor(
    private readonly redis: Redis,
    private readonly store: ObjectStore,
    private readonly events: EventSink = new EventSink(),
  ) {}

  /** Idempotent: favoriting again answers the favorite that exists. */
  async add(userId: string, imageId: string, now = new Date()): Promise<Favorite> {
    const had = await this.redis.hget(redisKeys.favoriteOf(userId), imageId);
    if (had) return { userId, imageId, favoriteId: had, favoritedAt: new Date(decodeTime(had)).toISOString() };
    const fresh: Favorite = { userId, imageId, favoriteId: newImageId(now.getTime()), favoritedAt: now.toISOString() };
    await this.put(fresh);
    const ownerId = await this.ownerOf(imageId);
    const held = await this.index(fresh, newEvent('favorite.added', { ownerId, imageId, actorId: userId }, { userId, favoriteId: fresh.favoriteId }));
    if (held === fresh.favoriteId) return fresh;
    // A concurrent favorite of the same image won in Redis: storage says the same.
    const winner: Favorite = { ...fresh, favoriteId: held, favoritedAt: new Date(decodeTime(held)).toISOString() };
    await this.put(winner);
    return winner;
  }

  async remove(userId: string, imageId: string): Promise<void> {
    await this.removeOne(userId, imageId, undefined, userId);
  }

  /** `ownerId`: the image's owner when the caller knows it (looked up otherwise, for the event); no actor when the service removes it. */
  private async removeOne(userId: string, imageId: string, ownerId: string | undefined, actorId: string | undefined): Promise<void> {
    await this.store.delete(favoriteKey(userId, imageId));
    const event = newEvent('favorite.removed', { ownerId: ownerId ?? (await this.ownerOf(imageId)), imageId, actorId }, { userId });
    const keys = [redisKeys.favoriteOf(userId), redisKeys.favorites(userId), redisKeys.events];
    await this.redis.eval(REMOVE, keys.length, ...keys, imageId, ...this.events.scriptArgs(event));
    await this.redis.srem(redisKeys.favoriters(imageId), userId);
  }

  /** Everyone's favorites of an image go (the image is erased). */
  async forgetImage(imageId: string, ownerId?: string): Promise<void> {
    for (const userId of await this.redis.smembers(redisKeys.favoriters(imageId))) await this.removeOne(userId, imageId, ownerId, undefined);
    await this.redis.del(redisKeys.favoriters(imageId));
  }

  /** How many users favorited the image, and whether this one did. */
  async state(imageId: string, userId: string | undefined): Promise<{ favoriteCount: number; favorited: boolean }> {
    const [count, mine] = await Promise.all([this.redis.scard(redisKeys.favoriters(imageId)), userId ? this.redis.sismember(redisKeys.favoriters(imageId), userId) : 0]);
    return { favoriteCount: count, favorited: mine === 1 };
  }

  /**
   * Indexes a favorite (after its write, with its event; or from storage by reindex, without);
   * returns the favorite id Redis holds.
   */
  async index(f: Favorite, event?: NewEvent): Promise<string> {
    const keys = [redisKeys.favoriteOf(f.userId), redisKeys.favorites(f.userId), redisKeys.events];
    const held = String(await this.redis.eval(ADD, keys.length, ...keys, f.imageId, f.favoriteId, ...this.events.scriptArgs(event)));
    await this.redis.sadd(redisKeys.favoriters(f.imageId), f.userId);
    return held;
  }

  private async ownerOf(imageId: string): Promise<string> {
    return (await this.redis.hget(redisKeys.image(imageId), 'ownerId')) ?? '';
  }

  private async put(f: Favorite): Promise<void> {
    await this.store.put(favoriteKey(f.userId, f.imageId), Buffer.from(JSON.stringify(f)), { contentType: 'application/json' });
  }
}

/** A listing member `<favorite id>:<image id>` split in two. */
export function splitMember(member: string): { favoriteId: string; imageId: string } {
  const at = member.indexOf(':');
  return { favoriteId: member.slice(0, at), imageId: member.slice(at + 1) };
}
