import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readJsonObject } from '../storage/read-json.js';
import type { Redis } from 'ioredis';
import { notFound } from '../core/errors.js';
import { isImageId } from '../core/ids.js';
import { withShortLock } from '../redis/short-lock.js';
import { passwordKey, passwordLinkKey } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { assertAcceptablePassword, burnPasswordCheck, hashPassword, verifyPassword } from './password-hash.js';
import { sessionKeys } from './session-keys.js';

interface StoredPassword {
  hash: string;
  changedAt: string;
}

interface StoredLink {
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
}

/** `<user id>.<43 base64url characters>`. */
const LINK_TOKEN = /^([0-7][0-9A-HJKMNP-TV-Z]{25})\.([A-Za-z0-9_-]{43})$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * Passwords and set-password links, in storage only (the truth): a Redis wipe never locks
 * anyone out. A password is read at each sign-in, which costs less than the scrypt check that
 * follows. A link's token is stored hashed, is good once, and a new link replaces the last.
 */
export class PasswordStore {
  constructor(
    private readonly store: ObjectStore,
    private readonly redis: Redis,
  ) {}

  async hasPassword(userId: string): Promise<boolean> {
    return (await this.read<StoredPassword>(passwordKey(userId))) !== undefined;
  }

  /** Constant work whether or not the user has a password. */
  async check(userId: string | undefined, password: string): Promise<boolean> {
    const stored = userId ? await this.read<StoredPassword>(passwordKey(userId)) : undefined;
    if (!stored) return burnPasswordCheck(password);
    return verifyPassword(password, stored.hash);
  }

  async set(userId: string, password: string, now = new Date()): Promise<void> {
    assertAcceptablePassword(password);
    const value: StoredPassword = { hash: await hashPassword(password), changedAt: now.toISOString() };
    await this.store.put(passwordKey(userId), Buffer.from(JSON.stringify(value)));
  }

  async remove(userId: string): Promise<void> {
    await Promise.all([this.store.delete(passwordKey(userId)), this.store.delete(passwordLinkKey(userId))]);
  }

  /** A new one-time link token for the user; any earlier link stops working. */
  async createLink(userId: string, ttlMs: number, now = new Date()): Promise<{ token: string; expiresAt: string }> {
    const token = `${userId}.${randomBytes(32).toString('base64url')}`;
    const link: StoredLink = { tokenHash: sha256(token).toString('hex'), createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + ttlMs).toISOString() };
    await this.store.put(passwordLinkKey(userId), Buffer.from(JSON.stringify(link)));
    return { token, expiresAt: link.expiresAt };
  }

  /**
   * Sets the password a link allows and spends the link; returns the user id. Unknown, used,
   * replaced and expired links all read the same 404. Checked before the password's rules, so
   * a wrong token learns nothing about them.
   */
  async useLink(token: string, password: unknown, now = new Date()): Promise<string> {
    const gone = () => notFound('link_not_found', 'this link is unknown, used or expired: ask for a new one');
    const m = LINK_TOKEN.exec(token);
    if (!m || !isImageId(m[1]!)) throw gone();
    const userId = m[1]!;
    return withShortLock(this.redis, sessionKeys.passwordLinkLock(userId), async () => {
      const link = await this.read<StoredLink>(passwordLinkKey(userId));
      if (!link) throw gone();
      const expected = Buffer.from(link.tokenHash, 'hex');
      const got = sha256(token);
      if (expected.length !== got.length || !timingSafeEqual(expected, got)) throw gone();
      if (Date.parse(link.expiresAt) <= now.getTime()) throw gone();
      assertAcceptablePassword(password);
      await this.set(userId, password, now);
      await this.store.delete(passwordLinkKey(userId));
      return userId;
    });
  }

  private async read<T>(key: string): Promise<T | undefined> {
    return readJsonObject<T>(this.store, key);
  }
}
