import type { Redis } from 'ioredis';
import { redisKeys } from '../redis/keys.js';
import { dedupKey } from './dedup-key.js';
import { recordFromHash, recordToHash, type ImageRecord } from './image-record.js';

/** What the index-built sentinel records. */
export interface IndexSentinel {
  builtAt: string;
  /** Manifests that could not be read when it was built: images the index may be missing. */
  unreadable: number;
}

/**
 * The upload saga's pivot, as one atomic step: if no image has these bytes yet, write the
 * record, the hash → id entry and the id index, and enqueue the resize job. Either all of it
 * happens or none; a concurrent upload of the same bytes sees the winner's id instead.
 */
const CREATE_AND_ENQUEUE = `
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
local job = redis.call('XADD', KEYS[4], '*', 'image', ARGV[1], 'sha256', ARGV[2])
redis.call('HSET', KEYS[5], ARGV[1], job)
return {1, job}
`;

export type CreateResult = { created: true; jobId: string } | { created: false; existingId: string };

type CreateCommand = (...args: (string | number)[]) => Promise<[number, string]>;

export class ImageIndex {
  private readonly createScript: CreateCommand;

  constructor(private readonly redis: Redis) {
    // defineCommand sends EVALSHA (the script body once per connection, not per upload).
    redis.defineCommand('imgsvcCreateAndEnqueue', { numberOfKeys: 5, lua: CREATE_AND_ENQUEUE });
    this.createScript = (redis as unknown as Record<'imgsvcCreateAndEnqueue', CreateCommand>).imgsvcCreateAndEnqueue.bind(redis);
  }

  /** False while the connection is down: callers with another source of truth can skip the wait. */
  get available(): boolean {
    return this.redis.status === 'ready';
  }

  async get(id: string): Promise<ImageRecord | undefined> {
    const hash = await this.redis.hgetall(redisKeys.image(id));
    return recordFromHash(hash);
  }

  /** The image with these bytes, by their dedup key. */
  async idForSha(sha256: string): Promise<string | undefined> {
    return (await this.redis.get(redisKeys.byDedupKey(dedupKey({ sha256 })))) ?? undefined;
  }

  /**
   * Whether some image still uses the original with this hash (the orphan sweep asks before
   * deleting it). Only meaningful while the index is intact: see `sentinel()`.
   */
  async isOriginalReferenced(sha256: string): Promise<boolean> {
    return (await this.redis.exists(redisKeys.byDedupKey(dedupKey({ sha256 })))) === 1;
  }

  async createAndEnqueue(record: ImageRecord): Promise<CreateResult> {
    const fields = Object.entries(recordToHash(record)).flat();
    const reply = await this.createScript(
      redisKeys.byDedupKey(dedupKey(record)),
      redisKeys.image(record.id),
      redisKeys.allImages,
      redisKeys.resizeStream,
      redisKeys.resizeLive,
      record.id,
      record.sha256,
      ...fields,
    );
    return reply[0] === 1 ? { created: true, jobId: reply[1] } : { created: false, existingId: reply[1] };
  }

  /** Replaces a record's fields (status changes); fields the new record lacks are removed. */
  async update(record: ImageRecord): Promise<void> {
    const key = redisKeys.image(record.id);
    const hash = recordToHash(record);
    const stale = ['error', 'placeholder'].filter((f) => !(f in hash));
    const tx = this.redis.multi().hset(key, hash);
    if (stale.length > 0) tx.hdel(key, ...stale);
    await tx.exec();
  }

  /** Image ids after `after`, in id (= creation) order. */
  async listIds(after: string | undefined, limit: number): Promise<string[]> {
    return this.redis.zrangebylex(redisKeys.allImages, after ? `(${after}` : '-', '+', 'LIMIT', 0, limit);
  }

  async getMany(ids: string[]): Promise<(ImageRecord | undefined)[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(redisKeys.image(id));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, hash]) => (err ? undefined : recordFromHash(hash as Record<string, string>)));
  }

  /** Writes a record as it is (reindex from manifests); does not enqueue. */
  async put(record: ImageRecord): Promise<void> {
    await this.redis
      .multi()
      .hset(redisKeys.image(record.id), recordToHash(record))
      .set(redisKeys.byDedupKey(dedupKey(record)), record.id)
      .zadd(redisKeys.allImages, 0, record.id)
      .exec();
  }

  /**
   * Removes a record and its place in the id index (a duplicate reindex collapsed). The dedup
   * entry is left alone: it names the image that was kept.
   */
  async remove(id: string): Promise<void> {
    await this.redis.multi().del(redisKeys.image(id)).zrem(redisKeys.allImages, id).hdel(redisKeys.resizeLive, id).exec();
  }

  /** The index-built sentinel, or undefined when the index was never built or has been lost. */
  async sentinel(): Promise<IndexSentinel | undefined> {
    const raw = await this.redis.get(redisKeys.indexBuilt);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as IndexSentinel;
    } catch {
      // Written by us only; anything else still says the index was built.
      return { builtAt: '', unreadable: 0 };
    }
  }

  async markBuilt(sentinel: IndexSentinel): Promise<void> {
    await this.redis.set(redisKeys.indexBuilt, JSON.stringify(sentinel));
  }
}
