--[[
  The upload saga's pivot (images/image-index.ts): if this owner has no image of these bytes
  yet, write the record, the dedup entry, the shard's id index and the original's reference,
  the owner's listings, enqueue the resize job and append `image.created`. All keys carry the
  shard's tag `{s<n>}`: the image id is minted into the dedup entry's shard.

  KEYS[1]  the bytes' hash in the dedup shard (field: owner id → image id)
  KEYS[2]  image record (hash)
  KEYS[3]  the shard's image ids (zset)
  KEYS[4]  the shard's resize stream
  KEYS[5]  the shard's live-job map (hash: image id → job id)
  KEYS[6]  the bytes' hash in the image's shard (field: image id → '', the original's reference).
           The same key as KEYS[1] for every image minted since sharding: then the owner's
           dedup field names the image there and is its reference too (32 B less per image),
           and only the trash writes the explicit one (images/image-index.ts, update)
  KEYS[7]  the shard's event stream
  KEYS[8…] the owner's listings in the shard the image belongs to (zsets)

  ARGV[1]  image id
  ARGV[2]  sha256 (hex, for the resize job)
  ARGV[3]  owner id (the dedup field)
  ARGV[4]  n, the count of XADD arguments of the event that follow (0: no event)
  ARGV[5 … 4+n]  the event's XADD arguments (MINID ~ <t> * fields…)
  ARGV[5+n …]    the record's hash fields and values

  Returns {1, job id} when created, {0, existing id} when the owner already had these bytes.
]]
local existing = redis.call('HGET', KEYS[1], ARGV[3])
if existing then return {0, existing} end
local ev = tonumber(ARGV[4])
redis.call('HSET', KEYS[2], unpack(ARGV, 5 + ev))
redis.call('HSET', KEYS[1], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
if KEYS[6] ~= KEYS[1] then redis.call('HSET', KEYS[6], ARGV[1], '') end
for i = 8, #KEYS do redis.call('ZADD', KEYS[i], 0, ARGV[1]) end
local job = redis.call('XADD', KEYS[4], '*', 'image', ARGV[1], 'sha256', ARGV[2])
redis.call('HSET', KEYS[5], ARGV[1], job)
if ev > 0 then redis.call('XADD', KEYS[7], unpack(ARGV, 5, 4 + ev)) end
return {1, job}
