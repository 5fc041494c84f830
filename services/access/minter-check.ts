import { LRUCache } from 'lru-cache';
import type { AccountStore } from '../accounts/account-store.js';
import { keyState } from '../accounts/api-key.js';
import { scopesForRole } from '../accounts/scopes.js';
import { USER_BINDING } from './signed-urls.js';
import type { Principal } from '../accounts/principal.js';
import type { ViewerGrants } from '../accounts/viewer-grants.js';
import type { InvalidationBus } from '../redis/invalidation-bus.js';
import { decideView, needsGrant, type ImageAccessFacts } from './decide.js';

interface KeyEntry {
  userId: string | undefined;
  /** The key's principal while it is active and its user enabled; null once either is not. */
  principal: Principal | null;
  expiresAtMs: number | undefined;
}

/**
 * Whether the key that minted a signed URL (its `by=`) may still see the image: the URL is the
 * minter's access lent out, so it ends when that access ends (key revoked or expired, user
 * disabled, grant withdrawn). Answered from memory on the hot path: the key and grant states
 * are cached for a few seconds and dropped at once by the invalidation bus, as the
 * authenticator's and the grants' own caches are.
 */
export class MinterCheck {
  private readonly keys = new LRUCache<string, KeyEntry>({ max: 20_000, ttl: 4_000 });
  private readonly grants = new LRUCache<string, boolean>({ max: 50_000, ttl: 5_000 });

  constructor(
    private readonly accounts: AccountStore,
    private readonly viewerGrants: ViewerGrants,
    bus: InvalidationBus | undefined,
  ) {
    bus?.on('key', (id) => this.keys.delete(id));
    bus?.on('user', (userId) => {
      for (const [id, entry] of this.keys.entries()) if (entry.userId === userId) this.keys.delete(id);
    });
    bus?.on('viewers', (ownerId) => {
      for (const key of this.grants.keys()) if (key.startsWith(`${ownerId} `)) this.grants.delete(key);
    });
    bus?.onFlush(() => {
      this.keys.clear();
      this.grants.clear();
    });
  }

  /** true or false when memory knows; undefined when the answer needs a lookup. */
  peek(keyId: string, image: ImageAccessFacts, now = Date.now()): boolean | undefined {
    const entry = this.keys.get(keyId);
    if (!entry) return undefined;
    const principal = active(entry, now);
    if (!principal) return false;
    if (!needsGrant(principal, image)) return decideView(principal, image, { granted: false, signed: false }) === 'allow';
    const granted = principal.kind === 'user' ? this.grants.get(`${image.ownerId} ${principal.userId}`) : false;
    return granted === undefined ? undefined : decideView(principal, image, { granted, signed: false }) === 'allow';
  }

  async check(keyId: string, image: ImageAccessFacts, now = Date.now()): Promise<boolean> {
    const known = this.peek(keyId, image, now);
    if (known !== undefined) return known;
    const entry = this.keys.get(keyId) ?? (await this.load(keyId));
    const principal = active(entry, now);
    if (!principal || principal.kind !== 'user') return false;
    let granted = false;
    if (needsGrant(principal, image)) {
      granted = await this.viewerGrants.isGranted(image.ownerId, principal.userId);
      this.grants.set(`${image.ownerId} ${principal.userId}`, granted);
    }
    return decideView(principal, image, { granted, signed: false }) === 'allow';
  }

  private async load(keyId: string): Promise<KeyEntry> {
    if (keyId.startsWith(USER_BINDING)) return this.loadUser(keyId, keyId.slice(USER_BINDING.length));
    const key = (await this.accounts.getKey(keyId)) ?? (await this.accounts.getKeyFromStorage(keyId));
    const user = key ? ((await this.accounts.getUser(key.userId)) ?? (await this.accounts.getUserFromStorage(key.userId))) : undefined;
    const usable = key && user && !user.disabledAt && keyState(key, Date.now()) !== 'revoked';
    const entry: KeyEntry = {
      userId: key?.userId,
      principal: usable ? { kind: 'user', userId: user.id, role: user.role, keyId: key.id, scopes: key.scopes } : null,
      expiresAtMs: key?.expiresAt ? Date.parse(key.expiresAt) : undefined,
    };
    this.keys.set(keyId, entry);
    return entry;
  }

  /** A URL minted from a session: it lends the user's own access while the user stays enabled. */
  private async loadUser(binding: string, userId: string): Promise<KeyEntry> {
    const user = (await this.accounts.getUser(userId)) ?? (await this.accounts.getUserFromStorage(userId));
    const entry: KeyEntry = {
      userId: user?.id,
      principal: user && !user.disabledAt ? { kind: 'user', userId: user.id, role: user.role, keyId: binding, scopes: scopesForRole(user.role) } : null,
      expiresAtMs: undefined,
    };
    this.keys.set(binding, entry);
    return entry;
  }
}

function active(entry: KeyEntry, now: number): Principal | null {
  if (!entry.principal) return null;
  return entry.expiresAtMs !== undefined && entry.expiresAtMs <= now ? null : entry.principal;
}
