import type { Redis } from 'ioredis';
import { sessionKeys } from '../../accounts/session-keys.js';

export interface OpenUploadLimits {
  maxOpen: number;
  maxBytes: number;
}

/**
 * A user's unfinished resumable uploads, for the per-user bounds: members `<uploadId>:<size>`
 * scored by when they expire, so expired ones drop out of the count without a sweep.
 */
export class OpenUploads {
  constructor(private readonly redis: Redis) {}

  /** Undefined when one more upload of `size` bytes fits, else why not. */
  async refusal(userId: string, size: number, limits: OpenUploadLimits, now = Date.now()): Promise<string | undefined> {
    const key = sessionKeys.openUploads(userId);
    const [, members] = (await this.redis.multi().zremrangebyscore(key, '-inf', now).zrange(key, 0, -1).exec()) ?? [];
    const open = (members?.[1] as string[] | undefined) ?? [];
    if (open.length >= limits.maxOpen) return `at most ${limits.maxOpen} unfinished uploads at once: finish or delete one first`;
    const held = open.reduce((sum, m) => sum + Number(m.slice(m.lastIndexOf(':') + 1) || 0), 0);
    if (held + size > limits.maxBytes) return `your unfinished uploads may hold at most ${limits.maxBytes} bytes; they hold ${held}`;
    return undefined;
  }

  async add(userId: string, uploadId: string, size: number, expiresAt: number): Promise<void> {
    const key = sessionKeys.openUploads(userId);
    await this.redis.multi().zadd(key, expiresAt, `${uploadId}:${size}`).pexpireat(key, expiresAt).exec();
  }

  async remove(userId: string, uploadId: string): Promise<void> {
    const key = sessionKeys.openUploads(userId);
    const members = await this.redis.zrange(key, 0, -1);
    const mine = members.filter((m) => m.startsWith(`${uploadId}:`));
    if (mine.length > 0) await this.redis.zrem(key, ...mine);
  }
}
