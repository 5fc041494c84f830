import type { Redis } from 'ioredis';
import { readJsonObject } from '../storage/read-json.js';
import { eventScriptArgs } from '../events/event-log.js';
import { EventSink } from '../events/event-sink.js';
import type { NewEvent } from '../events/event-types.js';
import { isImageId, newImageId } from '../core/ids.js';
import type { ImageRecord } from '../images/image-record.js';
import { redisKeys, shardOf } from '../redis/keys.js';
import { runScript } from '../redis/scripts.js';
import { declareStep, stepKeys } from '../redis/steps.js';
import { commentKey, commentPrefix } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { createHash } from 'node:crypto';
import { unavailable, unprocessable } from '../core/errors.js';
import { commentKeyMarker, commentKeyMarkerPrefix } from '../storage/keys.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export interface Comment {
  /** A ULID of when it was written: the thread's order and the cursor position. */
  id: string;
  imageId: string;
  authorId: string;
  /** Plain text, exactly as accepted (trimmed); never HTML. */
  body: string;
  createdAt: string;
}

/** A comment's writes and its event: one step in the image's shard. */
export const commentSteps = {
  add: declareStep('comment.add', 'multi', (imageId: string) => [redisKeys.comments(imageId), redisKeys.commentBodies(imageId), redisKeys.commenters(imageId), redisKeys.events(shardOf(imageId))]),
  remove: declareStep('comment.remove', 'script', (imageId: string) => [redisKeys.commentBodies(imageId), redisKeys.comments(imageId), redisKeys.events(shardOf(imageId))]),
  forget: declareStep('comment.forget', 'multi', (imageId: string) => [redisKeys.comments(imageId), redisKeys.commentBodies(imageId), redisKeys.commenters(imageId)]),
};

function commentEvent(type: 'comment.created' | 'comment.deleted', image: Pick<ImageRecord, 'id' | 'ownerId'>, c: Comment, actorId: string): NewEvent {
  return { type, ownerId: image.ownerId, actorId, imageId: image.id, data: { commentId: c.id, imageId: image.id, authorId: c.authorId } };
}

/**
 * Comments: one object per comment in storage (`comments/<image>/<comment>.json`, the truth,
 * written first: a comment is one put and a deletion one delete, never a read-modify-write of
 * a thread), and in Redis, per image (one hash tag): the sorted set of comment ids (the
 * thread, oldest first), the hash of their JSON (a page is one HMGET) and the commenters
 * scored by their first comment (whom a new comment notifies). The Redis write and its event
 * are one MULTI or script.
 */
export class Comments {
  constructor(
    private readonly redis: Redis,
    private readonly store: ObjectStore,
    private readonly events: EventSink = new EventSink(),
  ) {}

  /**
   * Posts a comment: storage first, then the index and its event in one MULTI. When the index
   * write fails, the stored object is removed again before the error is answered, so a comment
   * the client was told failed does not surface later (on reindex) beside the one its retry
   * posts. With an `Idempotency-Key`, a retry (same author, same key) answers the comment the
   * first attempt made, whatever happened to it: the key names its id through a marker object.
   */
  async add(image: Pick<ImageRecord, 'id' | 'ownerId'>, authorId: string, body: string, now = new Date(), idempotencyKey?: string): Promise<{ comment: Comment; replayed: boolean }> {
    const marker = idempotencyKey === undefined ? undefined : commentKeyMarker(image.id, sha256(`${authorId}\n${idempotencyKey}`));
    const earlier = marker ? await this.readMarker(marker) : undefined;
    if (earlier && earlier.bodySha256 !== sha256(body)) {
      throw unprocessable('idempotency_key_reused', 'this Idempotency-Key was used for a different comment; use a new key for a new comment');
    }
    const comment: Comment = earlier
      ? ((await this.readComment(image.id, earlier.commentId)) ?? { id: earlier.commentId, imageId: image.id, authorId, body, createdAt: earlier.createdAt })
      : { id: newImageId(now.getTime()), imageId: image.id, authorId, body, createdAt: now.toISOString() };
    if (earlier && (await this.redis.hexists(redisKeys.commentBodies(image.id), comment.id)) === 1) return { comment, replayed: true };
    if (marker && !earlier) await this.store.put(marker, Buffer.from(JSON.stringify({ commentId: comment.id, bodySha256: sha256(body), createdAt: comment.createdAt })), { contentType: 'application/json' });
    const object = commentKey(image.id, comment.id);
    await this.store.put(object, Buffer.from(JSON.stringify(comment)), { contentType: 'application/json' });
    stepKeys(commentSteps.add, image.id);
    try {
      await this.events.queue(this.indexing(this.redis.multi(), comment), [commentEvent('comment.created', image, comment, authorId)]).exec();
    } catch (err) {
      await this.store.delete(object).catch(() => undefined);
      throw unavailable('index_unavailable', 'the comment could not be indexed and was not posted; retry (with the same Idempotency-Key, if you sent one)', { cause: err });
    }
    return { comment, replayed: false };
  }

  private async readMarker(key: string): Promise<{ commentId: string; bodySha256: string; createdAt: string } | undefined> {
    return this.readJson(key);
  }

  private async readComment(imageId: string, commentId: string): Promise<Comment | undefined> {
    return this.readJson<Comment>(commentKey(imageId, commentId));
  }

  private async readJson<T>(key: string): Promise<T | undefined> {
    return readJsonObject<T>(this.store, key);
  }

  async get(imageId: string, commentId: string): Promise<Comment | undefined> {
    if (!isImageId(commentId)) return undefined;
    const json = await this.redis.hget(redisKeys.commentBodies(imageId), commentId);
    return json ? (JSON.parse(json) as Comment) : undefined;
  }

  /** Storage first: a crash after it leaves a Redis entry that the retry (or a reindex) removes. */
  async remove(image: Pick<ImageRecord, 'id' | 'ownerId'>, comment: Comment, actorId: string): Promise<boolean> {
    await this.store.delete(commentKey(image.id, comment.id));
    const removed = await runScript(this.redis, 'removeComment', stepKeys(commentSteps.remove, image.id), [
      comment.id,
      ...eventScriptArgs(commentEvent('comment.deleted', image, comment, actorId), this.events.retentionMs),
    ]);
    return removed === 1;
  }

  /** The comments of these ids, in the order given (ids gone meanwhile are left out). */
  async many(imageId: string, ids: string[]): Promise<Comment[]> {
    if (ids.length === 0) return [];
    const values = await this.redis.hmget(redisKeys.commentBodies(imageId), ...ids);
    return values.flatMap((v) => (v ? [JSON.parse(v) as Comment] : []));
  }

  async count(imageId: string): Promise<number> {
    return this.redis.zcard(redisKeys.comments(imageId));
  }

  /** Users whose first comment on the image came at or before `atMs`. */
  async commentersUntil(imageId: string, atMs: number): Promise<string[]> {
    return this.redis.zrangebyscore(redisKeys.commenters(imageId), '-inf', atMs);
  }

  /** Every comment of an erased image goes, objects first. */
  async forgetImage(imageId: string): Promise<void> {
    for (const prefix of [commentPrefix(imageId), commentKeyMarkerPrefix(imageId)]) {
      let cursor: string | undefined;
      do {
        const page = await this.store.list(prefix, { cursor, limit: 500 });
        cursor = page.cursor;
        await Promise.all(page.keys.map((k) => this.store.delete(k)));
      } while (cursor);
    }
    await this.redis.del(...stepKeys(commentSteps.forget, imageId));
  }

  /** Indexes a comment from storage (reindex): the same writes as a new one, without its event. */
  async index(c: Comment): Promise<void> {
    await this.indexing(this.redis.multi(), c).exec();
  }

  private indexing<T extends ReturnType<Redis['multi']>>(tx: T, c: Comment): T {
    tx.zadd(redisKeys.comments(c.imageId), 0, c.id)
      .hset(redisKeys.commentBodies(c.imageId), c.id, JSON.stringify(c))
      // LT keeps the earliest first comment whatever order reindex restores them in.
      .zadd(redisKeys.commenters(c.imageId), 'LT', Date.parse(c.createdAt), c.authorId);
    return tx;
  }
}
