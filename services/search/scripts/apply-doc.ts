import { FLAG_LATE, FLAG_LIVE, FLAG_PUBLIC } from '../doc-record.js';
import { LUA_SHARED } from './lua-shared.js';

/**
 * search-apply-doc: one image's place in its shard's index, in one atomic step (queued on the
 * record's MULTI, so it lands with the record or not at all).
 *
 * KEYS[1] guard: the new image's record (applied only if the upload's pivot wrote it) or any key of the shard
 * KEYS[2] state      KEYS[3] docs      KEYS[4] image id → doc bucket      KEYS[5] late
 * KEYS[6] public postings   KEYS[7] the owner's postings   KEYS[8] the previous owner's postings
 * KEYS[9] vocabulary buckets
 * ARGV[1] the shard's key base   ARGV[2] image id   ARGV[3] '1' to check the guard
 * ARGV[4] 'put' | 'drop'   ARGV[5] owner hash   ARGV[6] '1' public   ARGV[7] '1' live
 * then three counted lists of terms: every term of the image, the terms to add, the terms to remove.
 *
 * A put numbers the image when its shard has not (the next doc; 'late' if a greater id was
 * numbered before it) and then adds every term, not only the difference: an index lost while
 * the record stayed (an upgrade, a wipe of the search keys) heals on the image's next write.
 * A drop (the record is gone) removes the terms and forgets the number; the doc's record keeps
 * its id so the docs stay ordered for the cursor's search.
 * Returns 1 when applied, 0 when the guard refused or there was nothing to drop.
 */
export const APPLY_DOC = `${LUA_SHARED}
local base, id = ARGV[1], ARGV[2]
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local op, ownerHash, public, live = ARGV[4], tonumber(ARGV[5]), ARGV[6] == '1', ARGV[7] == '1'
local pos = 8
local function list()
  local n = tonumber(ARGV[pos])
  local out = {}
  for i = 1, n do out[i] = ARGV[pos + i] end
  pos = pos + n + 1
  return out
end
local all, adds, removes = list(), list(), list()
local function vocabAdd(term)
  if string.sub(term, 1, 1) == '#' then return end
  local b = bucketOf(term)
  redis.call('ZADD', base .. 'v:' .. b, 0, term)
  redis.call('ZADD', KEYS[9], 0, b)
end
local function vocabRemove(term)
  if string.sub(term, 1, 1) == '#' then return end
  local b = bucketOf(term)
  local key = base .. 'v:' .. b
  redis.call('ZREM', key, term)
  if redis.call('EXISTS', key) == 0 then redis.call('ZREM', KEYS[9], b) end
end
local function removeTerms(terms, doc)
  for _, t in ipairs(terms) do
    if postRemove(base .. 't:' .. t, doc) then vocabRemove(t) end
  end
end

local doc = redis.call('HGET', KEYS[4], id)
local seq
local late = false
local fresh = false
if doc then
  doc = tonumber(doc)
  local r = readRecord(KEYS[3], doc)
  late = r ~= nil and hasFlag(recordFlags(r), ${FLAG_LATE})
else
  if op == 'drop' then return 0 end
  seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
  doc = seq
  local max = redis.call('HGET', KEYS[2], 'max')
  late = max ~= false and id < max
  if not late then redis.call('HSET', KEYS[2], 'max', id) end
  redis.call('HSET', KEYS[4], id, doc)
  if late then redis.call('ZADD', KEYS[5], 0, id .. doc) end
  fresh = true
end
seq = seq or tonumber(redis.call('HGET', KEYS[2], 'seq'))

if op == 'drop' then
  removeTerms(removes, doc)
  postRemove(KEYS[6], doc)
  postRemove(KEYS[7], doc)
  postRemove(KEYS[8], doc)
  redis.call('SETRANGE', KEYS[3], doc * R, id .. p32(ownerHash) .. string.char(late and ${FLAG_LATE} or 0))
  redis.call('HDEL', KEYS[4], id)
  redis.call('ZREM', KEYS[5], id .. doc)
  return 1
end

local flags = (live and ${FLAG_LIVE} or 0) + (public and ${FLAG_PUBLIC} or 0) + (late and ${FLAG_LATE} or 0)
redis.call('SETRANGE', KEYS[3], doc * R, id .. p32(ownerHash) .. string.char(flags))
removeTerms(removes, doc)
for _, t in ipairs(fresh and all or adds) do
  if postAdd(base .. 't:' .. t, doc, seq) then vocabAdd(t) end
end
if live and public then postAdd(KEYS[6], doc, seq) else postRemove(KEYS[6], doc) end
if KEYS[8] ~= KEYS[7] then postRemove(KEYS[8], doc) end
if live then postAdd(KEYS[7], doc, seq) else postRemove(KEYS[7], doc) end
return 1
`;
