import type { Redis } from 'ioredis';
import { decodeTime } from 'ulid';
import { newImageId } from '../core/ids.js';
import { newEvent } from '../events/event-payloads.js';
import { EventSink } from '../events/event-sink.js';
import type { NewEvent } from '../events/event-types.js';
import { OWNER_FIELDS } from '../images/record-hash.js';
import { manifestOrNothing } from '../images/manifest-store.js';
import { redisKeys, shardOf } from '../redis/keys.js';
import { runScript } from '../redis/scripts.js';
import { declareStep, stepKeys } from '../redis/steps.js';
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
 * A favorite relates a user's keys (`{u:<id>}`) and the image's (its shard): two steps, the
 * user's first (scripts/addFavorite-2, removeFavorite-2), then the image's favoriters with the
 * event (addFavoriter-2, removeFavoriter-2), each idempotent, storage written before both.
 */
export const favoriteSteps = {
  user: declareStep('favorite.user', 'script', (userId: string) => [redisKeys.favoriteOf(userId), redisKeys.favorites(userId)]),
  image: declareStep('favorite.image', 'script', (imageId: string) => [redisKeys.favoriters(imageId), redisKeys.events(shardOf(imageId))]),
};

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
    if (had) {
      // The image's side may have been cut short after the user's: completing it is idempotent.
      await this.indexImageSide(userId, imageId, newEvent('favorite.added', { ownerId: await this.ownerOf(imageId), imageId, actorId: userId }, { userId, favoriteId: had }));
      return { userId, imageId, favoriteId: had, favoritedAt: new Date(decodeTime(had)).toISOString() };
    }
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
    await runScript(this.redis, 'removeFavorite', stepKeys(favoriteSteps.user, userId), [imageId]);
    await runScript(this.redis, 'removeFavoriter', stepKeys(favoriteSteps.image, imageId), [userId, ...this.events.scriptArgs(event)]);
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
    const held = String(await runScript(this.redis, 'addFavorite', stepKeys(favoriteSteps.user, f.userId), [f.imageId, f.favoriteId]));
    // The event says which favorite holds (a concurrent add may have won).
    await this.indexImageSide(f.userId, f.imageId, event && { ...event, data: { ...event.data, favoriteId: held } });
    return held;
  }

  /** The image's side: its favoriters and, when the user was not among them yet, the event. */
  private async indexImageSide(userId: string, imageId: string, event: NewEvent | undefined): Promise<void> {
    await runScript(this.redis, 'addFavoriter', stepKeys(favoriteSteps.image, imageId), [userId, ...this.events.scriptArgs(event)]);
  }

  private async ownerOf(imageId: string): Promise<string> {
    // A cold image's record left Redis (images/cold-records.ts): its manifest names the owner.
    // The owner field in the compact layout, then in the one before it (images/record-hash.ts).
    const [owner, legacyOwner] = await this.redis.hmget(redisKeys.image(imageId), ...OWNER_FIELDS);
    return owner ?? legacyOwner ?? (await manifestOrNothing(this.store, imageId))?.ownerId ?? '';
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
