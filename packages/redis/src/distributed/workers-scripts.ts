import { lua, NEXT_TOKEN } from './lua.js'

/**
 * The Redis state of one `RedisWorkers` name, under the prefix `<name>:workers:` (ARGV[1]):
 *
 * - `queue`: a sorted set of queued job ids scored by the order Redis received them (FIFO).
 * - `running`: a sorted set of granted job ids scored by the time (Redis clock, ms) their permit
 *   expires unless renewed.
 * - `state`: a hash with the latest `count`, the queue sequence `seq` and the last fencing `token`.
 * - `alive`: a sorted set of process ids scored by when they stop counting as alive; a queued job
 *   of a process that is no longer alive is dropped when it reaches the head of the queue.
 * - `grants:<process>`: a hash of job id → token, grants made for that process by another one.
 *   They are also published on the channel `wake:<process>` (`id token id token …`), so the owner
 *   starts them without a round trip; the hash is for a message that was missed: the owner takes
 *   it with its next script, and a release removes the job from it.
 *
 * A job id is `<process>|<n>`, and a process id ends with `:<lease ms>`, so any process can grant a
 * queued job a permit that lasts its owner's lease. Every key is given the idle time-to-live ARGV[3]
 * by every script, so nothing of an idle name stays in Redis.
 *
 * Every script replies with the grants for the calling process: `{ id1, token1, id2, token2, … }`.
 */
const COMMON = `${NEXT_TOKEN}
local prefix, pid, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local Q, R, S, A = prefix .. 'queue', prefix .. 'running', prefix .. 'state', prefix .. 'alive'
local now = now_ms()

local function lease_of(owner)
  return tonumber(string.match(owner, ':(%d+)$'))
end

local function owner_of(id)
  return string.match(id, '^(.-)|')
end

local function alive(owner)
  redis.call('ZADD', A, now + lease_of(owner), owner)
end

-- Grants free permits to the head of the queue, whoever queued it; returns the caller's grants
-- (and those waiting for it in its grants hash).
local function grant()
  redis.call('ZREMRANGEBYSCORE', R, '-inf', now)
  redis.call('ZREMRANGEBYSCORE', A, '-inf', now - 1)
  local count = tonumber(redis.call('HGET', S, 'count') or '1')
  local free = count - redis.call('ZCARD', R)
  local mine, told = {}, {}
  while free > 0 do
    local head = redis.call('ZRANGE', Q, 0, 0)[1]
    if not head then break end
    redis.call('ZREM', Q, head)
    local owner = owner_of(head)
    if owner == pid or redis.call('ZSCORE', A, owner) then
      local token = num(next_token(S))
      redis.call('ZADD', R, now + lease_of(owner), head)
      free = free - 1
      if owner == pid then
        mine[#mine + 1], mine[#mine + 2] = head, token
      else
        local grants = prefix .. 'grants:' .. owner
        redis.call('HSET', grants, head, token)
        redis.call('PEXPIRE', grants, ttl)
        told[owner] = (told[owner] or '') .. head .. ' ' .. token .. ' '
      end
    end
  end
  for owner, message in pairs(told) do redis.call('PUBLISH', prefix .. 'wake:' .. owner, message) end
  local waiting = redis.call('HGETALL', prefix .. 'grants:' .. pid)
  if #waiting > 0 then
    redis.call('DEL', prefix .. 'grants:' .. pid)
    for i = 1, #waiting do mine[#mine + 1] = waiting[i] end
  end
  for _, key in ipairs({ Q, R, S, A }) do redis.call('PEXPIRE', key, ttl) end
  return mine
end
`

/**
 * Queues job ARGV[5] of process ARGV[2] with `count` ARGV[4] (the latest count wins), then grants.
 * ARGV: prefix, pid, ttl, count, job id.
 */
export const ENQUEUE = lua(`${COMMON}
redis.call('HSET', S, 'count', ARGV[4])
redis.call('ZADD', Q, redis.call('HINCRBY', S, 'seq', 1), ARGV[5])
alive(pid)
return grant()
`)

/**
 * Process ARGV[2] is still here (ARGV[4] = '1' while it has queued jobs: it stays alive for its
 * lease): grants, and hands over grants made for it. ARGV: prefix, pid, ttl, queued.
 */
export const POLL = lua(`${COMMON}
if ARGV[4] == '1' then alive(pid) end
return grant()
`)

/**
 * Gives up jobs ARGV[5…] of process ARGV[2], queued, granted or running: removes them everywhere,
 * then grants. ARGV: prefix, pid, ttl, queued (as for POLL), job ids.
 */
export const RELEASE = lua(`${COMMON}
for i = 5, #ARGV do
  redis.call('ZREM', Q, ARGV[i])
  redis.call('ZREM', R, ARGV[i])
  redis.call('HDEL', prefix .. 'grants:' .. pid, ARGV[i])
end
if ARGV[4] == '1' then alive(pid) end
return grant()
`)

/**
 * Renews the permit of running job ARGV[2] for ARGV[3] ms: 1 while it holds it, 0 once it expired
 * (then it is gone; it is never granted again). ARGV: prefix, job id, lease.
 */
export const RENEW = lua(`
local R = ARGV[1] .. 'running'
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expires = tonumber(redis.call('ZSCORE', R, ARGV[2]) or '0')
if expires < now then
  redis.call('ZREM', R, ARGV[2])
  return 0
end
redis.call('ZADD', R, now + tonumber(ARGV[3]), ARGV[2])
return 1
`)
