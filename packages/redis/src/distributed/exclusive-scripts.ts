import { lua, NEXT_TOKEN } from './lua.js'

/**
 * The Lua scripts of `RedisExclusive`: every change of a key's state is one of them, so it is
 * atomic. Every script takes KEYS[1] = the key's state hash `P` and ARGV = channel, lease (ms),
 * idle expiry (ms), the user's key, this process's id, then its own arguments.
 *
 * Per key (in `P`): `seq` (batch ids), `open` (id of the batch taking joins, or ''), `first` (Redis
 * ms of its first join), `wait`, `rate` (its last joiner's rateLimit), `run` (id of the running
 * batch, or ''), `owner`/`rtoken`/`until`/`started`/`rrate` (the run's process, fencing token,
 * lease deadline, start time and rateLimit), `hold` (Redis ms before which no batch starts),
 * `jseq` (join order), `token` (last fencing token).
 * Per batch: `P:o:<id>` a sorted set of the processes with callers in it, by their last join (the
 * last one runs the batch); `P:m:<id>` a hash of each process's callers (`<pid>`) and awaiting
 * callers (`a:<pid>`); `P:r:<id>` the outcome for a while after the run.
 *
 * Messages on the channel are JSON arrays: ['run', key, id, owner, token], ['done', key, id,
 * outcome], ['due', key, id, delay], ['abort', key, id], ['dropped', key, id].
 */
const COMMON = `${NEXT_TOKEN}
local P = KEYS[1]
local channel, lease, ttl, key, pid = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5]
local function get(f) return redis.call('HGET', P, f) or '' end
local function getn(f) return tonumber(redis.call('HGET', P, f) or '0') or 0 end
local function members(id) return P .. ':m:' .. id end
local function order(id) return P .. ':o:' .. id end
local function publish(msg) redis.call('PUBLISH', channel, cjson.encode(msg)) end
local function due_in(now)
  return math.max(0, math.max(getn('first') + getn('wait'), getn('hold')) - now)
end
local function grant(id, now)
  local last = redis.call('ZRANGE', order(id), -1, -1)[1]
  if not last then
    redis.call('DEL', members(id), order(id))
    return nil
  end
  local token = num(next_token(P))
  redis.call('HSET', P, 'run', id, 'owner', last, 'rtoken', token, 'until', num(now + lease), 'started', num(now))
  publish({'run', key, id, last, token})
  return {'run', last, token}
end
local function start_open(now)
  local id = get('open')
  redis.call('HSET', P, 'open', '', 'rrate', get('rate'))
  local granted = grant(id, now)
  if not granted then redis.call('HSET', P, 'run', '') end
  return granted
end
local function advance(now)
  local open = get('open')
  if open == '' then return end
  local d = due_in(now)
  if d == 0 then
    if not start_open(now) then publish({'dropped', key, open}) end
  else
    publish({'due', key, open, d})
  end
end
local function touch(now)
  local keep = ttl + math.max(0, getn('hold') - now)
  local open = get('open')
  if open ~= '' then
    keep = keep + due_in(now)
    redis.call('PEXPIRE', members(open), keep)
    redis.call('PEXPIRE', order(open), keep)
  end
  local run = get('run')
  if run ~= '' then
    redis.call('PEXPIRE', members(run), keep)
    redis.call('PEXPIRE', order(run), keep)
  end
  redis.call('PEXPIRE', P, keep)
end
local function step(id, now)
  local outcome = redis.call('GET', P .. ':r:' .. id)
  if outcome then return {'done', outcome} end
  if get('open') == id then
    if get('run') ~= '' then return {'queued', math.max(0, getn('until') - now)} end
    local d = due_in(now)
    if d > 0 then return {'due', d} end
    return start_open(now) or {'dropped'}
  end
  if get('run') == id then return {'running', math.max(0, getn('until') - now)} end
  return {'gone'}
end
local function takeover(id, now, dead)
  local m = members(id)
  redis.call('HDEL', m, dead, 'a:' .. dead)
  redis.call('ZREM', order(id), dead)
  local granted = grant(id, now)
  if granted then return granted end
  redis.call('HSET', P, 'run', '', 'owner', '')
  publish({'dropped', key, id})
  advance(now)
  return {'dropped'}
end
`

/**
 * JOIN: ARGV[6] callers joining (calls and starts), ARGV[7] of them awaiting (calls), ARGV[8] the
 * wait of the first of them, ARGV[9] of the last, ARGV[10] the last one's rateLimit.
 * Returns { batch id, created (1/0), state... } where state is one of step()'s replies.
 */
export const JOIN = lua(`${COMMON}
local n, a, first_wait, last_wait, rate = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], ARGV[9], ARGV[10]
local now = now_ms()
local open, created = get('open'), 0
if open == '' then
  open = tostring(redis.call('HINCRBY', P, 'seq', 1))
  redis.call('HSET', P, 'open', open, 'first', num(now), 'wait', first_wait)
  created = 1
elseif get('run') ~= '' then
  redis.call('HSET', P, 'wait', last_wait)
end
redis.call('HSET', P, 'rate', rate)
redis.call('ZADD', order(open), redis.call('HINCRBY', P, 'jseq', 1), pid)
redis.call('HINCRBY', members(open), pid, n)
if a > 0 then redis.call('HINCRBY', members(open), 'a:' .. pid, a) end
local state = step(open, now)
touch(now)
local reply = {open, created}
for _, v in ipairs(state) do reply[#reply + 1] = v end
return reply
`)

/** STEP: ARGV[6] batch id. Starts the batch if it is due; returns step()'s reply. */
export const STEP = lua(`${COMMON}
local id = ARGV[6]
local now = now_ms()
local state = step(id, now)
if state[1] == 'running' and state[2] == 0 then state = takeover(id, now, get('owner')) end
touch(now)
return state
`)

/**
 * LEAVE: ARGV[6] batch id, ARGV[7] callers leaving, ARGV[8] of them awaiting. Returns 1 when the
 * batch was running and has nobody left (its work should stop), else 0.
 */
export const LEAVE = lua(`${COMMON}
local id, n, a = ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])
local m = members(id)
if redis.call('EXISTS', order(id)) == 0 then return 0 end
local left = redis.call('HINCRBY', m, pid, -n)
if a > 0 then redis.call('HINCRBY', m, 'a:' .. pid, -a) end
if left <= 0 then
  redis.call('HDEL', m, pid, 'a:' .. pid)
  redis.call('ZREM', order(id), pid)
end
local result = 0
if redis.call('ZCARD', order(id)) == 0 then
  if get('open') == id then
    redis.call('HSET', P, 'open', '')
    redis.call('DEL', m, order(id))
  elseif get('run') == id then
    publish({'abort', key, id})
    result = 1
  end
end
touch(now_ms())
return result
`)

/** RENEW: ARGV[6] batch id, ARGV[7] token. 1 while that run still holds the key (extended), else 0. */
export const RENEW = lua(`${COMMON}
local id, token = ARGV[6], ARGV[7]
local now = now_ms()
if get('run') ~= id or get('rtoken') ~= token or getn('until') < now then return 0 end
redis.call('HSET', P, 'until', num(now + lease))
touch(now)
return 1
`)

/**
 * FINISH: ARGV[6] batch id, ARGV[7] token, ARGV[8] outcome text, ARGV[9] ms to keep it. Publishes
 * the outcome, sets the rate-limit hold and moves on to the next batch. Returns how many callers
 * anywhere awaited the outcome, or -1 when the run no longer held the key (nothing published).
 */
export const FINISH = lua(`${COMMON}
local id, token, outcome, keep = ARGV[6], ARGV[7], ARGV[8], tonumber(ARGV[9])
if get('run') ~= id or get('rtoken') ~= token then return -1 end
local now = now_ms()
local awaiting = 0
local fields = redis.call('HGETALL', members(id))
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 2) == 'a:' then awaiting = awaiting + tonumber(fields[i + 1]) end
end
redis.call('DEL', members(id), order(id))
redis.call('HSET', P, 'run', '', 'owner', '', 'hold', num(getn('started') + getn('rrate')))
redis.call('SET', P .. ':r:' .. id, outcome, 'PX', keep)
publish({'done', key, id, outcome})
advance(now)
touch(now)
return awaiting
`)

/**
 * RELEASE: ARGV[6] batch id, ARGV[7] token. The run gives its key up before finishing (its process
 * closes): the batch goes to the next last joiner, or is dropped. Returns step()'s reply.
 */
export const RELEASE = lua(`${COMMON}
local id, token = ARGV[6], ARGV[7]
if get('run') ~= id or get('rtoken') ~= token then return {'gone'} end
local now = now_ms()
local state = takeover(id, now, get('owner'))
touch(now)
return state
`)
