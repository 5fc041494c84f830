import type { Redis } from 'ioredis';
import type { ImageGuard } from '../access/image-guard.js';
import type { Principal } from '../accounts/principal.js';
import type { ViewerGrants } from '../accounts/viewer-grants.js';
import { allShards } from '../core/shards.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { foldTag } from '../images/metadata.js';
import { ownerFilter, ownerHash, vocabBucket, type OwnerFilter } from './doc-record.js';
import { imageTerms } from './fold-tokens.js';
import { APPLY_DOC, tagTerm } from './index-ops.js';
import { mergeShardAnswers, parseShardReply, type ShardAnswer } from './merge-shards.js';
import { matchesTerms, type SearchTerms } from './parse-query.js';
import { pipelineBySlot } from '../redis/slot-pipeline.js';
import { QUERY_SHARD } from './scripts/query-shard.js';
import { searchBase, searchKeys, searchShardCount } from './search-keys.js';
import { visibilityPlan, type VisibilityPlan } from './search-scopes.js';

/** Tokens a prefix may stand for, per shard (the first ones in code-point order): bounds the union a one-letter prefix costs. */
export const PREFIX_EXPANSION = 64;
/** Docs one shard examines per round: bounds a query whose lists are long but rarely meet. */
export const SHARD_BUDGET = 1_000;
/** Rounds per page: a page cut short hands back a cursor from where it stopped. */
export const MAX_ROUNDS = 4;
/** Owners whose postings may drive a query (with the public ones): a few, so their union stays short. */
const MAX_DRIVER_OWNERS = 32;

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
  /** Whether the prefix matched more tokens than PREFIX_EXPANSION in some shard (results may be incomplete). */
  prefixLimited: boolean;
}

type ShardCaller = Record<'imgsvcSearchShard', (...args: (string | number | Buffer)[]) => Promise<unknown>>;

/**
 * Queries over the sharded token index (docs/search.md): each shard answers its newest
 * matches the caller may see, in one script; the answers merge by id; each candidate is then
 * re-checked against its current record, with the access guard and the terms, so a change the
 * index has not caught up with never leaks.
 */
export class SearchIndex {
  constructor(
    private readonly redis: Redis,
    private readonly index: ImageIndex,
    private readonly guard: ImageGuard,
    private readonly grants: ViewerGrants,
    /** Smaller bounds let the tests reach pages cut short. */
    private readonly bounds: { shardBudget: number; maxRounds: number } = { shardBudget: SHARD_BUDGET, maxRounds: MAX_ROUNDS },
  ) {
    redis.defineCommand('imgsvcSearchShard', { lua: QUERY_SHARD });
    // The record's MULTI applies index changes with EVALSHA once this client knows the script.
    redis.defineCommand('imgsvcSearchApply', { lua: APPLY_DOC });
  }

  async search(p: Principal, q: SearchRequest): Promise<SearchPage> {
    const plan = visibilityPlan(p, q.ownerId, await this.grantFacts(p, q.ownerId));
    const filter = ownerFilter(plan.owners);
    const items: ImageRecord[] = [];
    let after = q.after;
    let live = allShards(searchShardCount());
    let prefixLimited = false;
    let more = true;
    for (let round = 0; round < this.bounds.maxRounds && more && items.length <= q.limit; round++) {
      const need = q.limit + 1 - items.length;
      // The newest matches spread over the shards: the first round asks each for about its share
      // (twice over, plus two); a shard that had more says so with its floor, and a later round asks for all.
      const share = round === 0 ? Math.min(need, Math.ceil((2 * need) / live.length) + 2) : need;
      const answers = await this.queryShards(live, q, plan, filter, after, share);
      const merged = mergeShardAnswers(answers);
      prefixLimited ||= merged.prefixLimited;
      // A shard is done once it is exhausted and everything it answered was taken in this round.
      live = live.filter((_, i) => answers[i]!.floor !== undefined || answers[i]!.ids.some((id) => merged.floor !== undefined && id < merged.floor));
      const records = await this.index.getMany(merged.ids);
      for (let i = 0; i < merged.ids.length && items.length <= q.limit; i++) {
        const r = records[i];
        if (r && (await this.stillMatches(p, q, r))) items.push(r);
      }
      more = merged.floor !== undefined;
      after = merged.floor;
    }
    const page = items.slice(0, q.limit);
    // A full page goes on after its last item; one cut short by MAX_ROUNDS from where the shards stopped.
    const nextAfter = items.length > q.limit ? page[page.length - 1]?.id : more ? after : undefined;
    return { items: page, nextAfter, prefixLimited };
  }

  /** Each live shard's answer, in the order of `shards`: one script per shard, sent as one pipeline per node. */
  private async queryShards(shards: number[], q: SearchRequest, plan: VisibilityPlan, filter: OwnerFilter, after: string | undefined, need: number): Promise<ShardAnswer[]> {
    const terms = [...q.terms.exact, ...(q.tag !== undefined ? [tagTerm(q.tag)] : [])];
    const prefix = q.terms.prefix ?? '';
    const drivers = plan.owners.length <= MAX_DRIVER_OWNERS ? [plan.owners.length, ...plan.owners] : [];
    const shared = [
      after ?? '', need, this.bounds.shardBudget, filter.bits, filter.bytes,
      plan.onlyOwner !== undefined ? ownerHash(plan.onlyOwner) : '', plan.onlyOwner ?? '',
      prefix, [...prefix].length >= 3 ? vocabBucket(prefix) : '', PREFIX_EXPANSION,
      terms.length, ...terms, ...drivers,
    ];
    const replies = await pipelineBySlot<unknown>(this.redis, shards.map(searchKeys.state), (p, stateKey, i) => {
      const shard = shards[i]!;
      const keys = [stateKey, searchKeys.docs(shard), searchKeys.late(shard), searchKeys.vocabBuckets(shard), searchKeys.public(shard)];
      (p as unknown as ShardCaller).imgsvcSearchShard(keys.length, ...keys, searchBase(shard), ...shared);
    });
    return replies.map(([err, reply]) => {
      if (err) throw err;
      return parseShardReply(reply);
    });
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
}
