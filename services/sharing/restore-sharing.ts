import type { Logger } from '../core/logger.js';
import type { Redis } from 'ioredis';
import { storedKeys } from '../accounts/restore-accounts.js';
import { ALBUMS_PREFIX, COMMENTS_PREFIX, FAVORITES_PREFIX } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { AlbumStore, type Album } from './album-store.js';
import { Favorites, type Favorite } from './favorites.js';
import { Comments, type Comment } from './comments.js';

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
  await each(COMMENTS_PREFIX, async (json) => {
    await comments.index(json as Comment);
    out.comments++;
  });
  return out;
}
