import type { Redis } from 'ioredis';
import { conflict } from '../core/errors.js';
import { isImageId, newImageId } from '../core/ids.js';
import { albumDeleted, albumUpdated } from '../events/album-events.js';
import { EventSink } from '../events/event-sink.js';
import type { NewEvent } from '../events/event-types.js';
import { redisKeys } from '../redis/keys.js';
import { withShortLock } from '../redis/short-lock.js';
import { albumKey } from '../storage/keys.js';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store.js';

export interface Album {
  id: string;
  ownerId: string;
  title: string;
  description?: string;
  coverImageId?: string;
  /** The items, in album order. */
  imageIds: string[];
  createdAt: string;
  updatedAt: string;
  /** Counts every write (1 when created; absent in albums written before events): orders album events. */
  revision?: number;
}

/** An album object stays small (about 30 bytes an item), so every edit can rewrite it whole. */
export const MAX_ALBUM_ITEMS = 1_000;

/**
 * Albums: one JSON object each in storage (the truth, written first) and its copy in Redis with
 * the owner's sorted set of album ids and, per image, the set of albums it sits in. Every edit
 * is a read-modify-write of the one object under the album's short lock, so two edits of one
 * album never lose each other; edits of different albums never wait on each other.
 */
export class AlbumStore {
  constructor(
    private readonly redis: Redis,
    private readonly store: ObjectStore,
    private readonly events: EventSink = new EventSink(),
  ) {}

  async create(ownerId: string, fields: { title: string; description?: string | undefined }, now = new Date(), actorId?: string): Promise<Album> {
    const at = now.toISOString();
    const album: Album = { id: newImageId(now.getTime()), ownerId, title: fields.title, ...(fields.description ? { description: fields.description } : {}), imageIds: [], createdAt: at, updatedAt: at, revision: 1 };
    await this.write(album, undefined, actorId);
    return album;
  }

  /** The album, from Redis, else from storage (Redis lost it): then it is indexed again. */
  async get(id: string): Promise<Album | undefined> {
    if (!isImageId(id)) return undefined;
    const json = await this.redis.get(redisKeys.album(id));
    if (json) return JSON.parse(json) as Album;
    const stored = await this.read(id);
    if (stored) await this.index(stored);
    return stored;
  }

  /** Changes an album under its lock; `change` sees the stored truth and returns the new album (or the same one: no write). */
  async update(id: string, change: (current: Album) => Album, actorId?: string): Promise<Album> {
    return withShortLock(this.redis, redisKeys.albumLock(id), async () => {
      const current = await this.read(id);
      if (!current) throw conflict('album_gone', `the album ${id} was deleted meanwhile`);
      const changed = change(current);
      if (changed === current) return current; // nothing to write (an item added again)
      const next = { ...changed, id: current.id, ownerId: current.ownerId, revision: (current.revision ?? 1) + 1 };
      if (next.imageIds.length > MAX_ALBUM_ITEMS) throw conflict('album_full', `an album holds at most ${MAX_ALBUM_ITEMS} images`);
      await this.write(next, current, actorId);
      return next;
    });
  }

  async delete(album: Album, actorId?: string): Promise<void> {
    await withShortLock(this.redis, redisKeys.albumLock(album.id), async () => {
      const current = (await this.read(album.id)) ?? album;
      // Reported once: by the delete that removes the Redis copy (a retry after a crash between
      // the two writes still finds it and reports; one after the MULTI finds none).
      const indexed = (await this.redis.exists(redisKeys.album(album.id))) === 1;
      await this.store.delete(albumKey(album.id));
      const tx = this.redis.multi().del(redisKeys.album(album.id)).zrem(redisKeys.ownerAlbums(album.ownerId), album.id);
      for (const imageId of current.imageIds) tx.srem(redisKeys.imageAlbums(imageId), album.id);
      if (indexed) this.events.queue(tx, [albumDeleted(current, actorId)]);
      await tx.exec();
    });
  }

  /** Ids of the albums an image sits in. */
  async albumsOf(imageId: string): Promise<string[]> {
    return this.redis.smembers(redisKeys.imageAlbums(imageId));
  }

  /** Puts an album's copy into Redis (after a write, with the events it reports; or from storage by reindex). */
  async index(album: Album, previous?: Album, events: readonly NewEvent[] = []): Promise<void> {
    const tx = this.redis.multi().set(redisKeys.album(album.id), JSON.stringify(album)).zadd(redisKeys.ownerAlbums(album.ownerId), 0, album.id);
    const kept = new Set(album.imageIds);
    for (const imageId of previous?.imageIds ?? []) if (!kept.has(imageId)) tx.srem(redisKeys.imageAlbums(imageId), album.id);
    for (const imageId of album.imageIds) tx.sadd(redisKeys.imageAlbums(imageId), album.id);
    this.events.queue(tx, events);
    await tx.exec();
  }

  private async write(album: Album, previous: Album | undefined, actorId: string | undefined): Promise<void> {
    await this.store.put(albumKey(album.id), Buffer.from(JSON.stringify(album)), { contentType: 'application/json' });
    await this.index(album, previous, albumUpdated(album, previous, actorId));
  }

  private async read(id: string): Promise<Album | undefined> {
    try {
      return JSON.parse((await this.store.getBuffer(albumKey(id))).toString('utf8')) as Album;
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    }
  }
}
