import { userTag } from '../core/shards.js';

/**
 * Redis keys of people's sign-in state. Every key carries the user's hash tag `{u:<id>}`, so a
 * session, the user's list of sessions and their locks sit in one slot of a Redis Cluster and
 * "sign out everywhere" is one atomic step. Kept here, beside their one user, rather than in
 * redis/keys.ts (which another branch re-keys).
 */
const P = 'imgsvc:';

export const sessionKeys = {
  /** One session: hash of {csrf, createdAt, expiresAt}; expires after the idle period. */
  session: (userId: string, sidHash: string) => `${P}${userTag(userId)}:session:${sidHash}`,
  /** The user's session hashes, scored by absolute expiry (ms): what "sign out everywhere" ends. */
  sessions: (userId: string) => `${P}${userTag(userId)}:sessions`,
  /** Held while a set-password link is being used, so it is used once. */
  passwordLinkLock: (userId: string) => `${P}${userTag(userId)}:locks:password-link`,
  /** The user's unfinished resumable uploads, scored by when they expire (ms). */
  openUploads: (userId: string) => `${P}${userTag(userId)}:uploads`,
} as const;

/** A finished resumable upload → `{imageId, size}`, so a retried last PATCH or a HEAD still learns the image. */
export const finishedUploadKey = (userId: string, uploadId: string) => `${P}${userTag(userId)}:upload-done:${uploadId}`;
