import { FLAG_LATE, FLAG_LIVE, FLAG_PUBLIC, ID_BYTES } from '../doc-record.js';
import { LUA_ITERATORS } from './lua-iterators.js';
import { LUA_SHARED } from './lua-shared.js';

/**
 * search-query-shard: up to `need` images of one shard that have every term (and a token
 * starting with the prefix), that the caller may see and that are older than `after`, newest
 * first. The smallest of the lists involved drives: the rarest term's postings, the prefix's
 * union, the owner's postings, or the caller's visible postings (public plus the owners who
 * granted them, when they are few); the others are probed per candidate. Docs are numbered in
 * id order, so the newest matches are the greatest docs and a page reads the end of each list.
 * Images numbered out of order ('late') are read from their own small sorted set.
 *
 * KEYS[1] state   KEYS[2] docs   KEYS[3] late   KEYS[4] vocabulary buckets   KEYS[5] public postings
 * ARGV[1] the shard's key base   ARGV[2] after (an image id, or '')   ARGV[3] need   ARGV[4] budget (docs examined)
 * ARGV[5] owner filter bits (0: no private images visible)   ARGV[6] owner filter bytes
 * ARGV[7] only this owner's hash, or ''   ARGV[8] only this owner's id, or ''
 * ARGV[9] prefix, or ''   ARGV[10] the prefix's vocabulary bucket when it has three code points, or ''
 * ARGV[11] prefix expansion limit
 * then a counted list of exact terms and a counted list of owners whose postings may drive (absent: too many).
 * Returns {exhausted 0|1, prefix limited 0|1, floor, ids…}: every image of the shard matching
 * with an id >= floor is among ids (floor '' when exhausted).
 */
export const QUERY_SHARD = `${LUA_SHARED}${LUA_ITERATORS}
local base, after = ARGV[1], ARGV[2]
local need, budget = tonumber(ARGV[3]), tonumber(ARGV[4])
local fbits, fbytes = tonumber(ARGV[5]), ARGV[6]
local onlyOwner = ARGV[7] ~= '' and tonumber(ARGV[7]) or nil
local onlyOwnerId = ARGV[8]
local prefix, prefixBucket, expansion = ARGV[9], ARGV[10], tonumber(ARGV[11])
local pos = 12
local function list()
  local n = tonumber(ARGV[pos])
  if n == nil then return nil end
  local out = {}
  for i = 1, n do out[i] = ARGV[pos + i] end
  pos = pos + n + 1
  return out
end
local terms = list()
local driverOwners = list()
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if seq == 0 then return {1, 0, ''} end

local function open(key)
  local head = redis.call('GETRANGE', key, 0, 0)
  if head == '' then return nil end
  if head == 'B' then return {bits = true, key = key, n = redis.call('BITCOUNT', key), len = redis.call('STRLEN', key)} end
  local s = redis.call('GET', key)
  return {bits = false, key = key, s = s, n = (#s - 1) / 4}
end
local function has(l, d)
  if l.bits then return redis.call('GETBIT', l.key, 8 + d) == 1 end
  local at = lowerBound(l.s, d)
  return at <= l.n and arrAt(l.s, at) == d
end
-- A requirement: one list, or a union (the prefix's tokens, the visible postings).
local function one(l) return {lists = {l}, n = l.n} end
local function union(ls)
  local n = 0
  for _, l in ipairs(ls) do n = n + l.n end
  return {lists = ls, n = n}
end
local function satisfied(req, d)
  for _, l in ipairs(req.lists) do if has(l, d) then return true end end
  return false
end

local reqs = {}
for _, t in ipairs(terms) do
  local l = open(base .. 't:' .. t)
  if not l then return {1, 0, ''} end
  reqs[#reqs + 1] = one(l)
end
local limited = 0
if prefix ~= '' then
  local high = '[' .. prefix .. '\\255'
  local tokens = {}
  local buckets = prefixBucket ~= '' and {prefixBucket} or redis.call('ZRANGEBYLEX', KEYS[4], '[' .. prefix, high, 'LIMIT', 0, expansion + 1)
  for _, b in ipairs(buckets) do
    local got = redis.call('ZRANGEBYLEX', base .. 'v:' .. b, '[' .. prefix, high, 'LIMIT', 0, expansion + 1 - #tokens)
    for _, t in ipairs(got) do tokens[#tokens + 1] = t end
    if #tokens > expansion then break end
  end
  if #tokens > expansion then limited = 1; tokens[#tokens] = nil end
  local ls = {}
  for _, t in ipairs(tokens) do
    local l = open(base .. 't:' .. t)
    if l then ls[#ls + 1] = l end
  end
  if #ls == 0 then return {1, limited, ''} end
  reqs[#reqs + 1] = union(ls)
end

-- Candidate drivers that are not requirements (visibility is checked on the doc's record anyway).
local extra = {}
if onlyOwnerId ~= '' then
  local l = open(base .. 'o:' .. onlyOwnerId)
  if not l then return {1, limited, ''} end
  extra[#extra + 1] = one(l)
end
if driverOwners then
  local ls = {}
  local p = open(KEYS[5])
  if p then ls[#ls + 1] = p end
  for _, o in ipairs(driverOwners) do
    local l = open(base .. 'o:' .. o)
    if l then ls[#ls + 1] = l end
  end
  if #ls == 0 then return {1, limited, ''} end
  extra[#extra + 1] = union(ls)
end
local driver = nil
for _, r in ipairs(reqs) do if driver == nil or r.n < driver.n then driver = r end end
for _, r in ipairs(extra) do if driver == nil or r.n < driver.n then driver = r end end
if driver == nil then return {1, limited, ''} end

local function visible(r)
  local flags = recordFlags(r)
  if not hasFlag(flags, ${FLAG_LIVE}) then return false end
  local owner = u32(r, ${ID_BYTES + 1})
  if onlyOwner and owner ~= onlyOwner then return false end
  if hasFlag(flags, ${FLAG_PUBLIC}) then return true end
  if fbits == 0 then return false end
  local i = owner % fbits
  return bitOf(string.byte(fbytes, math.floor(i / 8) + 1), i % 8)
end
local function matches(d, skip)
  for _, r in ipairs(reqs) do
    if r ~= skip and not satisfied(r, d) then return false end
  end
  return true
end
local function isLate(r) return hasFlag(recordFlags(r), ${FLAG_LATE}) end
local function idOf(r) return string.sub(r, 1, ${ID_BYTES}) end

-- Where 'after' falls: below top are the docs numbered in order with an id < after (late docs are skipped anyway).
local function nonLateDown(m, low)
  local r = m > low and readRecord(KEYS[2], m) or nil
  while m > low and (r == nil or isLate(r)) do
    m = m - 1
    r = m > low and readRecord(KEYS[2], m) or nil
  end
  return m, r
end
local top = seq + 1
if after ~= '' then
  -- The greatest doc numbered in order whose id is < after (0: none).
  local lo, hi = 0, seq
  while lo < hi do
    local mid = math.floor((lo + hi + 1) / 2)
    local m, r = nonLateDown(mid, lo)
    if m == lo then
      m = mid + 1
      r = m <= hi and readRecord(KEYS[2], m) or nil
      while m <= hi and (r == nil or isLate(r)) do
        m = m + 1
        r = m <= hi and readRecord(KEYS[2], m) or nil
      end
    end
    if m > hi then hi = lo
    elseif idOf(r) < after then lo = m
    else hi = m - 1 end
  end
  top = lo + 1
end

-- Union requirements are checked a batch of candidates at a time: each of their lists is read
-- once over the batch's range of docs (or probed per doc when that costs less), so a prefix of
-- 64 tokens costs about one pass over what falls in the range, not 64 probes per candidate.
local function batchSets(batch)
  local sets = {}
  local hi, lo = batch[1], batch[#batch]
  for ri, req in ipairs(reqs) do
    if req ~= driver and #req.lists > 1 then
      local set = {}
      for _, l in ipairs(req.lists) do
        if l.bits then
          local b0 = 1 + math.floor(lo / 8)
          local bytes = redis.call('GETRANGE', l.key, b0, 1 + math.floor(hi / 8))
          for _, d in ipairs(batch) do
            local byte = string.byte(bytes, math.floor(d / 8) + 2 - b0)
            if byte and bitOf(byte, d % 8) then set[d] = true end
          end
        elseif l.n * (hi - lo + 1) <= #batch * 16 * seq then
          local k = lowerBound(l.s, lo)
          while k <= l.n do
            local d = arrAt(l.s, k)
            if d > hi then break end
            set[d] = true
            k = k + 1
          end
        else
          for _, d in ipairs(batch) do if has(l, d) then set[d] = true end end
        end
      end
      sets[ri] = set
    end
  end
  return sets
end
local function inBatch(d, sets)
  for ri, r in ipairs(reqs) do
    if r ~= driver then
      if sets[ri] then
        if not sets[ri][d] then return false end
      elseif not has(r.lists[1], d) then return false end
    end
  end
  return true
end

local found = {}
local floorMain = nil
local it = unionIter(driver, top)
local examined, last = 0, nil
local pending = it()
local size = math.min(64, 2 * need)
while true do
  if #found >= need then floorMain = found[#found]; break end
  if pending == nil then break end
  if examined >= budget then
    -- Cut short: the docs not examined are below the last one examined. Every match at or above
    -- the first doc numbered in order from there up to top is known; with none there, every
    -- match down to the nearest one below it is.
    local m, r = last, readRecord(KEYS[2], last)
    while m < top and r ~= nil and isLate(r) do
      m = m + 1
      r = m < top and readRecord(KEYS[2], m) or nil
    end
    if m < top and r then floorMain = idOf(r)
    else
      local below, rb = nonLateDown(last - 1, 0)
      if below > 0 then floorMain = successor(idOf(rb)) end
    end
    break
  end
  local batch = {}
  while pending ~= nil and #batch < size and examined + #batch < budget do
    batch[#batch + 1] = pending
    pending = it()
  end
  size = math.min(64, size * 2)
  local sets = batchSets(batch)
  for _, d in ipairs(batch) do
    examined = examined + 1
    last = d
    if inBatch(d, sets) then
      local r = readRecord(KEYS[2], d)
      if r and not isLate(r) and visible(r) then
        found[#found + 1] = idOf(r)
        if #found >= need then break end
      end
    end
  end
end

-- Late docs: few, in id order in their own set; probed like any candidate.
local lateFound = {}
local floorLate = nil
local bound = after ~= '' and ('(' .. after) or '+'
local lateExamined = 0
while floorLate == nil do
  local members = redis.call('ZREVRANGEBYLEX', KEYS[3], bound, '-', 'LIMIT', 0, 100)
  for _, m in ipairs(members) do
    local id, d = string.sub(m, 1, ${ID_BYTES}), tonumber(string.sub(m, ${ID_BYTES + 1}))
    if lateExamined >= budget then floorLate = string.sub(bound, 2, ${ID_BYTES + 1}); break end
    lateExamined = lateExamined + 1
    if matches(d, nil) then
      local r = readRecord(KEYS[2], d)
      if r and visible(r) then
        lateFound[#lateFound + 1] = id
        if #lateFound >= need then floorLate = id; break end
      end
    end
    bound = '(' .. m
  end
  if #members < 100 then break end
end

local out = {}
local floor = floorMain
if floorLate and (floor == nil or floorLate > floor) then floor = floorLate end
for _, id in ipairs(found) do out[#out + 1] = id end
for _, id in ipairs(lateFound) do out[#out + 1] = id end
table.sort(out, function(a, b) return a > b end)
local reply = {floor == nil and 1 or 0, limited, floor or ''}
for _, id in ipairs(out) do reply[#reply + 1] = id end
return reply
`;
