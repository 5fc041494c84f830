import type { ChainableCommander } from 'ioredis';
import type { ImageRecord } from '../images/image-record.js';
import { redisKeys } from '../redis/keys.js';
import { imageTerms } from './fold-tokens.js';

/** What an image's place in the search index depends on. */
export type SearchFacts = Pick<ImageRecord, 'id' | 'ownerId' | 'visibility' | 'deletedAt' | 'meta'>;

export const PUBLIC_SCOPE = 'pub';
export const privateScope = (ownerId: string) => `priv:${ownerId}`;
/** Tag terms start with '#', which no token contains (tokens are letters, marks and digits). */
export const tagTerm = (foldedTag: string) => `#${foldedTag}`;

/** The scope an image is searched in: public images once for everyone, private ones in their owner's; deleted ones nowhere. */
export function searchScope(r: Pick<ImageRecord, 'ownerId' | 'visibility' | 'deletedAt'>): string | undefined {
  if (r.deletedAt !== undefined) return undefined;
  return r.visibility === 'public' ? PUBLIC_SCOPE : privateScope(r.ownerId);
}

export interface SearchOps {
  /** [term set, image id] to ZADD. */
  add: [string, string][];
  /** [term set, image id] to ZREM. */
  remove: [string, string][];
  /** [vocabulary, token] to ZADD: the token now has an image in that scope. */
  vocabAdd: [string, string][];
  /** [term set, vocabulary, token]: drop the token from the vocabulary if its set became empty. */
  vocabPrune: [string, string, string][];
}

function entries(r: SearchFacts | undefined): Map<string, { scope: string; token?: string }> {
  const out = new Map<string, { scope: string; token?: string }>();
  const scope = r && searchScope(r);
  if (!r || !scope) return out;
  const { tokens, tags } = imageTerms(r.meta);
  for (const token of tokens) out.set(redisKeys.searchTerm(scope, token), { scope, token });
  for (const tag of tags) out.set(redisKeys.searchTerm(scope, tagTerm(tag)), { scope });
  return out;
}

/**
 * The index changes that take an image from how it was to how it is (either may be absent):
 * only the difference, so a title edit touches the few tokens that changed. Pure, so the
 * record's MULTI, reindex and the benchmark all apply the very same changes.
 */
export function searchIndexOps(previous: SearchFacts | undefined, next: SearchFacts | undefined): SearchOps {
  const id = (next ?? previous)?.id ?? '';
  const before = entries(previous);
  const after = entries(next);
  const ops: SearchOps = { add: [], remove: [], vocabAdd: [], vocabPrune: [] };
  for (const [key, e] of before) {
    if (after.has(key)) continue;
    ops.remove.push([key, id]);
    if (e.token !== undefined) ops.vocabPrune.push([key, redisKeys.searchVocab(e.scope), e.token]);
  }
  for (const [key, e] of after) {
    if (before.has(key)) continue;
    ops.add.push([key, id]);
    if (e.token !== undefined) ops.vocabAdd.push([redisKeys.searchVocab(e.scope), e.token]);
  }
  return ops;
}

/** Removes each token whose term set is now empty from its scope's vocabulary. */
const PRUNE_VOCAB = `
for i = 1, #ARGV do
  if redis.call('EXISTS', KEYS[2 * i - 1]) == 0 then redis.call('ZREM', KEYS[2 * i], ARGV[i]) end
end
return 0
`;

/** Queues the changes on a MULTI (or a pipeline): in a MULTI they land with the record, or not at all. */
export function applySearchOps(tx: ChainableCommander, ops: SearchOps): void {
  for (const [key, id] of ops.remove) tx.zrem(key, id);
  for (const [key, id] of ops.add) tx.zadd(key, 0, id);
  for (const [vocab, token] of ops.vocabAdd) tx.zadd(vocab, 0, token);
  if (ops.vocabPrune.length > 0) {
    tx.eval(PRUNE_VOCAB, ops.vocabPrune.length * 2, ...ops.vocabPrune.flatMap(([set, vocab]) => [set, vocab]), ...ops.vocabPrune.map(([, , token]) => token));
  }
}

/** Adds an image's entries only if KEYS[1] (its dedup entry) names it: the upload's script won the race. */
const ADD_IF_CREATED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[2])
for i = 1, n do redis.call('ZADD', KEYS[1 + i], 0, ARGV[1]) end
for i = 1, #ARGV - 2 do redis.call('ZADD', KEYS[1 + n + i], 0, ARGV[2 + i]) end
return 1
`;

/**
 * For the upload's pivot: queued right after the create-and-enqueue script on the same MULTI,
 * so the new image is searchable in the same atomic step, and not at all if another upload of
 * the same bytes won (then the dedup entry names the other image).
 */
export function applySearchAddsIfCreated(tx: ChainableCommander, dedupRedisKey: string, id: string, ops: SearchOps): void {
  if (ops.add.length === 0) return;
  const keys = [dedupRedisKey, ...ops.add.map(([key]) => key), ...ops.vocabAdd.map(([vocab]) => vocab)];
  tx.eval(ADD_IF_CREATED, keys.length, ...keys, id, ops.add.length, ...ops.vocabAdd.map(([, token]) => token));
}
