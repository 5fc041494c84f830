import type { Redis } from 'ioredis';
import { redisKeys } from '../redis/keys.js';
import { recordFromHash, recordToHash, type ImageRecord } from './image-record.js';

/**
 * The upload saga's pivot, as one atomic step: if this owner has no image of these bytes yet,
 * write the record, the owner's hash → id entry, the id indexes and the original's reference,
 * and enqueue the resize job. Either all of it happens or none; a concurrent upload of the
 * same bytes by the same owner sees the winner's id instead.
 */
const CREATE_AND_ENQUEUE = `
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('ZADD', KEYS[7], 0, ARGV[1])
redis.call('SADD', KEYS[6], ARGV[1])
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
    redis.defineCommand('imgsvcCreateAndEnqueue', { numberOfKeys: 7, lua: CREATE_AND_ENQUEUE });
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

  /** The owner's image of these bytes: dedup never looks across owners, so it cannot become an oracle. */
  async idForSha(ownerId: string, sha256: string): Promise<string | undefined> {
    return (await this.redis.get(redisKeys.bySha(ownerId, sha256))) ?? undefined;
  }

  /** Whether any image, of any owner, still uses these original bytes. */
  async isOriginalReferenced(sha256: string): Promise<boolean> {
    return (await this.redis.scard(redisKeys.shaRefs(sha256))) > 0;
  }

  async createAndEnqueue(record: ImageRecord): Promise<CreateResult> {
    const fields = Object.entries(recordToHash(record)).flat();
    const reply = await this.createScript(
      redisKeys.bySha(record.ownerId, record.sha256),
      redisKeys.image(record.id),
      redisKeys.allImages,
      redisKeys.resizeStream,
      redisKeys.resizeLive,
      redisKeys.shaRefs(record.sha256),
      redisKeys.ownerImages(record.ownerId),
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
      .set(redisKeys.bySha(record.ownerId, record.sha256), record.id)
      .zadd(redisKeys.allImages, 0, record.id)
      .zadd(redisKeys.ownerImages(record.ownerId), 0, record.id)
      .sadd(redisKeys.shaRefs(record.sha256), record.id)
      .exec();
  }
}
