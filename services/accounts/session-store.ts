import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { isImageId } from '../core/ids.js';
import { sessionKeys } from './session-keys.js';

export interface Session {
  userId: string;
  /** sha256 of the secret: the session's name in Redis and in logs (the secret is never stored). */
  sidHash: string;
  csrfToken: string;
  createdAt: number;
  /** The absolute end (ms); the idle end moves with each use. */
  expiresAt: number;
}

export interface SessionTimes {
  idleMs: number;
  maxAgeMs: number;
}

/** `<user id>.<43 base64url characters>`: the user id finds the slot, the secret is 256 random bits. */
const COOKIE_VALUE = /^([0-7][0-9A-HJKMNP-TV-Z]{25})\.([A-Za-z0-9_-]{43})$/;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Sessions of people signed in with a password, in Redis only: a Redis wipe signs everyone out
 * (they sign in again; their passwords are in storage). Redis holds the hash of each session
 * secret, so a copy of Redis holds no usable cookie. Idle expiry is the key's TTL, renewed on
 * use and never beyond the absolute end.
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly times: SessionTimes,
  ) {}

  async create(userId: string, now = Date.now()): Promise<{ cookieValue: string; session: Session }> {
    const secret = randomBytes(32).toString('base64url');
    const session: Session = { userId, sidHash: hashSecret(secret), csrfToken: randomBytes(32).toString('base64url'), createdAt: now, expiresAt: now + this.times.maxAgeMs };
    const key = sessionKeys.session(userId, session.sidHash);
    await this.redis
      .multi()
      .hset(key, { csrf: session.csrfToken, createdAt: String(now), expiresAt: String(session.expiresAt) })
      .pexpire(key, Math.min(this.times.idleMs, this.times.maxAgeMs))
      .zadd(sessionKeys.sessions(userId), session.expiresAt, session.sidHash)
      // Ended sessions leave the list as they are found, so it stays as long as the live ones.
      .zremrangebyscore(sessionKeys.sessions(userId), '-inf', now)
      .pexpire(sessionKeys.sessions(userId), this.times.maxAgeMs)
      .exec();
    return { cookieValue: `${userId}.${secret}`, session };
  }

  /** The live session a cookie names, its idle clock restarted; undefined for anything else. */
  async resolve(cookieValue: string, now = Date.now()): Promise<Session | undefined> {
    const m = COOKIE_VALUE.exec(cookieValue);
    if (!m || !isImageId(m[1]!)) return undefined;
    const userId = m[1]!;
    const sidHash = hashSecret(m[2]!);
    const key = sessionKeys.session(userId, sidHash);
    const data = await this.redis.hgetall(key);
    const expiresAt = Number(data.expiresAt);
    if (!data.csrf || !(expiresAt > now)) return undefined;
    const idle = Math.min(this.times.idleMs, expiresAt - now);
    this.redis.pexpire(key, idle).catch(() => undefined);
    return { userId, sidHash, csrfToken: data.csrf, createdAt: Number(data.createdAt), expiresAt };
  }

  async destroy(session: Pick<Session, 'userId' | 'sidHash'>): Promise<void> {
    await this.redis.multi().del(sessionKeys.session(session.userId, session.sidHash)).zrem(sessionKeys.sessions(session.userId), session.sidHash).exec();
  }

  /** Signs the user out everywhere; returns how many sessions ended. */
  async destroyAll(userId: string): Promise<number> {
    const hashes = await this.redis.zrange(sessionKeys.sessions(userId), 0, -1);
    const tx = this.redis.multi();
    // Only the sessions listed: one made at this very moment (a new sign-in) stays listed and live.
    for (const h of hashes) tx.del(sessionKeys.session(userId, h)).zrem(sessionKeys.sessions(userId), h);
    await tx.exec();
    return hashes.length;
  }
}
