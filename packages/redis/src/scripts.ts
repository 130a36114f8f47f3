import { createHash } from 'node:crypto'

/** A Lua script and the SHA1 Redis knows it by. */
export interface Script {
  readonly source: string
  readonly sha: string
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') }
}

/** Reads one field of a flat `[name, value, name, value, …]` reply. */
const FIELD = `
local function field(list, name)
  for i = 1, #list, 2 do
    if list[i] == name then return list[i + 1] end
  end
end
`

/**
 * `settle(key, group, info)` corrects the read counter of `group` (its XINFO GROUPS entry `info`)
 * after entries it had not read were trimmed away, and returns how many it lost (0 when none, or
 * without read counters: Redis before 7.0).
 *
 * The right counter is what left the stream plus what remains of it up to the group's last-delivered
 * id. It runs in the same script or transaction as the check that found the gap and the read after
 * it, so entries trimmed later are not charged to this gap. Redis counts one per entry a group reads,
 * whatever was trimmed before it, so this also repairs a counter left short by a reader that went past
 * trimmed entries without this check: whoever settles first reports the loss, later calls find
 * nothing to report. The entries counted are those a group read since the gap: none, unless a
 * reader outside this library went past it.
 */
const SETTLE_FUNCTION = `
local function settle(key, group, info)
  local read, lag = field(info, 'entries-read'), field(info, 'lag')
  if not (read and lag) then return 0 end
  local last = field(info, 'last-delivered-id')
  local counter, from = read + lag - redis.call('XLEN', key), '-'
  while true do
    local page = redis.call('XRANGE', key, from, last, 'COUNT', 1000)
    counter = counter + #page
    if #page < 1000 then break end
    from = '(' .. page[#page][1]
  end
  if counter <= read then return 0 end
  redis.call('XGROUP', 'SETID', key, group, last, 'ENTRIESREAD', counter)
  return counter - read
end
`

/**
 * Creates consumer group ARGV[1] on stream KEYS[1] unless it exists, starting at the oldest retained
 * entry (ARGV[2] = 'oldest') or after the newest (ARGV[2] = 'latest'). The group's read counter is
 * set to match, so trimming of entries it has not read can be detected later.
 * Returns 1 when created, 0 when it already existed.
 */
export const CREATE_GROUP: Script = script(`${FIELD}
local key, group = KEYS[1], ARGV[1]
local added, length = 0, 0
if redis.call('EXISTS', key) == 1 then
  local info = redis.call('XINFO', 'STREAM', key)
  added, length = field(info, 'entries-added') or 0, field(info, 'length')
end
local id, read = '0', added - length
if ARGV[2] == 'latest' then id, read = '$', added end
local reply = redis.pcall('XGROUP', 'CREATE', key, group, id, 'MKSTREAM', 'ENTRIESREAD', read)
if type(reply) == 'table' and reply.err and string.sub(reply.err, 1, 9) ~= 'BUSYGROUP' then
  -- Redis before 7.0 has no ENTRIESREAD (and no read counters to check).
  reply = redis.pcall('XGROUP', 'CREATE', key, group, id, 'MKSTREAM')
end
if type(reply) == 'table' and reply.err then
  if string.sub(reply.err, 1, 9) == 'BUSYGROUP' then return 0 end
  return reply
end
return 1
`)

/**
 * One read for consumer ARGV[2] of group ARGV[1] on stream KEYS[1], at most ARGV[3] entries.
 *
 * - ARGV[4] = 'history': re-reads the consumer's own pending entries after id ARGV[5]. Entries
 *   trimmed away meanwhile are acknowledged (dropped) and counted as lost.
 * - ARGV[4] = 'new': when ARGV[5] is a number of milliseconds, first claims entries idle that long
 *   at other consumers (XAUTOCLAIM from cursor ARGV[6]); otherwise, or when nothing was claimed,
 *   checks that no entry the group had not read was trimmed (reporting and skipping the gap once if
 *   so), then reads new entries. The consumer reads new entries without this script when no claim
 *   pass is due (see redis-consumer.ts).
 *
 * Reply: { kind, claim cursor, lost, read counter, id, id1, value1, id2, value2, … } where kind is
 * 'history', 'claim', 'behind' or 'new'; id is the last id returned (history) or the group's
 * last-delivered id (new); a value is the entry's "v" field, 0 when it has none.
 */
export const READ: Script = script(`${FIELD}${SETTLE_FUNCTION}
local key, group, consumer, count, mode = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local function push(out, entry)
  out[#out + 1] = entry[1]
  local value = 0
  for i = 1, #entry[2], 2 do
    if entry[2][i] == 'v' then value = entry[2][i + 1] break end
  end
  out[#out + 1] = value
end

local function groupInfo()
  if redis.call('EXISTS', key) == 0 then return nil end
  for _, info in ipairs(redis.call('XINFO', 'GROUPS', key)) do
    if field(info, 'name') == group then return info end
  end
end

local function readCounter(info)
  return (info and field(info, 'entries-read')) or 0
end

if mode == 'history' then
  local entries = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'STREAMS', key, ARGV[5])[1][2]
  local out, lost = { 'history', '0-0', 0, 0, false }, {}
  for _, entry in ipairs(entries) do
    if entry[2] then push(out, entry) else lost[#lost + 1] = entry[1] end
  end
  if #entries > 0 then out[5] = entries[#entries][1] end
  if #lost > 0 then
    redis.call('XACK', key, group, unpack(lost))
    out[3], out[4] = #lost, readCounter(groupInfo())
  end
  return out
end

local info = groupInfo()
if not info then
  return redis.error_reply('NOGROUP No such key ' .. key .. ' or consumer group ' .. group)
end
local cursor = ARGV[6]
if ARGV[5] ~= '' then
  local idle = tonumber(ARGV[5])
  if cursor == '0-0' then
    -- A new pass: forget consumers that hold nothing and have been silent for as long.
    for _, other in ipairs(redis.call('XINFO', 'CONSUMERS', key, group)) do
      local name = field(other, 'name')
      if name ~= consumer and field(other, 'pending') == 0 and field(other, 'idle') >= idle then
        redis.call('XGROUP', 'DELCONSUMER', key, group, name)
      end
    end
  end
  local claimed = redis.call('XAUTOCLAIM', key, group, consumer, idle, cursor, 'COUNT', count)
  cursor = claimed[1]
  -- Redis 7 drops entries trimmed away from the pending list and lists their ids; Redis 6.2
  -- returns them without fields and keeps them pending, so acknowledge those.
  local out, deleted, lost = { 'claim', cursor, 0, readCounter(info), false }, claimed[3] or {}, {}
  for _, entry in ipairs(claimed[2]) do
    if entry[2] then push(out, entry) else lost[#lost + 1] = entry[1] end
  end
  if #lost > 0 then redis.call('XACK', key, group, unpack(lost)) end
  out[3] = #deleted + #lost
  if #out > 5 or out[3] > 0 then return out end
end
local read, lag, last = field(info, 'entries-read'), field(info, 'lag'), field(info, 'last-delivered-id')
if read and lag and lag > redis.call('XLEN', key) then
  local lost = settle(key, group, info)
  if lost > 0 then return { 'behind', cursor, lost, read, last } end
end
local out = { 'new', cursor, 0, 0, last }
local reply = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'STREAMS', key, '>')
if reply then
  for _, entry in ipairs(reply[1][2]) do push(out, entry) end
end
return out
`)

/**
 * Run in one transaction just before `XREADGROUP … >` for group ARGV[1] of stream KEYS[1], so that
 * nothing can change the stream in between: when entries the group had not read were trimmed away
 * (its lag exceeds the stream's length), corrects the group's read counter and returns how many it
 * lost. The read that follows then continues after the gap with a right counter, and no other
 * reader of the name finds the gap again.
 *
 * Reply: { lost, read counter before the gap, last-delivered id } ({ 0, 0, '0-0' } when the stream or
 * group does not exist: the read that follows reports that).
 */
export const CHECK_GAP: Script = script(`${FIELD}${SETTLE_FUNCTION}
local key, group = KEYS[1], ARGV[1]
if redis.call('EXISTS', key) == 0 then return { 0, 0, '0-0' } end
for _, info in ipairs(redis.call('XINFO', 'GROUPS', key)) do
  if field(info, 'name') == group then
    local read, lag, lost = field(info, 'entries-read'), field(info, 'lag'), 0
    if read and lag and lag > redis.call('XLEN', key) then lost = settle(key, group, info) end
    return { lost, read or 0, field(info, 'last-delivered-id') }
  end
end
return { 0, 0, '0-0' }
`)

/**
 * Deletes from stream KEYS[1] every entry that every consumer group has acknowledged: entries before
 * each group's oldest pending entry, or up to its last-delivered id when nothing is pending.
 * Deletes nothing while no group exists. Returns the number of entries deleted.
 */
export const TRIM: Script = script(`${FIELD}
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return 0 end

local function lessDigits(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end

local function less(x, y)
  local xm, xs = string.match(x, '^(%d+)-(%d+)$')
  local ym, ys = string.match(y, '^(%d+)-(%d+)$')
  if xm ~= ym then return lessDigits(xm, ym) end
  return lessDigits(xs, ys)
end

local function increment(digits)
  local i = #digits
  while i > 0 and string.sub(digits, i, i) == '9' do i = i - 1 end
  if i == 0 then return '1' .. string.rep('0', #digits) end
  return string.sub(digits, 1, i - 1) .. string.char(string.byte(digits, i) + 1) .. string.rep('0', #digits - i)
end

local function after(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  if seq == '18446744073709551615' then return increment(ms) .. '-0' end
  return ms .. '-' .. increment(seq)
end

local bound
for _, info in ipairs(redis.call('XINFO', 'GROUPS', key)) do
  local candidate
  if field(info, 'pending') > 0 then
    candidate = redis.call('XPENDING', key, field(info, 'name'))[2]
  else
    candidate = after(field(info, 'last-delivered-id'))
  end
  if bound == nil or less(candidate, bound) then bound = candidate end
end
if bound == nil then return 0 end
return redis.call('XTRIM', key, 'MINID', bound)
`)

/**
 * Hands back what consumer ARGV[2] of group ARGV[1] on stream KEYS[1] holds: marks every entry
 * pending at it as idle for ARGV[3] ms, so any instance claims it at its next claim pass (and the
 * same consumer still reads it first if it comes back); forgets the consumer when it holds nothing.
 * Returns the number of entries handed back.
 */
export const RELEASE: Script = script(`
local key, group, consumer = KEYS[1], ARGV[1], ARGV[2]
if redis.call('EXISTS', key) == 0 then return 0 end
local released, start = 0, '-'
while true do
  local page = redis.call('XPENDING', key, group, start, '+', 1000, consumer)
  if #page == 0 then break end
  local args = { 'XCLAIM', key, group, consumer, 0 }
  for _, entry in ipairs(page) do args[#args + 1] = entry[1] end
  args[#args + 1], args[#args + 2], args[#args + 3] = 'IDLE', ARGV[3], 'JUSTID'
  redis.call(unpack(args))
  released = released + #page
  if #page < 1000 then break end
  start = '(' .. page[#page][1]
end
if released == 0 then redis.call('XGROUP', 'DELCONSUMER', key, group, consumer) end
return released
`)
