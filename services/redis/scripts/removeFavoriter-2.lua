--[[
  The image's side of removing a favorite (sharing/favorites.ts), after the user's side:
  `favorite.removed` is appended only by the call that removed the user from the favoriters.

  KEYS[1]  the image's favoriters (set of user ids)
  KEYS[2]  the shard's event stream
  ARGV[1]  the user id
  ARGV[2]  n, the count of XADD arguments that follow (0: no event)
  ARGV[3…] the event's XADD arguments

  Returns 1 when removed, 0 when not there.
]]
if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 0 end
local ev = tonumber(ARGV[2])
if ev > 0 then redis.call('XADD', KEYS[2], unpack(ARGV, 3, 2 + ev)) end
return 1
