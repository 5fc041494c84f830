/** Every Redis key the service uses, in one place, under one prefix so a shared Redis stays tidy. */
const P = 'imgsvc:';

export const redisKeys = {
  image: (id: string) => `${P}img:${id}`,
  /** Every image id whose original is these bytes, across owners: an original is deleted only when this is empty. */
  shaRefs: (sha256: string) => `${P}sharefs:${sha256}`,
  /** An owner's image ids, score 0, ordered by member (ULIDs sort by time). */
  ownerImages: (ownerId: string) => `${P}owner-images:${ownerId}`,
  /** The owner's public images: what a caller without a grant may list. */
  ownerPublic: (ownerId: string) => `${P}owner-public:${ownerId}`,
  /** The owner's images with one (folded) tag. */
  ownerTag: (ownerId: string, foldedTag: string) => `${P}owner-tag:${ownerId}:${foldedTag}`,
  /** The owner's deleted images, until erased. */
  trash: (ownerId: string) => `${P}trash:${ownerId}`,
  /** Every deleted image, scored by deletion time (ms), for the erase sweep. */
  trashByTime: `${P}trash-by-time`,
  /** Erased images' tombstones are in storage; this lock keeps one erase sweep at a time. */
  eraseLock: `${P}locks:erase`,
  /** Images erased in the last minutes (scored by time): their analytics are deleted again, for events still buffered on some pod. */
  recentlyErased: `${P}recently-erased`,
  /** One full-resolution download at a time per user (or address): holder → lease token. */
  downloadLease: (holder: string) => `${P}dl:${holder}`,
  user: (id: string) => `${P}user:${id}`,
  handle: (handle: string) => `${P}handle:${handle}`,
  /** Every user id, score 0, ordered by member. */
  users: `${P}users`,
  apiKey: (id: string) => `${P}apikey:${id}`,
  apiKeyUsed: (id: string) => `${P}apikey-used:${id}`,
  userKeys: (userId: string) => `${P}user-keys:${userId}`,
  /** The user ids an owner granted access to all of their private images. */
  viewers: (ownerId: string) => `${P}viewers:${ownerId}`,
  /** The owners who granted this user access: the reverse of `viewers`. */
  viewing: (viewerId: string) => `${P}viewing:${viewerId}`,
  /** The bootstrap admin's user id: ownerless images from before accounts belong to it. */
  bootstrapAdmin: `${P}bootstrap-admin`,
  bootstrapLock: `${P}locks:bootstrap`,
  /** Pub/sub channel: cache invalidations every pod applies (records, keys, users, grants). */
  invalidations: `${P}invalidate`,
  rateLimitPrefix: `${P}rl`,
  /** dedup key (see images/dedup-key.ts) → image id; the key text predates the name, so existing data stays valid. */
  byDedupKey: (key: string) => `${P}sha:${key}`,
  /** All image ids, score 0, ordered by member: ULIDs sort by time, so ZRANGEBYLEX paginates. */
  allImages: `${P}images`,
  resizeStream: `${P}jobs:resize`,
  resizeDeadStream: `${P}jobs:resize:dead`,
  /** image id → the stream id of its outstanding resize job, so a sweep can tell a live job from a lost one. */
  resizeLive: `${P}jobs:resize:live`,
  /** Present while the resize consumer of that name is alive (short TTL, renewed): its absence lets others take its jobs at once. */
  resizeConsumerAlive: (consumer: string) => `${P}jobs:resize:alive:${consumer}`,
  repairLock: `${P}locks:repair`,
  /** Held for one manifest rewrite of one image. */
  recordLock: (id: string) => `${P}locks:record:{${id}}`,
  /**
   * Written when the index is complete (built from the manifests, or found empty with no
   * manifests). Its absence while manifests exist means Redis lost the index.
   */
  indexBuilt: `${P}index:built`,
  reindexLock: `${P}locks:reindex`,
  /** An album's JSON (the copy of `albums/<id>.json` in storage). */
  album: (id: string) => `${P}album:{${id}}`,
  /** Held for one rewrite of one album. */
  albumLock: (id: string) => `${P}locks:album:{${id}}`,
  /** An owner's album ids, score 0, ordered by member (ULIDs sort by time). */
  ownerAlbums: (ownerId: string) => `${P}owner-albums:${ownerId}`,
  /** The albums an image sits in, so erasing the image takes it out of each. */
  imageAlbums: (imageId: string) => `${P}image-albums:{${imageId}}`,
  /** A user's favorites, members `<favorite id>:<image id>` (the favorite id is a ULID of when), score 0. */
  favorites: (userId: string) => `${P}favorites:{${userId}}`,
  /** image id → favorite id for a user's favorites: one favorite per user and image. */
  favoriteOf: (userId: string) => `${P}favorite-of:{${userId}}`,
  /** The users who favorited an image: its count and "did I". */
  favoriters: (imageId: string) => `${P}favoriters:{${imageId}}`,
  /** An image's comment ids, score 0, ordered by member (ULIDs: oldest first reads forwards). */
  comments: (imageId: string) => `${P}comments:{${imageId}}`,
  /** comment id → the comment's JSON (the copy of its object in storage). */
  commentBodies: (imageId: string) => `${P}comment-bodies:{${imageId}}`,
  /** Who commented on an image, scored by the time (ms) of their first comment: the earlier commenters a new comment notifies. */
  commenters: (imageId: string) => `${P}commenters:{${imageId}}`,
  /** A user's notifications, members their ids (ULIDs of the batch's first comment), score 0. */
  notifications: (userId: string) => `${P}notifs:{${userId}}`,
  /** notification id → its JSON. */
  notificationData: (userId: string) => `${P}notif-data:{${userId}}`,
  /** The user's unread notification ids. */
  notificationsUnread: (userId: string) => `${P}notif-unread:{${userId}}`,
  /** image id → the id of the notification still collecting comments on it (its window may have closed). */
  notificationOpen: (userId: string) => `${P}notif-open:{${userId}}`,
  /** Event ids already applied to this user's notifications, scored by event time: a redelivered event counts once. */
  notificationApplied: (userId: string) => `${P}notif-applied:{${userId}}`,
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
  /** The event stream other services follow (services/events/): one stream, trimmed by age. */
  events: `${P}events`,
  /** A webhook endpoint's JSON (the copy of `webhooks/<id>.json` in storage). Tagged `{webhooks}`, see below. */
  webhook: (id: string) => `${P}{webhooks}:endpoint:${id}`,
  /** Every webhook endpoint id, score 0 (ULIDs sort by time). */
  webhooks: `${P}{webhooks}:endpoints`,
  /** An owner's endpoint ids, score 0. */
  ownerWebhooks: (ownerId: string) => `${P}{webhooks}:owner:${ownerId}`,
  /** Admins' endpoints, which receive every event. */
  allScopeWebhooks: `${P}{webhooks}:all-scope`,
  /**
   * Webhook keys share one hash tag: the scripts and transactions that schedule, claim and retry
   * touch a delivery, the due set and the listings at once, and an endpoint's copy moves with its
   * indexes. One slot holds webhook bookkeeping only (endpoints are few), not the events.
   */
  webhookDelivery: (deliveryId: string) => `${P}{webhooks}:delivery:${deliveryId}`,
  /** Delivery ids by the time (ms) they are next due; a claimed one is pushed a lease ahead. */
  webhookDue: `${P}{webhooks}:due`,
  /** An endpoint's deliveries (score 0, ids sort by event time), all of them or those of one status. */
  webhookDeliveries: (endpointId: string, status?: string) => `${P}{webhooks}:deliveries:${endpointId}${status ? `:${status}` : ''}`,
} as const;
