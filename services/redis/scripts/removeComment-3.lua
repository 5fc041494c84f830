--[[
  Removes a comment once (sharing/comments.ts): the event is appended only by the call that
  removed it. All keys carry the image's shard tag.

  KEYS[1]  the image's comment bodies (hash: comment id → JSON)
  KEYS[2]  the image's thread (zset of comment ids)
  KEYS[3]  the shard's event stream
  ARGV[1]  the comment id
  ARGV[2…] the event's XADD arguments

  Returns 1 when removed, 0 when it was already gone.
]]
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], unpack(ARGV, 2))
return 1
