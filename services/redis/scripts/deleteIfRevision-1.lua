--[[
  Deletes an image record only if nobody changed it since it was read: evicts a cold record
  (images/cold-records.ts) without dropping a change made meanwhile. A record at revision 0
  leaves the field out (images/record-hash.ts): `r` in the compact layout, `revision` in the
  layout before it (still read until the record's next write).

  KEYS[1]  the record hash
  ARGV[1]  the revision it must still have

  Returns 1 when deleted, 0 otherwise.
]]
local revision = redis.call('HGET', KEYS[1], 'r') or redis.call('HGET', KEYS[1], 'revision')
if revision == ARGV[1] or (revision == false and ARGV[1] == '0' and redis.call('EXISTS', KEYS[1]) == 1) then
  return redis.call('DEL', KEYS[1])
end
return 0
