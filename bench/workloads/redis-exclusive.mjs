// RedisExclusive across processes against a hand-written singleflight, standalone (not one of the
// harness's CPU-time workloads: what matters here is how often work runs and how many commands Redis
// executes, not the CPU of one process).
//
//   node bench/workloads/redis-exclusive.mjs [--waves=5] [--callers=1000] [--keys=10] [--processes=4] [--wait=50]
//
// Starts a redis-server on a free port, forks `processes` children, and runs `waves` waves: in each
// wave every child fires `callers` calls at once, spread evenly over `keys` keys, and waits for all of
// them. Each run of the work takes 20 ms. Measured over the timed waves (one untimed warm-up wave
// first): runs per key per wave (the target is 1), and Redis commands per batch (a batch is one key in
// one wave), counted from INFO: commands the clients sent (round trips: EVALSHA, SET, PUBLISH, …) and
// every command Redis executed (also those inside Lua scripts).
//
// The hand-written singleflight: per process, calls of a key join the local in-flight promise; the
// first one registers for the key's result on a pub/sub channel subscribed at start, then `SET lock NX
// PX 10000`; the winner runs the work, `PUBLISH`es the result and `DEL`s the lock; the others get the
// published result. (It may hand out a result of a run that started before the call: no freshness.)
// RedisExclusive runs with `wait: 50` (`--wait=N`) so that the joins of the four processes, which arrive within a few
// ms of each other, land in one batch (without a wait the first join starts a batch at once and the
// later ones form a second).
import { once } from 'node:events'
import { flag, forkChildren, standalone, startRedisServer } from './standalone-redis.mjs'

const WORK_MS = 20

await standalone({ main, child })

async function main() {
  const waves = flag('waves', 5)
  const callers = flag('callers', 1000)
  const keys = flag('keys', 10)
  const processes = flag('processes', 4)
  const wait = flag('wait', 50)
  const { url, admin, stop } = await startRedisServer()
  const rows = []
  for (const impl of ['RedisExclusive', 'hand-written singleflight']) {
    const namespace = `bench:${impl === 'RedisExclusive' ? 'ours' : 'sf'}`
    const children = forkChildren(import.meta.url, processes, { url, impl, namespace, callers, keys, wait })
    await Promise.all(children.map((c) => once(c, 'message')))
    const wave = async () => {
      const replies = children.map((c) => once(c, 'message'))
      for (const c of children) c.send('wave')
      return (await Promise.all(replies)).map(([message]) => message)
    }
    await wave() // warm-up: connections, scripts
    const before = await stats(admin)
    let runs = 0
    let calls = 0
    let stale = 0
    const started = performance.now()
    for (let w = 0; w < waves; w++) {
      for (const reply of await wave()) {
        runs += reply.runs
        calls += reply.calls
        stale += reply.stale
      }
    }
    const wall = performance.now() - started
    const after = await stats(admin)
    for (const c of children) c.kill()
    const batches = waves * keys
    const allCommands = after.total - before.total
    const scriptCommands = after.scripts - before.scripts
    const clientCommands = scriptCommands > 0 ? scriptCommands : allCommands
    rows.push({
      impl,
      runs: runs / batches,
      calls,
      stale,
      client: clientCommands / batches,
      all: allCommands / batches,
      wall,
    })
  }
  await stop()
  console.log(
    `${processes} processes × ${callers} callers over ${keys} keys, ${waves} timed waves, work ${WORK_MS} ms, RedisExclusive wait ${wait} ms`,
  )
  console.log(
    '| implementation | runs per key per wave | client commands per batch | Redis commands per batch (incl. inside scripts) | results from a run started before the call | wall ms per wave |',
  )
  console.log('|---|--:|--:|--:|--:|--:|')
  for (const row of rows) {
    console.log(
      `| ${row.impl} | ${row.runs.toFixed(2)} | ${row.client.toFixed(1)} | ${row.all.toFixed(1)} | ${row.stale} of ${row.calls} | ${(row.wall / waves).toFixed(0)} |`,
    )
  }
  const [ours, theirs] = rows
  console.log(`client commands per batch, ours / hand-written: ${(ours.client / theirs.client).toFixed(2)}×`)
  console.log(`all Redis commands per batch, ours / hand-written: ${(ours.all / theirs.all).toFixed(2)}×`)
  process.exit(0)
}

/**
 * Commands Redis executed since it started (INFO commandstats, without INFO itself): every one
 * (`total`, also those run inside Lua scripts) and those clients sent (`client`). The benchmark's own
 * bookkeeping sends nothing to Redis during the timed waves, so these are the implementations' alone.
 * RedisExclusive sends only EVALSHA (EVAL after NOSCRIPT) once connected; the hand-written one sends
 * only plain commands.
 */
async function stats(admin) {
  const text = await admin.sendCommand(['INFO', 'commandstats'])
  let total = 0
  let scripts = 0
  for (const match of text.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)) {
    const [, name, calls] = match
    if (name === 'info') continue
    total += Number(calls)
    if (name === 'evalsha' || name === 'eval') scripts += Number(calls)
  }
  return { total, scripts }
}

// --- child ----------------------------------------------------------------------------------------

async function child({ url, impl, namespace, callers, keys, wait }) {
  const { createClient } = await import('@redis/client')
  // One machine: every process reads the same wall clock (µs), without sending anything to Redis.
  const time = async () => Math.round((performance.timeOrigin + performance.now()) * 1000)
  let runs = 0
  const work = async () => {
    runs++
    const start = await time()
    await new Promise((resolve) => setTimeout(resolve, WORK_MS))
    return start
  }
  let call
  let close
  if (impl === 'RedisExclusive') {
    const { RedisExclusive } = await import('@bigbuff/redis')
    const exclusive = new RedisExclusive({ url, namespace })
    call = (key) => exclusive.call(key, work, { wait })
    close = () => exclusive.close()
  } else {
    const commands = createClient({ url, RESP: 2 })
    const subscriber = commands.duplicate()
    await Promise.all([commands.connect(), subscriber.connect()])
    const waiting = new Map()
    const inflight = new Map()
    const send = (args) => commands.sendCommand(args)
    await subscriber.subscribe(`${namespace}:results`, (message) => {
      const { key, value } = JSON.parse(message)
      const waiter = waiting.get(key)
      if (waiter) {
        waiting.delete(key)
        waiter(value)
      }
    })
    const singleflight = async (key) => {
      const result = new Promise((resolve) => waiting.set(key, resolve))
      const won = await send(['SET', `${namespace}:lock:${key}`, '1', 'NX', 'PX', '10000'])
      if (won === null) return result
      waiting.delete(key)
      const value = await work()
      await send(['PUBLISH', `${namespace}:results`, JSON.stringify({ key, value })])
      await send(['DEL', `${namespace}:lock:${key}`])
      return value
    }
    call = (key) => {
      let promise = inflight.get(key)
      if (!promise) {
        promise = singleflight(key).finally(() => inflight.delete(key))
        inflight.set(key, promise)
      }
      return promise
    }
    close = async () => {
      await Promise.all([commands.close(), subscriber.close()])
    }
  }
  process.send('ready')
  process.on('message', async () => {
    const before = runs
    const calls = []
    for (let i = 0; i < callers; i++) {
      const key = `k${i % keys}`
      calls.push(time().then((callAt) => ({ callAt, start: call(key) })))
    }
    let stale = 0
    for (const entry of await Promise.all(calls)) {
      const { callAt } = entry
      const start = await entry.start
      if (start < callAt) stale++
    }
    process.send({ runs: runs - before, calls: callers, stale })
  })
  process.on('disconnect', async () => {
    await close()
    process.exit(0)
  })
}
