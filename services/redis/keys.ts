import { dedupKey } from '../core/dedup-key.js';
import { shaToB64 } from '../core/ids.js';
import { DEFAULT_SHARDS, MAX_SHARDS, MIN_SHARDS, shardOfDedup, shardOfImage, shardTag, userTag } from '../core/shards.js';

/**
 * Every Redis key the service uses, in one place, under one prefix so a shared Redis stays tidy.
 *
 * The keyspace runs unchanged on one Redis, Sentinel and Redis Cluster (docs/keyspace.md):
 * - an image's keys, its owner's listings in that shard, the dedup entries minted there, and
 *   the shard's streams carry the shard's hash tag `{s<n>}` (`shardOfImage(id)`), so every
 *   atomic step about one image is one slot;
 * - a user's own keys carry `{u:<id>}`;
 * - a few global keys (handles, the user list, API keys by id, locks, the index sentinel) are
 *   touched one at a time, never inside a step with another tag.
 * The slot test (slots.test.ts) checks every declared step over random ids.
 */
const P = 'imgsvc:';

let shards = DEFAULT_SHARDS;

/**
 * The process's shard count, set once at start-up from IMGSVC_REDIS_SHARDS (checked against
 * the count stored at install time, see keyspace-meta.ts). It is fixed for the life of an
 * install, so one process-wide value is what every key builder reads.
 */
export function setShardCount(n: number): void {
  if (!Number.isInteger(n) || n < MIN_SHARDS || n > MAX_SHARDS) throw new RangeError(`expected a shard count in ${MIN_SHARDS}..${MAX_SHARDS} but received ${n}`);
  shards = n;
}

export function shardCount(): number {
  return shards;
}

/** The shard of an image id (or of any id placed like one: albums). */
export function shardOf(id: string): number {
  return shardOfImage(id, shards);
}

/** The shard of one owner's dedup entry for some bytes; a new image for them is minted into it. */
export function dedupShard(dedupKey: string): number {
  return shardOfDedup(dedupKey, shards);
}

const S = (shard: number) => `${P}${shardTag(shard)}:`;
const I = (id: string) => S(shardOf(id));
const U = (userId: string) => `${P}${userTag(userId)}:`;

export const redisKeys = {
  // ── One shard's image-side keys: `imgsvc:{s<n>}:…` ──────────────────────────────────────
  image: (id: string) => `${I(id)}img:${id}`,
  /**
   * One shard's entry for some bytes (a small hash, listpack-encoded; the sha256 in base64url),
   * holding two kinds of field:
   * - `<owner id>` → image id: the owner's live image of these bytes (dedup), in the shard of
   *   the owner's dedup key (core/dedup-key.ts), where a new image of them is minted;
   * - `<image id>` → '': an image of this shard uses these bytes as its original (live or in
   *   the trash): an original is deleted only when no shard's entry has any field left.
   * For every image minted since sharding both are in the same hash (one key per upload, where
   * a string per dedup entry and a set per original cost 480 B), and the upload writes only the
   * dedup field: a live image's dedup field in its own shard is its reference as well. The
   * trash writes the reference field before it removes the dedup field; rebuilds write both.
   */
  bytes: (shard: number, sha256: string) => `${S(shard)}sha:${shaToB64(sha256)}`,
  /** The hash holding this owner's dedup field for these bytes (field: the owner id). */
  dedupEntry: (r: { ownerId: string; sha256: string }) => redisKeys.bytes(dedupShard(dedupKey(r)), r.sha256),
  /** One shard's image ids, score 0, ordered by member: ULIDs sort by time, so ZRANGEBYLEX paginates. */
  allImages: (shard: number) => `${S(shard)}images`,
  /** An owner's image ids in one shard, score 0, ordered by member (ULIDs sort by time); a listing merges the shards. */
  ownerImages: (shard: number, ownerId: string) => `${S(shard)}owner-images:${ownerId}`,
  /** The owner's public images in one shard: what a caller without a grant may list. */
  ownerPublic: (shard: number, ownerId: string) => `${S(shard)}owner-public:${ownerId}`,
  /** The owner's images with one (folded) tag, in one shard. */
  ownerTag: (shard: number, ownerId: string, foldedTag: string) => `${S(shard)}owner-tag:${ownerId}:${foldedTag}`,
  /** The owner's deleted images in one shard, until erased. */
  trash: (shard: number, ownerId: string) => `${S(shard)}trash:${ownerId}`,
  /** One shard's deleted images, scored by deletion time (ms), for the erase sweep. */
  trashByTime: (shard: number) => `${S(shard)}trash-by-time`,
  /** Images of one shard erased in the last minutes (scored by time): their analytics are deleted again, for events still buffered on some pod. */
  recentlyErased: (shard: number) => `${S(shard)}recently-erased`,
  /** Held for one manifest rewrite of one image. */
  recordLock: (id: string) => `${I(id)}locks:record:${id}`,
  /** One shard's resize jobs; one consumer group reads every shard. */
  resizeStream: (shard: number) => `${S(shard)}jobs:resize`,
  resizeDeadStream: (shard: number) => `${S(shard)}jobs:resize:dead`,
  /** image id → the stream id of its outstanding resize job (in its shard), so a sweep can tell a live job from a lost one. */
  resizeLive: (shard: number) => `${S(shard)}jobs:resize:live`,
  /** One shard's event stream (services/events/), trimmed by age; readers merge the shards. */
  events: (shard: number) => `${S(shard)}events`,
  /**
   * The generation of one shard's event stream: a random tag written once (by the first
   * `/v1/events` read that finds none). A wipe removes it with the stream, so a cursor made
   * before names a generation that is gone: the reader is told events were lost (410).
   */
  eventsEpoch: (shard: number) => `${S(shard)}events:epoch`,
  /** An album's JSON (the copy of `albums/<id>.json` in storage); an album is placed by its id like an image. */
  album: (id: string) => `${I(id)}album:${id}`,
  /** Held for one rewrite of one album. */
  albumLock: (id: string) => `${I(id)}locks:album:${id}`,
  /** The albums an image sits in, so erasing the image takes it out of each. */
  imageAlbums: (imageId: string) => `${I(imageId)}image-albums:${imageId}`,
  /** The users who favorited an image: its count and "did I". */
  favoriters: (imageId: string) => `${I(imageId)}favoriters:${imageId}`,
  /** An image's comment ids, score 0, ordered by member (ULIDs: oldest first reads forwards). */
  comments: (imageId: string) => `${I(imageId)}comments:${imageId}`,
  /** comment id → the comment's JSON (the copy of its object in storage). */
  commentBodies: (imageId: string) => `${I(imageId)}comment-bodies:${imageId}`,
  /** Who commented on an image, scored by the time (ms) of their first comment: the earlier commenters a new comment notifies. */
  commenters: (imageId: string) => `${I(imageId)}commenters:${imageId}`,

  // ── One user's keys: `imgsvc:{u:<id>}:…` ────────────────────────────────────────────────
  user: (id: string) => `${U(id)}user`,
  userKeys: (userId: string) => `${U(userId)}keys`,
  /** The user ids an owner granted access to all of their private images. */
  viewers: (ownerId: string) => `${U(ownerId)}viewers`,
  /** The owners who granted this user access: the reverse of `viewers` (written after it, idempotently). */
  viewing: (viewerId: string) => `${U(viewerId)}viewing`,
  /** An owner's album ids, score 0, ordered by member (ULIDs sort by time). */
  ownerAlbums: (ownerId: string) => `${U(ownerId)}albums`,
  /** A user's favorites, members `<favorite id>:<image id>` (the favorite id is a ULID of when), score 0. */
  favorites: (userId: string) => `${U(userId)}favorites`,
  /** image id → favorite id for a user's favorites: one favorite per user and image. */
  favoriteOf: (userId: string) => `${U(userId)}favorite-of`,
  /** A user's notifications, members their ids (ULIDs of the batch's first comment), score 0. */
  notifications: (userId: string) => `${U(userId)}notifs`,
  /** notification id → its JSON. */
  notificationData: (userId: string) => `${U(userId)}notif-data`,
  /** The user's unread notification ids. */
  notificationsUnread: (userId: string) => `${U(userId)}notif-unread`,
  /** image id → the id of the notification still collecting comments on it (its window may have closed). */
  notificationOpen: (userId: string) => `${U(userId)}notif-open`,
  /** Event ids already applied to this user's notifications, scored by event time: a redelivered event counts once. */
  notificationApplied: (userId: string) => `${U(userId)}notif-applied`,

  // ── Global keys, each touched alone (never in a step with another tag) ──────────────────
  handle: (handle: string) => `${P}handle:${handle}`,
  /** Every user id, score 0, ordered by member. */
  users: `${P}users`,
  /** An API key by id (the id is in the token, so a lookup needs no user); its user's `keys` set is written after it. */
  apiKey: (id: string) => `${P}apikey:${id}`,
  apiKeyUsed: (id: string) => `${P}apikey-used:${id}`,
  /** The bootstrap admin's user id: ownerless images from before accounts belong to it. */
  bootstrapAdmin: `${P}bootstrap-admin`,
  bootstrapLock: `${P}locks:bootstrap`,
  /** Erased images' tombstones are in storage; this lock keeps one erase sweep at a time. */
  eraseLock: `${P}locks:erase`,
  /** One full-resolution download at a time per user (or address): holder → lease token. */
  downloadLease: (holder: string) => `${P}dl:${holder}`,
  /** Pub/sub channel: cache invalidations every pod applies (records, keys, users, grants). */
  invalidations: `${P}invalidate`,
  rateLimitPrefix: `${P}rl`,
  /** Present while the resize consumer of that name is alive (short TTL, renewed): its absence lets others take its jobs at once. */
  resizeConsumerAlive: (consumer: string) => `${P}jobs:resize:alive:${consumer}`,
  repairLock: `${P}locks:repair`,
  /**
   * Written when the index is complete (built from the manifests, or found empty with no
   * manifests). Its absence while manifests exist means Redis lost the index.
   */
  indexBuilt: `${P}index:built`,
  reindexLock: `${P}locks:reindex`,
  /** The shard count this keyspace was built with (keyspace-meta.ts): a changed count is refused at start-up. */
  keyspaceMeta: `${P}keyspace`,

  /**
   * The search index (services/search/): per visibility scope (`pub`, or `priv:<ownerId>` for
   * one owner's private images), the ids (score 0, ordered by member) of live images with one
   * folded token, or with one folded tag when the term starts with '#'.
   */
  searchTerm: (scope: string, term: string) => `${P}search:${scope}:t:${term}`,
  /** A scope's tokens (score 0, ordered by member), for expanding a prefix. */
  searchVocab: (scope: string) => `${P}search:${scope}:vocab`,
  /** One query's intermediate results; expire on their own if the query's process dies. */
  searchTemp: (queryId: string, n: number) => `${P}search:tmp:${queryId}:${n}`,
} as const;
