import type { Logger } from '../core/logger.js';
import type { Redis } from 'ioredis';
import { storedKeys } from '../accounts/restore-accounts.js';
import { ALBUMS_PREFIX, COMMENTS_PREFIX, commentKey, FAVORITES_PREFIX, tombstoneKey } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { AlbumStore, type Album } from './album-store.js';
import { Favorites, type Favorite } from './favorites.js';
import { Comments, type Comment } from './comments.js';
import { isImageId } from '../core/ids.js';

export interface SharingRestored {
  albums: number;
  favorites: number;
  comments: number;
  unreadable: string[];
}

/** Rebuilds the Redis copy of albums, favorites and comments from their objects in storage (reindex, self-rebuild). */
export async function restoreSharing(deps: { store: ObjectStore; redis: Redis; logger: Logger }): Promise<SharingRestored> {
  const out: SharingRestored = { albums: 0, favorites: 0, comments: 0, unreadable: [] };
  const albums = new AlbumStore(deps.redis, deps.store);
  const favorites = new Favorites(deps.redis, deps.store);
  const comments = new Comments(deps.redis, deps.store);
  const each = async (prefix: string, fn: (json: unknown) => Promise<void>) => {
    for await (const keys of storedKeys(deps.store, prefix)) {
      await Promise.all(
        keys.map(async (key) => {
          try {
            await fn(JSON.parse((await deps.store.getBuffer(key)).toString('utf8')));
          } catch (err) {
            deps.logger.warn({ err, key }, 'album, favorite or comment object could not be restored');
            out.unreadable.push(key);
          }
        }),
      );
    }
  };
  await each(ALBUMS_PREFIX, async (json) => {
    await albums.index(json as Album);
    out.albums++;
  });
  await each(FAVORITES_PREFIX, async (json) => {
    await favorites.index(json as Favorite);
    out.favorites++;
  });
  // A comment written while its image was being erased outlives the erase's sweep of the prefix: the tombstone says it goes.
  const erased = new Map<string, Promise<boolean>>();
  const isErased = (imageId: string) => {
    let e = erased.get(imageId);
    if (!e) erased.set(imageId, (e = deps.store.head(tombstoneKey(imageId)).then((info) => info !== undefined)));
    return e;
  };
  await each(COMMENTS_PREFIX, async (json) => {
    const c = json as Comment;
    // A MULTI does not stop at a failing command: a malformed object must not be half indexed.
    if (!isImageId(String(c?.id)) || !isImageId(String(c?.imageId)) || typeof c.authorId !== 'string' || typeof c.body !== 'string' || Number.isNaN(Date.parse(String(c.createdAt)))) throw new Error('not a comment');
    if (await isErased(c.imageId)) {
      await deps.store.delete(commentKey(c.imageId, c.id));
      return;
    }
    await comments.index(c);
    out.comments++;
  });
  return out;
}
