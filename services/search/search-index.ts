import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ImageGuard } from '../access/image-guard.js';
import type { Principal } from '../accounts/principal.js';
import type { ViewerGrants } from '../accounts/viewer-grants.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { redisKeys } from '../redis/keys.js';
import { foldTag } from '../sharing/metadata.js';
import { imageTerms } from './fold-tokens.js';
import { tagTerm } from './index-ops.js';
import { matchesTerms, type SearchTerms } from './parse-query.js';
import { searchScopes, type ScopePlan } from './search-scopes.js';

/** Tokens a prefix may stand for, per scope (the first ones in code-point order): bounds the union a one-letter prefix costs. */
export const PREFIX_EXPANSION = 64;
/** Candidates read per round while re-checking; the scan stops after MAX_ROUNDS and the cursor goes on from there. */
const ROUND = 100;
const MAX_ROUNDS = 20;
const TEMP_TTL_MS = 10_000;

export interface SearchRequest {
  terms: SearchTerms;
  ownerId?: string | undefined;
  /** Folded. */
  tag?: string | undefined;
  limit: number;
  /** Results strictly older than this id. */
  after?: string | undefined;
}

export interface SearchPage {
  items: ImageRecord[];
  nextAfter: string | undefined;
  /** Whether the prefix matched more tokens than PREFIX_EXPANSION in some scope (results may be incomplete). */
  prefixLimited: boolean;
}

/**
 * Queries over the token index: the ids of every scope the caller may see are intersected per
 * scope (all terms, the prefix as the union of its tokens), unioned, and read newest first
 * (ULIDs sort by time). Each candidate is then re-checked against its current record, with the
 * access guard and the terms, so a change the index has not caught up with never leaks.
 */
export class SearchIndex {
  constructor(
    private readonly redis: Redis,
    private readonly index: ImageIndex,
    private readonly guard: ImageGuard,
    private readonly grants: ViewerGrants,
  ) {}

  async search(p: Principal, q: SearchRequest): Promise<SearchPage> {
    const plans = searchScopes(p, q.ownerId, await this.grantFacts(p, q.ownerId));
    const { expansions, limited } = await this.expandPrefix(plans, q.terms.prefix);
    const queryId = randomBytes(9).toString('base64url');
    const temp: string[] = [];
    const tempKey = () => {
      const k = redisKeys.searchTemp(queryId, temp.length);
      temp.push(k);
      return k;
    };
    const tx = this.redis.multi();
    const sources: string[] = [];
    plans.forEach((plan, i) => {
      const keys = q.terms.exact.map((t) => redisKeys.searchTerm(plan.scope, t));
      if (q.tag !== undefined) keys.push(redisKeys.searchTerm(plan.scope, tagTerm(q.tag)));
      if (plan.within !== undefined) keys.push(plan.within);
      if (q.terms.prefix !== undefined) {
        const tokens = expansions[i]!;
        if (tokens.length === 0) return;
        const sets = tokens.map((t) => redisKeys.searchTerm(plan.scope, t));
        if (sets.length === 1) keys.push(sets[0]!);
        else {
          const union = tempKey();
          tx.zunionstore(union, sets.length, ...sets);
          keys.push(union);
        }
      }
      if (keys.length === 1) sources.push(keys[0]!);
      else {
        const inter = tempKey();
        tx.zinterstore(inter, keys.length, ...keys);
        sources.push(inter);
      }
    });
    if (sources.length === 0) return { items: [], nextAfter: undefined, prefixLimited: limited };
    let source = sources[0]!;
    if (sources.length > 1) {
      source = tempKey();
      tx.zunionstore(source, sources.length, ...sources);
    }
    for (const k of temp) tx.pexpire(k, TEMP_TTL_MS);
    try {
      if (temp.length > 0) await tx.exec();
      else tx.discard();
      return { ...(await this.page(p, q, source)), prefixLimited: limited };
    } finally {
      if (temp.length > 0) await this.redis.del(...temp);
    }
  }

  private async page(p: Principal, q: SearchRequest, source: string): Promise<Omit<SearchPage, 'prefixLimited'>> {
    const items: ImageRecord[] = [];
    let bound = q.after !== undefined ? `(${q.after}` : '+';
    let exhausted = false;
    let lastSeen: string | undefined;
    for (let round = 0; round < MAX_ROUNDS && items.length <= q.limit && !exhausted; round++) {
      const ids = await this.redis.zrevrangebylex(source, bound, '-', 'LIMIT', 0, ROUND);
      exhausted = ids.length < ROUND;
      if (ids.length > 0) bound = `(${ids[ids.length - 1]}`;
      const records = await this.index.getMany(ids);
      for (let i = 0; i < ids.length && items.length <= q.limit; i++) {
        lastSeen = ids[i];
        const r = records[i];
        if (r && (await this.stillMatches(p, q, r))) items.push(r);
      }
    }
    const more = items.length > q.limit;
    const page = items.slice(0, q.limit);
    // A scan cut short by MAX_ROUNDS goes on from the last candidate it looked at.
    const nextAfter = more ? page[page.length - 1]?.id : exhausted ? undefined : lastSeen;
    return { items: page, nextAfter };
  }

  /** The candidate as it is now: visible to the caller, of the owner and tag asked for, with every term. */
  private async stillMatches(p: Principal, q: SearchRequest, r: ImageRecord): Promise<boolean> {
    if (q.ownerId !== undefined && r.ownerId !== q.ownerId) return false;
    if (q.tag !== undefined && !r.meta.tags.some((t) => foldTag(t) === q.tag)) return false;
    if (!matchesTerms(imageTerms(r.meta).tokens, q.terms)) return false;
    return this.guard.canView(p, r);
  }

  private async grantFacts(p: Principal, ownerId: string | undefined) {
    if (p.kind !== 'user') return { ownerGranted: false, grantingOwners: [] };
    if (ownerId !== undefined) return { ownerGranted: ownerId !== p.userId && (await this.grants.isGranted(ownerId, p.userId)), grantingOwners: [] };
    return { ownerGranted: false, grantingOwners: await this.grants.ownersViewableBy(p.userId) };
  }

  private async expandPrefix(plans: ScopePlan[], prefix: string | undefined): Promise<{ expansions: string[][]; limited: boolean }> {
    if (prefix === undefined) return { expansions: [], limited: false };
    const pipeline = this.redis.pipeline();
    // Every token starting with the prefix sorts from `[prefix` to the prefix followed by byte 0xff (above any UTF-8 byte).
    const high = Buffer.concat([Buffer.from(`[${prefix}`), Buffer.from([0xff])]);
    for (const plan of plans) pipeline.zrangebylex(redisKeys.searchVocab(plan.scope), `[${prefix}`, high, 'LIMIT', 0, PREFIX_EXPANSION + 1);
    const replies = (await pipeline.exec()) ?? [];
    let limited = false;
    const expansions = replies.map(([err, tokens]) => {
      if (err) throw err;
      const list = tokens as string[];
      if (list.length > PREFIX_EXPANSION) limited = true;
      return list.slice(0, PREFIX_EXPANSION);
    });
    return { expansions, limited };
  }
}
