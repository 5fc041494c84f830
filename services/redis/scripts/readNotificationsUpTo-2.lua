--[[
  Marks read every notification at or before an id (sharing/notifications.ts). Both keys carry
  the recipient's `{u:<id>}`.

  KEYS[1]  the notifications (zset of ids)
  KEYS[2]  the unread ids (set)
  ARGV[1]  the id

  Returns how many ids were at or before it.
]]
local ids = redis.call('ZRANGEBYLEX', KEYS[1], '-', '[' .. ARGV[1])
for _, id in ipairs(ids) do redis.call('SREM', KEYS[2], id) end
return #ids
