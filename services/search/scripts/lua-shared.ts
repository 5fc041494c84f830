import { BITMAP_MIN_DOCS } from '../postings.js';
import { DOC_RECORD_BYTES } from '../doc-record.js';

/**
 * Lua shared by the search scripts: 4-byte integers, postings (postings.ts describes the
 * layout), doc records (doc-record.ts) and vocabulary buckets. Lua numbers are doubles, exact
 * for every doc number and 32-bit hash used here.
 */
export const LUA_SHARED = `
local R = ${DOC_RECORD_BYTES}
local function u32(s, i)
  local a, b, c, d = string.byte(s, i, i + 3)
  return ((a * 256 + b) * 256 + c) * 256 + d
end
local function p32(n)
  return string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end
local function arrAt(s, k) return u32(s, 2 + 4 * (k - 1)) end
-- The first index (1-based) of an array of postings whose doc is >= doc; count + 1 when none.
local function lowerBound(s, doc)
  local lo, hi = 1, (#s - 1) / 4 + 1
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if arrAt(s, mid) < doc then lo = mid + 1 else hi = mid end
  end
  return lo
end
local function prefersBitmap(count, seq) return count >= ${BITMAP_MIN_DOCS} and count * 32 >= seq end
local function bitOf(byte, i) return math.floor(byte / 2 ^ (7 - i)) % 2 == 1 end
local function toBitmap(docs)
  local bytes = {}
  local top = 0
  for _, d in ipairs(docs) do
    local at = math.floor(d / 8) + 1
    if at > top then top = at end
    bytes[at] = (bytes[at] or 0) + 2 ^ (7 - d % 8)
  end
  local out = {'B'}
  for i = 1, top do out[i + 1] = string.char(bytes[i] or 0) end
  return table.concat(out)
end
-- Adds doc to the postings at key; true when the key was created.
local function postAdd(key, doc, seq)
  local s = redis.call('GET', key)
  if not s then redis.call('SET', key, 'A' .. p32(doc)); return true end
  if string.sub(s, 1, 1) == 'B' then redis.call('SETBIT', key, 8 + doc, 1); return false end
  local n = (#s - 1) / 4
  local at = lowerBound(s, doc)
  if at <= n and arrAt(s, at) == doc then return false end
  if prefersBitmap(n + 1, seq) then
    local docs = {}
    for k = 1, n do docs[k] = arrAt(s, k) end
    docs[n + 1] = doc
    redis.call('SET', key, toBitmap(docs))
  else
    -- SET, not APPEND: APPEND grows the string to twice its size, and postings are most of the index.
    redis.call('SET', key, string.sub(s, 1, 1 + 4 * (at - 1)) .. p32(doc) .. string.sub(s, 2 + 4 * (at - 1)))
  end
  return false
end
-- Removes doc from the postings at key; true when the key is gone (or was never there).
local function postRemove(key, doc)
  local head = redis.call('GETRANGE', key, 0, 0)
  if head == '' then return true end
  if head == 'B' then
    redis.call('SETBIT', key, 8 + doc, 0)
    if redis.call('BITCOUNT', key) == 0 then redis.call('DEL', key); return true end
    return false
  end
  local s = redis.call('GET', key)
  local n = (#s - 1) / 4
  local at = lowerBound(s, doc)
  if at > n or arrAt(s, at) ~= doc then return false end
  if n == 1 then redis.call('DEL', key); return true end
  redis.call('SET', key, string.sub(s, 1, 1 + 4 * (at - 1)) .. string.sub(s, 2 + 4 * at))
  return false
end
-- A token's vocabulary bucket: its first three code points (UTF-8 lead bytes counted).
local function bucketOf(token)
  local count = 0
  for i = 1, #token do
    local b = string.byte(token, i)
    if b < 128 or b >= 192 then
      count = count + 1
      if count == 4 then return string.sub(token, 1, i - 1) end
    end
  end
  return token
end
local function readRecord(docsKey, doc)
  local r = redis.call('GETRANGE', docsKey, doc * R, doc * R + R - 1)
  if #r < R then return nil end
  return r
end
local function recordFlags(r) return string.byte(r, R) end
local function hasFlag(flags, f) return math.floor(flags / f) % 2 == 1 end
`;
