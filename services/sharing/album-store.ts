import type { Redis } from 'ioredis';
import { readJsonObject } from '../storage/read-json.js';
import { conflict } from '../core/errors.js';
import { isImageId, newImageId } from '../core/ids.js';
import type { Album } from './album.js';
import { albumDeleted, albumUpdated } from './album-events.js';
import { EventSink } from '../events/event-sink.js';
import type { NewEvent } from '../events/event-types.js';
import { redisKeys, shardOf } from '../redis/keys.js';
import { SlotBatch } from '../redis/slot-pipeline.js';
import { declareStep, stepKeys } from '../redis/steps.js';
import { withShortLock } from '../redis/short-lock.js';
import { albumKey } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';

export type { Album };

/** An album object stays small (about 30 bytes an item), so every edit can rewrite it whole. */
export const MAX_ALBUM_ITEMS = 1_000;

/** An album's copy and its events: one step in the album's shard (albums are placed by id like images). */
export const albumSteps = {
  write: declareStep('album.write', 'multi', (albumId: string) => [redisKeys.album(albumId), redisKeys.events(shardOf(albumId))]),
};

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
    await this.write(album, undefined, albumUpdated(album, undefined, actorId));
    return album;
  }

  /** The album, from Redis, else from storage (Redis lost it): then it is indexed again. */
  async get(id: string): Promise<Album | undefined> {
    if (!isImageId(id)) return undefined;
    const copy = await this.copy(id);
    if (copy) return copy;
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
      // A stored album ahead of its Redis copy is a write whose Redis step (and so its event)
      // never ran (a pod killed between the two): it stands, so it is reported first, and the
      // image sets are diffed against what Redis holds.
      const copy = await this.copy(id);
      const behind = copy !== undefined && (copy.revision ?? 1) < (current.revision ?? 1);
      await this.write(next, behind ? copy : current, [...(behind ? albumUpdated(current, copy) : []), ...albumUpdated(next, current, actorId)]);
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
      const tx = this.redis.multi().del(...stepKeys(albumSteps.write, album.id).slice(0, 1));
      if (indexed) this.events.queue(tx, [albumDeleted(current, actorId)]);
      await tx.exec();
      // Then the owner's list and the images' album sets: other tags, idempotent steps.
      await this.redis.zrem(redisKeys.ownerAlbums(album.ownerId), album.id);
      const batch = new SlotBatch(this.redis);
      for (const imageId of current.imageIds) batch.on(redisKeys.imageAlbums(imageId)).srem(redisKeys.imageAlbums(imageId), album.id);
      await batch.exec();
    });
  }

  /** Ids of the albums an image sits in. */
  async albumsOf(imageId: string): Promise<string[]> {
    return this.redis.smembers(redisKeys.imageAlbums(imageId));
  }

  /** Puts an album's copy into Redis (after a write, with the events it reports; or from storage by reindex). */
  async index(album: Album, previous?: Album, events: readonly NewEvent[] = []): Promise<void> {
    // The album's copy and its events: one step in the album's shard (placed by its id).
    const [key] = stepKeys(albumSteps.write, album.id);
    const tx = this.redis.multi().set(key!, JSON.stringify(album));
    this.events.queue(tx, events);
    await tx.exec();
    // Then the owner's list (the owner's tag) and each image's album set (the image's shard):
    // idempotent steps that a retry or the rebuild from storage completes.
    await this.redis.zadd(redisKeys.ownerAlbums(album.ownerId), 0, album.id);
    const batch = new SlotBatch(this.redis);
    const kept = new Set(album.imageIds);
    for (const imageId of previous?.imageIds ?? []) if (!kept.has(imageId)) batch.on(redisKeys.imageAlbums(imageId)).srem(redisKeys.imageAlbums(imageId), album.id);
    for (const imageId of album.imageIds) batch.on(redisKeys.imageAlbums(imageId)).sadd(redisKeys.imageAlbums(imageId), album.id);
    if (batch.size > 0) await batch.exec();
  }

  /** Storage first (the truth), then Redis' copy with `events`; `indexed`: what Redis holds now. */
  private async write(album: Album, indexed: Album | undefined, events: readonly NewEvent[]): Promise<void> {
    await this.store.put(albumKey(album.id), Buffer.from(JSON.stringify(album)), { contentType: 'application/json' });
    await this.index(album, indexed, events);
  }

  /** The album's copy in Redis (what its listings and image sets reflect). */
  private async copy(id: string): Promise<Album | undefined> {
    const json = await this.redis.get(redisKeys.album(id));
    return json ? (JSON.parse(json) as Album) : undefined;
  }

  private async read(id: string): Promise<Album | undefined> {
    return readJsonObject<Album>(this.store, albumKey(id));
  }
}
