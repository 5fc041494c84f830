--[[
  Applies one comment event to one recipient, once (sharing/notifications.ts). The event id is
  recorded in the recipient's applied set in the same script that counts it, so a redelivery
  finds it and changes nothing. The batch is chosen by the event's own time, not the clock, so
  a replay lands where the first delivery would have. All keys carry the recipient's `{u:<id>}`.

  KEYS[1]  applied event ids (zset, scored by event ms)
  KEYS[2]  open batch per image (hash: image id → notification id)
  KEYS[3]  the notifications (zset of ids)
  KEYS[4]  the unread ids (set)
  KEYS[5]  the notifications' JSON (hash)
  ARGV[1]  event id          ARGV[2]  event ms        ARGV[3]  image id
  ARGV[4]  comment id        ARGV[5]  author id       ARGV[6]  id for a new batch
  ARGV[7]  window ms         ARGV[8]  applied retention ms
  ARGV[9]  max kept          ARGV[10] latest kept

  Returns 1 when applied, 0 when this event was already applied.
]]
local eventMs = tonumber(ARGV[2])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs - tonumber(ARGV[8]))
redis.call('ZADD', KEYS[1], eventMs, ARGV[1])
local id = redis.call('HGET', KEYS[2], ARGV[3])
local n
if id then
  local json = redis.call('HGET', KEYS[5], id)
  if json then n = cjson.decode(json) end
end
if n and eventMs >= n.firstMs and eventMs - n.firstMs < tonumber(ARGV[7]) then
  n.count = n.count + 1
  if eventMs > n.lastMs then n.lastMs = eventMs end
else
  id = ARGV[6]
  n = { id = id, imageId = ARGV[3], count = 1, firstMs = eventMs, lastMs = eventMs, latest = {} }
  redis.call('HSET', KEYS[2], ARGV[3], id)
  redis.call('ZADD', KEYS[3], 0, id)
end
table.insert(n.latest, { commentId = ARGV[4], authorId = ARGV[5] })
while #n.latest > tonumber(ARGV[10]) do table.remove(n.latest, 1) end
redis.call('HSET', KEYS[5], id, cjson.encode(n))
redis.call('SADD', KEYS[4], id)
local over = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[9])
if over > 0 then
  for _, old in ipairs(redis.call('ZRANGE', KEYS[3], 0, over - 1)) do
    local json = redis.call('HGET', KEYS[5], old)
    if json then
      local img = cjson.decode(json).imageId
      if redis.call('HGET', KEYS[2], img) == old then redis.call('HDEL', KEYS[2], img) end
    end
    redis.call('HDEL', KEYS[5], old)
    redis.call('SREM', KEYS[4], old)
    redis.call('ZREM', KEYS[3], old)
  end
end
return 1
