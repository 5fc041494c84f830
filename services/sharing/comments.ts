import type { Redis } from 'ioredis';
import { eventScriptArgs } from '../events/event-log.js';
import { EventSink } from '../events/event-sink.js';
import type { NewEvent } from '../events/event-types.js';
import { isImageId, newImageId } from '../core/ids.js';
import type { ImageRecord } from '../images/image-record.js';
import { redisKeys } from '../redis/keys.js';
import { commentKey, commentPrefix } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface Comment {
  /** A ULID of when it was written: the thread's order and the cursor position. */
  id: string;
  imageId: string;
  authorId: string;
  /** Plain text, exactly as accepted (trimmed); never HTML. */
  body: string;
  createdAt: string;
}

/** Removes a comment once: the event is appended only by the call that removed it. */
const REMOVE = `if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], unpack(ARGV, 2))
return 1`;

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

  async add(image: Pick<ImageRecord, 'id' | 'ownerId'>, authorId: string, body: string, now = new Date()): Promise<Comment> {
    const comment: Comment = { id: newImageId(now.getTime()), imageId: image.id, authorId, body, createdAt: now.toISOString() };
    await this.store.put(commentKey(image.id, comment.id), Buffer.from(JSON.stringify(comment)), { contentType: 'application/json' });
    await this.events.queue(this.indexing(this.redis.multi(), comment), [commentEvent('comment.created', image, comment, authorId)]).exec();
    return comment;
  }

  async get(imageId: string, commentId: string): Promise<Comment | undefined> {
    if (!isImageId(commentId)) return undefined;
    const json = await this.redis.hget(redisKeys.commentBodies(imageId), commentId);
    return json ? (JSON.parse(json) as Comment) : undefined;
  }

  /** Storage first: a crash after it leaves a Redis entry that the retry (or a reindex) removes. */
  async remove(image: Pick<ImageRecord, 'id' | 'ownerId'>, comment: Comment, actorId: string): Promise<boolean> {
    await this.store.delete(commentKey(image.id, comment.id));
    const removed = await this.redis.eval(
      REMOVE,
      3,
      redisKeys.commentBodies(image.id),
      redisKeys.comments(image.id),
      redisKeys.events,
      comment.id,
      ...eventScriptArgs(commentEvent('comment.deleted', image, comment, actorId), this.events.retentionMs),
    );
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
    let cursor: string | undefined;
    do {
      const page = await this.store.list(commentPrefix(imageId), { cursor, limit: 500 });
      cursor = page.cursor;
      await Promise.all(page.keys.map((k) => this.store.delete(k)));
    } while (cursor);
    await this.redis.del(redisKeys.comments(imageId), redisKeys.commentBodies(imageId), redisKeys.commenters(imageId));
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
