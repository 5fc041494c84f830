--[[
  Drops expired leases, then takes one if fewer than the limit are held (sharing/download-leases.ts).
  A lease is a member of a sorted set scored by its expiry, so a holder that died frees its
  place by itself.

  KEYS[1]  the holder's leases (zset: token → expiry ms)
  ARGV[1]  now (ms)
  ARGV[2]  the new lease's expiry (ms)
  ARGV[3]  how many leases may be held
  ARGV[4]  the new lease's token

  Returns {1, expiry} when taken, {0, the earliest expiry} when the limit is reached.
]]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, first[2] or ARGV[2]}
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return {1, ARGV[2]}
