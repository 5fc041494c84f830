/** Object keys, derived from content hashes and ids only (see DESIGN.md, "Storage layout"). */
export const originalKey = (sha256: string): string => `originals/${sha256.slice(0, 2)}/${sha256}`;

export const manifestKey = (imageId: string): string => `manifests/${imageId}.json`;

export const variantKey = (sha256: string, variant: string, ext: string): string =>
  `variants/${sha256.slice(0, 2)}/${sha256}/${variant}.${ext}`;

/**
 * An on-demand variant made for one owner's image. Originals are shared across owners with the
 * same bytes, but what one owner's viewers asked for must not tell another owner anything
 * (a hit from memory or storage where a transform was expected), so on-demand variants are
 * kept per owner; the eager ones every upload makes anyway stay shared.
 */
export const ownerVariantKey = (sha256: string, ownerId: string, variant: string, ext: string): string =>
  `variants/${sha256.slice(0, 2)}/${sha256}/o-${ownerId}/${variant}.${ext}`;
export const ownerVariantPrefix = (sha256: string, ownerId: string): string => `variants/${sha256.slice(0, 2)}/${sha256}/o-${ownerId}/`;

export const MANIFEST_PREFIX = 'manifests/';

/** Accounts live in storage too (the truth); Redis holds their index. */
export const userKey = (userId: string): string => `accounts/users/${userId}.json`;
export const apiKeyObjectKey = (keyId: string): string => `accounts/keys/${keyId}.json`;
/** One object per grant, so granting and revoking are single idempotent writes with no read-modify-write. */
export const grantKey = (ownerId: string, viewerId: string): string => `accounts/viewers/${ownerId}/${viewerId}.json`;
export const bootstrapKey = 'accounts/bootstrap.json';
export const USERS_PREFIX = 'accounts/users/';
export const API_KEYS_PREFIX = 'accounts/keys/';
export const GRANTS_PREFIX = 'accounts/viewers/';

/** What remains of an erased image: who owned it and when it was deleted and erased. */
export const tombstoneKey = (imageId: string): string => `tombstones/${imageId}.json`;
export const variantPrefix = (sha256: string): string => `variants/${sha256.slice(0, 2)}/${sha256}/`;

/** One object per album (its items and their order inside): every album edit rewrites this one object under the album's lock. */
export const albumKey = (albumId: string): string => `albums/${albumId}.json`;
export const ALBUMS_PREFIX = 'albums/';
/** One object per favorite, so favoriting and unfavoriting are single idempotent writes with no read-modify-write. */
export const favoriteKey = (userId: string, imageId: string): string => `favorites/${userId}/${imageId}.json`;
export const FAVORITES_PREFIX = 'favorites/';
/** One object per comment, under its image: a comment is one put, a deletion one delete, and erasing an image deletes the prefix. */
export const commentKey = (imageId: string, commentId: string): string => `comments/${imageId}/${commentId}.json`;
export const commentPrefix = (imageId: string): string => `comments/${imageId}/`;
export const COMMENTS_PREFIX = 'comments/';
/** A comment's idempotency marker: the comment id one author's `Idempotency-Key` named (the key itself is hashed, with the author). */
export const commentKeyMarker = (imageId: string, hash: string): string => `comment-keys/${imageId}/${hash}.json`;
export const commentKeyMarkerPrefix = (imageId: string): string => `comment-keys/${imageId}/`;
/** One object per webhook endpoint (its signing secrets sealed inside): the truth the Redis copy is rebuilt from. */
export const webhookKey = (endpointId: string): string => `webhooks/${endpointId}.json`;
export const WEBHOOKS_PREFIX = 'webhooks/';
/** A user's password hash (scrypt), apart from the user object that every pod caches. */
export const passwordKey = (userId: string): string => `accounts/passwords/${userId}.json`;
/** The user's one outstanding set-password link (its token hashed); a new link replaces it. */
export const passwordLinkKey = (userId: string): string => `accounts/password-links/${userId}.json`;

/**
 * One empty object per image naming its original: `refs/<sha[0..2]>/<sha256>/<owner>/<image id>`.
 * Written before the manifest, removed after it. Storage alone then says whether any manifest
 * still uses an original (it is deleted only when none does), and whether an owner already has
 * an image of these bytes when Redis has forgotten it (the upload's dedup, after a failover).
 */
export const originalRefKey = (sha256: string, ownerId: string, imageId: string): string =>
  `${originalRefPrefix(sha256)}${ownerId || '_'}/${imageId}`;
export const originalRefPrefix = (sha256: string): string => `refs/${sha256.slice(0, 2)}/${sha256}/`;
export const originalOwnerRefPrefix = (sha256: string, ownerId: string): string => `${originalRefPrefix(sha256)}${ownerId || '_'}/`;
