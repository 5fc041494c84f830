import { LRUCache } from 'lru-cache';
import type { AccountStore } from '../accounts/account-store.js';
import { parseSize, type AllowedSize } from '../core/variant-sizes.js';
import type { InvalidationBus } from '../redis/invalidation-bus.js';

/** An owner's sizes joined with the operator's, as negotiation reads them, and a key naming the list. */
export interface OwnerSizeList {
  allowed: readonly AllowedSize[];
  /** The owner's list as written, joined: part of the choice memo's key, so an edit is never served stale. */
  key: string;
}

/**
 * Each owner's allowed sizes, for the serving path: asked only when an unsigned URL names an
 * explicit size that is not a rung, answered from memory after the first time (one Redis GET
 * of the user, else their object in storage). An edit reaches every pod at once through the
 * invalidation bus; the TTL bounds how long a lost message could leave one stale.
 */
export class OwnerSizes {
  private readonly cache = new LRUCache<string, OwnerSizeList>({ max: 20_000, ttl: 60_000 });
  private readonly none: OwnerSizeList;

  constructor(
    private readonly accounts: Pick<AccountStore, 'getUser' | 'getUserFromStorage'>,
    private readonly operatorSizes: readonly AllowedSize[],
    bus: InvalidationBus | undefined,
  ) {
    this.none = { allowed: operatorSizes, key: '' };
    bus?.on('user', (userId) => this.cache.delete(userId));
    bus?.onFlush(() => this.cache.clear());
  }

  /** From memory, or undefined when the owner's list needs a lookup. An ownerless record has the operator's alone. */
  peek(ownerId: string | undefined): OwnerSizeList | undefined {
    return ownerId === undefined ? this.none : this.cache.get(ownerId);
  }

  /** The operator's sizes alone: for requests whose answer no allow-list changes. */
  get operatorOnly(): OwnerSizeList {
    return this.none;
  }

  async get(ownerId: string | undefined): Promise<OwnerSizeList> {
    const known = this.peek(ownerId);
    if (known) return known;
    const id = ownerId!;
    let user;
    try {
      // Redis first; its user index is rebuilt from storage, so a miss there is asked of storage.
      user = (await this.accounts.getUser(id)) ?? (await this.accounts.getUserFromStorage(id));
    } catch {
      // Neither answers: serve snapped sizes now (correct, only not exact), and ask again next time.
      return this.none;
    }
    const written = user?.variantSizes ?? [];
    const own = written.map(parseSize).filter((s): s is AllowedSize => typeof s !== 'string');
    const list = own.length === 0 ? this.none : { allowed: [...this.operatorSizes, ...own], key: written.join(',') };
    this.cache.set(id, list);
    return list;
  }
}
