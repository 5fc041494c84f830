import { LRUCache } from 'lru-cache';
import { unauthorized } from '../core/errors.js';
import type { InvalidationBus } from '../redis/invalidation-bus.js';
import type { AccountStore } from './account-store.js';
import { keyState, parseToken, tokenMatches, type ApiKey } from './api-key.js';
import { ANONYMOUS, type Principal } from './principal.js';
import type { User } from './user.js';

/** A header longer than this is refused before any parsing (a token is 67 characters). */
const MAX_HEADER = 512;

interface Entry {
  key: ApiKey;
  user: User;
}

/**
 * Turns a request's `Authorization` header into a principal. Keys are looked up by their
 * visible id and compared by hash in constant time; the lookup is cached for a few seconds on
 * each pod, and a revocation or a disabled user reaches every pod's cache through the
 * invalidation bus at once (the TTL bounds it if a message is lost). Errors never say more
 * than the caller already knows: an unknown key and a wrong secret read the same.
 */
export class Authenticator {
  private readonly cache = new LRUCache<string, Entry>({ max: 20_000, ttl: 4_000 });

  constructor(
    private readonly accounts: AccountStore,
    bus: InvalidationBus | undefined,
  ) {
    bus?.on('key', (id) => this.cache.delete(id));
    bus?.on('user', (userId) => {
      for (const [id, entry] of this.cache.entries()) if (entry.user.id === userId) this.cache.delete(id);
    });
    bus?.onFlush(() => this.cache.clear());
  }

  async authenticate(header: string | undefined, now = Date.now()): Promise<Principal> {
    if (header === undefined) return ANONYMOUS;
    const token = bearerToken(header);
    const id = parseToken(token)?.id;
    if (!id) throw invalidKey();
    const entry = this.cache.get(id) ?? (await this.load(id));
    if (!entry || !tokenMatches(token, entry.key.hash)) throw invalidKey();
    return this.principal(entry, now);
  }

  /** The cached answer without waiting, for the serving fast path; undefined when it must look up. */
  peek(header: string, now = Date.now()): Principal | undefined {
    const token = bearerToken(header);
    const id = parseToken(token)?.id;
    const entry = id ? this.cache.get(id) : undefined;
    if (!entry || !tokenMatches(token, entry.key.hash)) return undefined;
    return this.principal(entry, now);
  }

  private principal(entry: Entry, now: number): Principal {
    const state = keyState(entry.key, now);
    if (state === 'revoked') throw unauthorized('key_revoked', 'the API key has been revoked', 'invalid_token');
    if (state === 'expired') throw unauthorized('key_expired', 'the API key has expired', 'invalid_token');
    if (entry.user.disabledAt) throw unauthorized('user_disabled', "the API key's user is disabled", 'invalid_token');
    this.accounts.touch(entry.key.id, now);
    return { kind: 'user', userId: entry.user.id, role: entry.user.role, keyId: entry.key.id, scopes: entry.key.scopes };
  }

  private async load(id: string): Promise<Entry | undefined> {
    let key: ApiKey | undefined;
    let user: User | undefined;
    try {
      key = await this.accounts.getKey(id);
      user = key ? await this.accounts.getUser(key.userId) : undefined;
    } catch {
      // Redis cannot answer.
    }
    if (!key || !user) {
      // Storage holds every key and user too, so a Redis outage or wipe does not lock anyone
      // out before reindex. Unknown keys cost a storage read; failed attempts are rate limited.
      key = await this.accounts.getKeyFromStorage(id);
      user = key ? await this.accounts.getUserFromStorage(key.userId) : undefined;
    }
    if (!key || !user) return undefined;
    const entry = { key, user };
    this.cache.set(id, entry);
    return entry;
  }
}

function bearerToken(header: string): string {
  if (header.length > MAX_HEADER) throw invalidKey('the Authorization header is too long to hold an API key');
  const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  if (!m) throw unauthorized('invalid_authorization', 'expected Authorization: Bearer <API key>', 'invalid_token');
  return m[1]!;
}

function invalidKey(message = 'the API key is not valid'): ReturnType<typeof unauthorized> {
  return unauthorized('invalid_key', message, 'invalid_token');
}
