/**
 * The key shapes before the sharded keyspace (up to issue 20), kept for two uses only: the
 * upgrade removes them once the new keyspace is rebuilt from storage (keyspace-upgrade.ts), and
 * the slot test shows that its check flags the steps of that layout. Nothing writes them.
 */
const P = 'imgsvc:';

export const legacyKeys = {
  image: (id: string) => `${P}img:${id}`,
  shaRefs: (sha256: string) => `${P}sharefs:${sha256}`,
  ownerImages: (ownerId: string) => `${P}owner-images:${ownerId}`,
  ownerPublic: (ownerId: string) => `${P}owner-public:${ownerId}`,
  ownerTag: (ownerId: string, foldedTag: string) => `${P}owner-tag:${ownerId}:${foldedTag}`,
  trash: (ownerId: string) => `${P}trash:${ownerId}`,
  trashByTime: `${P}trash-by-time`,
  user: (id: string) => `${P}user:${id}`,
  handle: (handle: string) => `${P}handle:${handle}`,
  users: `${P}users`,
  apiKey: (id: string) => `${P}apikey:${id}`,
  userKeys: (userId: string) => `${P}user-keys:${userId}`,
  viewers: (ownerId: string) => `${P}viewers:${ownerId}`,
  viewing: (viewerId: string) => `${P}viewing:${viewerId}`,
  byDedupKey: (key: string) => `${P}sha:${key}`,
  allImages: `${P}images`,
  resizeStream: `${P}jobs:resize`,
  resizeDeadStream: `${P}jobs:resize:dead`,
  resizeLive: `${P}jobs:resize:live`,
  album: (id: string) => `${P}album:{${id}}`,
  ownerAlbums: (ownerId: string) => `${P}owner-albums:${ownerId}`,
  imageAlbums: (imageId: string) => `${P}image-albums:{${imageId}}`,
  favorites: (userId: string) => `${P}favorites:{${userId}}`,
  favoriteOf: (userId: string) => `${P}favorite-of:{${userId}}`,
  favoriters: (imageId: string) => `${P}favoriters:{${imageId}}`,
  comments: (imageId: string) => `${P}comments:{${imageId}}`,
  commentBodies: (imageId: string) => `${P}comment-bodies:{${imageId}}`,
  events: `${P}events`,
  topHour: (hour: string, by: string) => `${P}top:h:${hour}:${by}`,
} as const;

/**
 * Patterns matching every key of the old layout that the new one does not reuse: the upgrade
 * deletes what they match (SCAN on every node), after the rebuild. Keys the two layouts share
 * (handles, the user list, API keys by id, locks, rate limits, the index sentinel, webhook and
 * search keys, owned elsewhere) are not listed. Analytics under the old shapes go too: they are
 * the one thing allowed to be lost with Redis, and their new keys start empty.
 */
export const LEGACY_PATTERNS = [
  `${P}img:*`,
  `${P}sharefs:*`,
  `${P}owner-images:*`,
  `${P}owner-public:*`,
  `${P}owner-tag:*`,
  `${P}trash:*`,
  `${P}trash-by-time`,
  `${P}recently-erased`,
  `${P}user:*`,
  `${P}user-keys:*`,
  `${P}viewers:*`,
  `${P}viewing:*`,
  `${P}sha:*`,
  `${P}images`,
  `${P}jobs:resize`,
  `${P}jobs:resize:dead`,
  `${P}jobs:resize:live`,
  `${P}locks:record:*`,
  `${P}locks:album:*`,
  `${P}album:*`,
  `${P}owner-albums:*`,
  `${P}image-albums:*`,
  `${P}favorites:*`,
  `${P}favorite-of:*`,
  `${P}favoriters:*`,
  `${P}comments:*`,
  `${P}comment-bodies:*`,
  `${P}commenters:*`,
  `${P}notifs:*`,
  `${P}notif-data:*`,
  `${P}notif-unread:*`,
  `${P}notif-open:*`,
  `${P}notif-applied:*`,
  `${P}events`,
  // Today's analytics keys share these prefixes but tag the id (`stats:img:{<id>}`): the old,
  // untagged shapes only, or an upgrade would wipe views counted since the new layout started.
  `${P}stats:img:[^{]*`,
  `${P}hll:img:[^{]*`,
  `${P}top:h:*`,
] as const;
