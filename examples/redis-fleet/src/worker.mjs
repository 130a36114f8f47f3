// One process of the fleet (forked by main.mjs). It shares a RedisExclusive (namespace) and a
// RedisWorkers (name) with its siblings and does what the parent tells it over IPC:
//   { op: 'round' }  many concurrent calls of the shared "expensive refresh" over a few keys
//   { op: 'jobs' }   many concurrent jobs through the fleet-wide limit
//   { op: 'close' }  closes everything and reports what this process saw
import { RedisExclusive, RedisWorkers } from '@bigbuff/redis'
import { createClient } from '@redis/client'

const config = JSON.parse(process.argv[2])
const { url, namespace, index, keys, callsPerKey, wait, refreshMs, jobs, limit, jobMs } = config
const key = (name) => `${namespace}:demo:${name}`

// Counts itself into a Redis counter and records the highest value the counter ever reached.
const COUNT_IN = `local v = redis.call('INCR', KEYS[1])
if v > tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('SET', KEYS[2], v) end
return v`

const redis = createClient({ url })
redis.on('error', () => {}) // a lost connection shows up as rejected commands
await redis.connect()
const exclusive = new RedisExclusive({ namespace: `${namespace}:refresh`, url })
const workers = new RedisWorkers({ name: `${namespace}:jobs`, url })

const stats = {
  index,
  pid: process.pid,
  calls: 0,
  runs: 0,
  servedByOthers: 0,
  batchesSeen: 0,
  jobs: 0,
  jobTokens: [],
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The expensive refresh: in the whole fleet, one run per batch of a key. */
async function refresh(name, { token }) {
  const run = await redis.incr(key(`runs:${name}`))
  // Runs of one key never overlap anywhere: this counter never goes above 1.
  await redis.sendCommand(['EVAL', COUNT_IN, '2', key(`overlap:${name}`), key(`overlap-max:${name}`)])
  // Runs of a key follow each other, so this list is in run order: the tokens must increase.
  await redis.rPush(key(`tokens:${name}`), String(token))
  await sleep(refreshMs)
  await redis.decr(key(`overlap:${name}`))
  stats.runs++
  return { key: name, run, token, by: index }
}

async function round() {
  const calls = keys.flatMap((name) =>
    Array.from({ length: callsPerKey }, () =>
      exclusive.call(name, (context) => refresh(name, context), { wait }),
    ),
  )
  stats.calls += calls.length
  const results = await Promise.all(calls)
  const batches = new Set()
  for (const result of results) {
    if (result.by !== index) stats.servedByOthers++
    batches.add(`${result.key}#${result.run}`)
  }
  stats.batchesSeen += batches.size
}

async function runJobs() {
  const tokens = await Promise.all(
    Array.from({ length: jobs }, () =>
      workers.call(limit, async ({ token }) => {
        await redis.sendCommand(['EVAL', COUNT_IN, '2', key('running'), key('running-max')])
        await sleep(jobMs)
        await redis.decr(key('running'))
        stats.jobs++
        return token
      }),
    ),
  )
  stats.jobTokens = tokens
}

async function close() {
  await Promise.all([exclusive.close(), workers.close()])
  redis.destroy()
}

const handlers = { round, jobs: runJobs, close }
let closed = false
// The parent went away without telling this process to close: do not linger.
process.on('disconnect', () => {
  if (!closed) process.exit(1)
})
process.on('message', (message) => {
  handlers[message.op]().then(
    () => {
      process.send({ done: message.op, stats }, () => {
        if (message.op !== 'close') return
        closed = true
        process.disconnect()
      })
    },
    (error) => {
      process.send({ failed: message.op, error: String(error?.stack ?? error) }, () => process.exit(1))
    },
  )
})
process.send({ ready: true })
