import type { Redis } from 'ioredis';
import { conflict } from '../core/errors.js';
import { isImageId, newImageId } from '../core/ids.js';
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
  ) {}

  async create(ownerId: string, fields: { title: string; description?: string | undefined }, now = new Date()): Promise<Album> {
    const at = now.toISOString();
    const album: Album = { id: newImageId(now.getTime()), ownerId, title: fields.title, ...(fields.description ? { description: fields.description } : {}), imageIds: [], createdAt: at, updatedAt: at };
    await this.write(album);
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
  async update(id: string, change: (current: Album) => Album): Promise<Album> {
    return withShortLock(this.redis, redisKeys.albumLock(id), async () => {
      const current = await this.read(id);
      if (!current) throw conflict('album_gone', `the album ${id} was deleted meanwhile`);
      const changed = change(current);
      if (changed === current) return current; // nothing to write (an item added again)
      const next = { ...changed, id: current.id, ownerId: current.ownerId };
      if (next.imageIds.length > MAX_ALBUM_ITEMS) throw conflict('album_full', `an album holds at most ${MAX_ALBUM_ITEMS} images`);
      await this.write(next, current);
      return next;
    });
  }

  async delete(album: Album): Promise<void> {
    await withShortLock(this.redis, redisKeys.albumLock(album.id), async () => {
      const current = (await this.read(album.id)) ?? album;
      await this.store.delete(albumKey(album.id));
      const tx = this.redis.multi().del(redisKeys.album(album.id)).zrem(redisKeys.ownerAlbums(album.ownerId), album.id);
      for (const imageId of current.imageIds) tx.srem(redisKeys.imageAlbums(imageId), album.id);
      await tx.exec();
    });
  }

  /** Ids of the albums an image sits in. */
  async albumsOf(imageId: string): Promise<string[]> {
    return this.redis.smembers(redisKeys.imageAlbums(imageId));
  }

  /** Puts an album's copy into Redis (after a write, or from storage by reindex). */
  async index(album: Album, previous?: Album): Promise<void> {
    const tx = this.redis.multi().set(redisKeys.album(album.id), JSON.stringify(album)).zadd(redisKeys.ownerAlbums(album.ownerId), 0, album.id);
    const kept = new Set(album.imageIds);
    for (const imageId of previous?.imageIds ?? []) if (!kept.has(imageId)) tx.srem(redisKeys.imageAlbums(imageId), album.id);
    for (const imageId of album.imageIds) tx.sadd(redisKeys.imageAlbums(imageId), album.id);
    await tx.exec();
  }

  private async write(album: Album, previous?: Album): Promise<void> {
    await this.store.put(albumKey(album.id), Buffer.from(JSON.stringify(album)), { contentType: 'application/json' });
    await this.index(album, previous);
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
