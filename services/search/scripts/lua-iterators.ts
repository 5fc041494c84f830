/**
 * Lua for the query script: descending iterators over postings (an array, a bitmap, the union
 * of several) and the successor of an image id. Included after LUA_SHARED (lua-shared.ts).
 */
export const LUA_ITERATORS = `
-- Descending iterators over docs below top.
local function arrayIter(l, top)
  local k = lowerBound(l.s, top) - 1
  return function()
    if k < 1 then return nil end
    local d = arrAt(l.s, k)
    k = k - 1
    return d
  end
end
local function bitsIter(l, top)
  local d = math.min(top - 1, (l.len - 1) * 8 - 1)
  local chunkLo, chunk = 0, nil
  return function()
    while d >= 0 do
      local bi = 1 + math.floor(d / 8)
      if chunk == nil or bi < chunkLo then
        chunkLo = math.max(1, bi - 255)
        chunk = redis.call('GETRANGE', l.key, chunkLo, bi)
      end
      local byte = string.byte(chunk, bi - chunkLo + 1) or 0
      if byte == 0 then
        d = (bi - 1) * 8 - 1
      else
        local cur = d
        d = d - 1
        if bitOf(byte, cur % 8) then return cur end
      end
    end
    return nil
  end
end
local function unionIter(req, top)
  local its, heads = {}, {}
  for i, l in ipairs(req.lists) do
    its[i] = l.bits and bitsIter(l, top) or arrayIter(l, top)
    heads[i] = its[i]()
  end
  return function()
    local best = nil
    for i = 1, #its do
      local h = heads[i]
      if h and (best == nil or h > best) then best = h end
    end
    if best == nil then return nil end
    for i = 1, #its do if heads[i] == best then heads[i] = its[i]() end end
    return best
  end
end

-- The smallest image id greater than id: a bound that keeps id itself below it.
local CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
local function successor(id)
  for i = #id, 1, -1 do
    local at = string.find(CROCKFORD, string.sub(id, i, i), 1, true)
    if at and at < 32 then return string.sub(id, 1, i - 1) .. string.sub(CROCKFORD, at + 1, at + 1) .. string.rep('0', #id - i) end
  end
  return id .. '0'
end
`;
