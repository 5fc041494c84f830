--[[
  Deletes a hash field only if it still holds the given value: forgets an image's live resize
  job only if no newer job replaced it.

  KEYS[1]  the hash
  ARGV[1]  the field
  ARGV[2]  the value it must hold

  Returns 1 when deleted, 0 otherwise.
]]
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
