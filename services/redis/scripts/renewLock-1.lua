--[[
  Extends a lock's expiry only if it is still held under the given token (redis/short-lock.ts):
  a holder whose work outlasts the expiry keeps the lock, one that lost it does not take it back.

  KEYS[1]  the lock
  ARGV[1]  the holder's token
  ARGV[2]  the new time to live (ms)

  Returns 1 when extended, 0 when the lock is gone or held by another.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
