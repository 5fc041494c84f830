--[[
  The user's side of removing a favorite (sharing/favorites.ts). Both keys carry the user's tag.

  KEYS[1]  the user's image → favorite id map (hash)
  KEYS[2]  the user's favorites (zset of `<favorite id>:<image id>`)
  ARGV[1]  the image id

  Returns 1 when removed, 0 when there was none.
]]
local had = redis.call('HGET', KEYS[1], ARGV[1])
if not had then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], had .. ':' .. ARGV[1])
return 1
