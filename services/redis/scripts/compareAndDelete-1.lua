--[[
  Deletes a key only if it still holds the given value: releasing a lock held under a token,
  or freeing a dedup entry only if it still names this image. The one copy of this pattern.

  KEYS[1]  the key
  ARGV[1]  the value it must hold

  Returns 1 when deleted, 0 otherwise.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
