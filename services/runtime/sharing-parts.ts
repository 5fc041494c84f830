import type { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import type { EventSink } from '../events/event-sink.js';
import type { ObjectStore } from '../storage/object-store.js';
import { AlbumStore } from '../sharing/album-store.js';
import { Comments } from '../sharing/comments.js';
import { DownloadLeases } from '../origin/download-leases.js';
import { Favorites } from '../sharing/favorites.js';
import { notificationsFor, type Notifications } from '../sharing/notifications.js';

/** The sharing stores one process uses, built once: the routes, the notification feed and the `/i/` path share them. */
export interface SharingParts {
  readonly albums: AlbumStore;
  readonly comments: Comments;
  readonly favorites: Favorites;
  readonly notifications: Notifications;
  /** Full-resolution streams, one at a time per user: `/i/` and the download route take from the same leases. */
  readonly leases: DownloadLeases;
}

export function composeSharing(deps: { redis: Redis; store: ObjectStore; events: EventSink; config: Pick<Config, 'notificationWindowSeconds' | 'fullResolutionStreams'> }): SharingParts {
  const { redis, store, events, config } = deps;
  return {
    albums: new AlbumStore(redis, store, events),
    comments: new Comments(redis, store, events),
    favorites: new Favorites(redis, store, events),
    notifications: notificationsFor(redis, config),
    leases: new DownloadLeases(redis, config.fullResolutionStreams),
  };
}
