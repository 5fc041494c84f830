import type { Redis } from 'ioredis';
import type { Principal } from '../accounts/principal.js';
import { hasScope } from '../accounts/scopes.js';
import type { ViewerGrants } from '../accounts/viewer-grants.js';
import { redisKeys, shardOf } from '../redis/keys.js';
import { AppError, badRequest, notFound } from '../core/errors.js';
import { isImageId } from '../core/ids.js';
import type { Album, AlbumStore } from '../sharing/album-store.js';
import { check } from './permissions.js';
import type { ImageGuard } from './image-guard.js';

/**
 * The one place routes ask whether a caller may see or change an album. An album's visibility
 * follows its items (see `decideAlbumView`); whether the caller sees an item is asked of the
 * image guard, one item at a time, stopping at the first, and only when the answer matters.
 */
export class AlbumGuard {
  constructor(
    private readonly albums: AlbumStore,
    private readonly images: ImageGuard,
    /** With these, whether a caller sees an item is one membership query, whatever the album's size. */
    private readonly listings?: { redis: Redis; grants: ViewerGrants; indexIntact: () => Promise<boolean> },
  ) {}

  async view(principal: Principal, id: unknown): Promise<Album> {
    const album = await this.load(id);
    if (check('album.view', principal, { album, seesAnItem: false }) === 'allow') return album;
    if (check('album.view', principal, { album, seesAnItem: await this.seesAnItem(principal, album) }) !== 'allow') throw hiddenAlbum(album.id);
    return album;
  }

  async manage(principal: Principal, id: unknown): Promise<Album> {
    const album = await this.load(id);
    if (check('album.manage', principal, { album, seesAnItem: false }) === 'allow') return album;
    const decision = check('album.manage', principal, { album, seesAnItem: await this.seesAnItem(principal, album) });
    if (decision === 'forbidden') throw new AppError(403, 'not_owner', 'only the owner of this album or an admin may do this');
    throw hiddenAlbum(album.id);
  }

  /** Whether the caller may see this album (for listings). */
  async canView(principal: Principal, album: Album): Promise<boolean> {
    return (
      check('album.view', principal, { album, seesAnItem: false }) === 'allow' ||
      check('album.view', principal, { album, seesAnItem: await this.seesAnItem(principal, album) }) === 'allow'
    );
  }

  /** Whether an album found in `ownerId`'s album listing is theirs (a stale member is not) and the caller may see it. */
  async canViewListed(principal: Principal, album: Album, ownerId: string): Promise<boolean> {
    return album.ownerId === ownerId && this.canView(principal, album);
  }

  /**
   * An album holds only its owner's own images, and another user sees all of an owner's
   * private images or none (a grant). So a caller sees an item exactly when one of the album's
   * ids is in the owner's live listing (granted) or public listing (anyone else): one ZMSCORE,
   * the same work for a stranger whether the album is private or holds thousands of images,
   * rather than one record lookup per hidden item.
   */
  private async seesAnItem(principal: Principal, album: Album): Promise<boolean> {
    if (album.imageIds.length === 0) return false;
    if (!this.listings) {
      for (const imageId of album.imageIds) if (await this.images.visible(principal, imageId)) return true;
      return false;
    }
    const reader = principal.kind === 'user' && hasScope(principal.scopes, 'images:read') ? principal : undefined;
    const granted = reader ? await this.listings.grants.isGranted(album.ownerId, reader.userId) : false;
    // The owner's listings have one set per shard: one ZMSCORE per shard the album's items sit in.
    const byShard = new Map<number, string[]>();
    for (const imageId of album.imageIds) {
      const shard = shardOf(imageId);
      byShard.set(shard, [...(byShard.get(shard) ?? []), imageId]);
    }
    const redis = this.listings.redis;
    const scores = await Promise.all(
      [...byShard].map(([shard, ids]) => redis.zmscore(granted ? redisKeys.ownerImages(shard, album.ownerId) : redisKeys.ownerPublic(shard, album.ownerId), ...ids)),
    );
    if (scores.flat().some((s) => s !== null)) return true;
    // Listings are Redis's alone; after a wipe, until the rebuild, the records in storage decide.
    if (await this.listings.indexIntact()) return false;
    for (const imageId of album.imageIds) if (await this.images.visible(principal, imageId)) return true;
    return false;
  }

  private async load(id: unknown): Promise<Album> {
    const text = typeof id === 'string' ? id : '';
    if (!isImageId(text)) throw badRequest('invalid_id', `expected a 26-character album id but received ${JSON.stringify(text)}`);
    const album = await this.albums.get(text);
    if (!album) throw hiddenAlbum(text);
    return album;
  }
}

export function hiddenAlbum(id: string): AppError {
  return notFound('album_not_found', `no album with id ${id}`);
}
