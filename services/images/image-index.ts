import type { Redis } from 'ioredis';
import { redisKeys } from '../redis/keys.js';
import { recordFromHash, recordToHash, type ImageRecord } from './image-record.js';

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
return {1, job}
`;

export type CreateResult = { created: true; jobId: string } | { created: false; existingId: string };

type CreateCommand = (...args: (string | number)[]) => Promise<[number, string]>;

export class ImageIndex {
  private readonly createScript: CreateCommand;

  constructor(private readonly redis: Redis) {
    // defineCommand sends EVALSHA (the script body once per connection, not per upload).
    redis.defineCommand('imgsvcCreateAndEnqueue', { numberOfKeys: 4, lua: CREATE_AND_ENQUEUE });
    this.createScript = (redis as unknown as Record<'imgsvcCreateAndEnqueue', CreateCommand>).imgsvcCreateAndEnqueue.bind(redis);
  }

  async get(id: string): Promise<ImageRecord | undefined> {
    const hash = await this.redis.hgetall(redisKeys.image(id));
    return recordFromHash(hash);
  }

  async idForSha(sha256: string): Promise<string | undefined> {
    return (await this.redis.get(redisKeys.bySha(sha256))) ?? undefined;
  }

  async createAndEnqueue(record: ImageRecord): Promise<CreateResult> {
    const fields = Object.entries(recordToHash(record)).flat();
    const reply = await this.createScript(
      redisKeys.bySha(record.sha256),
      redisKeys.image(record.id),
      redisKeys.allImages,
      redisKeys.resizeStream,
      record.id,
      record.sha256,
      ...fields,
    );
    return reply[0] === 1 ? { created: true, jobId: reply[1] } : { created: false, existingId: reply[1] };
  }

  /** Writes a record as it is (reindex from manifests); does not enqueue. */
  async put(record: ImageRecord): Promise<void> {
    await this.redis
      .multi()
      .hset(redisKeys.image(record.id), recordToHash(record))
      .set(redisKeys.bySha(record.sha256), record.id)
      .zadd(redisKeys.allImages, 0, record.id)
      .exec();
  }
}
