/** Object keys, derived from content hashes and ids only (see DESIGN.md, "Storage layout"). */
export const originalKey = (sha256: string): string => `originals/${sha256.slice(0, 2)}/${sha256}`;

export const manifestKey = (imageId: string): string => `manifests/${imageId}.json`;

export const variantKey = (sha256: string, variant: string, ext: string): string =>
  `variants/${sha256.slice(0, 2)}/${sha256}/${variant}.${ext}`;

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
/** One object per webhook endpoint (its signing secrets sealed inside): the truth the Redis copy is rebuilt from. */
export const webhookKey = (endpointId: string): string => `webhooks/${endpointId}.json`;
export const WEBHOOKS_PREFIX = 'webhooks/';
