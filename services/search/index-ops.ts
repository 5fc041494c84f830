import type { ChainableCommander } from 'ioredis';
import type { ImageRecord } from '../images/image-record.js';
import { ownerHash } from './doc-record.js';
import { imageTerms } from './fold-tokens.js';
import { APPLY_DOC } from './scripts/apply-doc.js';
import { searchBase, searchKeys, searchShardOf } from './search-keys.js';

/** What an image's place in the search index depends on. */
export type SearchFacts = Pick<ImageRecord, 'id' | 'ownerId' | 'visibility' | 'deletedAt' | 'meta'>;

/** Tag terms start with '#', which no token contains (tokens are letters, marks and digits). */
export const tagTerm = (foldedTag: string) => `#${foldedTag}`;

/** The terms an image is found by: its tokens and its '#'-tags; none once deleted. */
export function searchTerms(r: SearchFacts | undefined): string[] {
  if (!r || r.deletedAt !== undefined) return [];
  const { tokens, tags } = imageTerms(r.meta);
  return [...tokens, ...tags.map(tagTerm)];
}

export interface SearchOps {
  id: string;
  shard: number;
  /** 'put': the image is indexed as `next` says (numbered if its shard has not yet); 'drop': it leaves the index; 'none': nothing to do. */
  op: 'put' | 'drop' | 'none';
  ownerId: string;
  /** Whose postings the image leaves (the owner it had). */
  previousOwnerId: string;
  public: boolean;
  /** Not deleted: found by searches. A deleted image keeps its number (a restore finds its place again) but no terms. */
  live: boolean;
  /** Every term of the image as it is now: a shard that has not numbered it yet adds them all. */
  terms: string[];
  add: string[];
  remove: string[];
}

/**
 * The index changes that take an image from how it was to how it is (either may be absent):
 * the terms that changed, plus the image's own facts (owner, visibility, liveness), which are
 * written on every put (a few bytes) so an index that lost the image heals on its next write.
 * Pure, so the record's MULTI, reindex and the benchmark apply the very same changes.
 */
export function searchIndexOps(previous: SearchFacts | undefined, next: SearchFacts | undefined): SearchOps {
  const id = (next ?? previous)?.id ?? '';
  const before = searchTerms(previous);
  const after = searchTerms(next);
  const had = new Set(before);
  const has = new Set(after);
  const ownerId = next?.ownerId ?? previous?.ownerId ?? '';
  return {
    id,
    shard: searchShardOf(id),
    op: next ? 'put' : previous ? 'drop' : 'none',
    ownerId,
    previousOwnerId: previous?.ownerId ?? ownerId,
    public: next?.visibility === 'public',
    live: next !== undefined && next.deletedAt === undefined,
    terms: after,
    add: after.filter((t) => !had.has(t)),
    remove: before.filter((t) => !has.has(t)),
  };
}

/** The script's keys and arguments for one image (scripts/apply-doc.ts lists them). */
export function applyDocArgs(ops: SearchOps, guardKey?: string): (string | number)[] {
  const s = ops.shard;
  const keys = [
    guardKey ?? searchKeys.state(s),
    searchKeys.state(s),
    searchKeys.docs(s),
    searchKeys.docOf(s, ops.id),
    searchKeys.late(s),
    searchKeys.public(s),
    searchKeys.owner(s, ops.ownerId),
    searchKeys.owner(s, ops.previousOwnerId),
    searchKeys.vocabBuckets(s),
  ];
  const lists = [ops.terms, ops.add, ops.remove].flatMap((l) => [l.length, ...l]);
  return [keys.length, ...keys, searchBase(s), ops.id, guardKey ? '1' : '0', ops.op, ownerHash(ops.ownerId), ops.public ? '1' : '0', ops.live ? '1' : '0', ...lists];
}

type ScriptCaller = Record<'imgsvcSearchApply', (...args: (string | number)[]) => unknown>;

function queue(tx: ChainableCommander, args: (string | number)[]): void {
  // EVALSHA when the client has the script defined (SearchIndex defines it); EVAL otherwise.
  const defined = (tx as unknown as Partial<ScriptCaller>).imgsvcSearchApply;
  if (typeof defined === 'function') defined.apply(tx, args);
  else tx.eval(APPLY_DOC, ...(args as [number, ...(string | number)[]]));
}

/** Queues the changes on a MULTI (or a pipeline): in a MULTI they land with the record, or not at all. */
export function applySearchOps(tx: ChainableCommander, ops: SearchOps): void {
  if (ops.op === 'none') return;
  queue(tx, applyDocArgs(ops));
}

/**
 * For the upload's pivot: queued right after the create-and-enqueue script on the same MULTI,
 * so the new image is searchable in the same atomic step, and not at all if another upload of
 * the same bytes won (then the pivot wrote no record: the id is new, so its record exists only
 * if this upload created it). The record is in the image's shard, so the step is one slot.
 */
export function applySearchAddsIfCreated(tx: ChainableCommander, recordRedisKey: string, _id: string, ops: SearchOps): void {
  if (ops.op === 'none') return;
  queue(tx, applyDocArgs(ops, recordRedisKey));
}

export { APPLY_DOC };
