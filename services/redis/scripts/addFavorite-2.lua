--[[
  The user's side of a favorite (sharing/favorites.ts): adds it unless the user has this image
  already. Both keys carry the user's tag `{u:<id>}`; the image's side (favoriters, event)
  is the next step, addFavoriter-2.

  KEYS[1]  the user's image → favorite id map (hash)
  KEYS[2]  the user's favorites (zset of `<favorite id>:<image id>`)
  ARGV[1]  the image id
  ARGV[2]  the new favorite id

  Returns the favorite id that holds (the existing one, or ARGV[2]).
]]
local had = redis.call('HGET', KEYS[1], ARGV[1])
if had then return had end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[2] .. ':' .. ARGV[1])
return ARGV[2]
