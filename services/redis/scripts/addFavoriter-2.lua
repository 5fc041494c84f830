--[[
  The image's side of a favorite (sharing/favorites.ts), after the user's side: adds the user
  to the image's favoriters and appends `favorite.added` only when they were not there, so a
  retry (or the repair of a step cut short) appends the event once. Both keys carry the image's
  shard tag.

  KEYS[1]  the image's favoriters (set of user ids)
  KEYS[2]  the shard's event stream
  ARGV[1]  the user id
  ARGV[2]  n, the count of XADD arguments that follow (0: no event, reindex)
  ARGV[3…] the event's XADD arguments

  Returns 1 when added, 0 when already there.
]]
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
local ev = tonumber(ARGV[2])
if ev > 0 then redis.call('XADD', KEYS[2], unpack(ARGV, 3, 2 + ev)) end
return 1
