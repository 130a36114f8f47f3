/// <reference types="node" />
import { ClosedError } from '@bigbuff/core'
import { afterEach, describe, expect, it } from 'vitest'
import { raw, redisUrl, sleep, uniqueKey, until } from '../../test/helpers.js'
import { type RedisServer, startRedis } from '../../test/redis-server.js'
import { RedisWorkers } from '../index.js'

const opened: RedisWorkers[] = []
const servers: RedisServer[] = []

afterEach(async () => {
  await Promise.all(opened.splice(0).map((workers) => workers.close()))
  await Promise.all(servers.splice(0).map((server) => server.stop()))
})

function open(name: string, lease = 2000, url = redisUrl): RedisWorkers {
  const workers = new RedisWorkers({ name, url, lease })
  opened.push(workers)
  return workers
}

/** A Redis of the test's own, so pausing it does not slow down the other test files. */
async function privateRedis(): Promise<string> {
  const server = await startRedis()
  servers.push(server)
  return server.url
}

/** A job that runs until `finish()`; `runs` counts how often it was started. */
function held<T>(value: T) {
  let finish!: () => void
  const done = new Promise<void>((resolve) => (finish = resolve))
  const job = {
    runs: 0,
    token: 0,
    finish: () => finish(),
    work: async ({ token }: { token: number }): Promise<T> => {
      job.runs++
      job.token = token
      await done
      return value
    },
  }
  return job
}

describe('RedisWorkers: grants between instances', () => {
  it('starts a job granted by another instance once, even when the grant is handed over again', async () => {
    const name = uniqueKey('workers')
    const a = open(name)
    // Its heartbeat (every 3.3 s) does not take the grant before the published one arrives.
    const b = open(name, 10_000)
    const first = held('a')
    const running = a.call(1, first.work)
    await until(() => a.count === 1)
    const second = held('b')
    const queued = b.call(1, second.work)
    await until(async () => (await raw(['ZCARD', `${name}:workers:queue`])) === 1)
    first.finish()
    expect(await running).toBe('a')
    // a's release granted the permit to b's job and told b over pub/sub; the grant also waits in
    // b's grants hash until b's next script takes it.
    await until(() => b.count === 1)
    expect(b.pending).toBe(0)
    expect(await raw(['KEYS', `${name}:workers:grants:*`])).toHaveLength(1)
    const third = held('c')
    const later = b.call(1, third.work)
    await until(async () => ((await raw(['KEYS', `${name}:workers:grants:*`])) as string[]).length === 0)
    await until(async () => (await raw(['ZCARD', `${name}:workers:queue`])) === 1)
    expect(second.runs).toBe(1)
    expect(b.count).toBe(1)
    expect(b.pending).toBe(1)
    expect(third.runs).toBe(0)
    second.finish()
    expect(await queued).toBe('b')
    await until(() => third.runs === 1)
    expect(third.token).toBeGreaterThan(second.token)
    expect(second.token).toBeGreaterThan(first.token)
    third.finish()
    expect(await later).toBe('c')
  })

  it('a wake-up naming a job that is gone starts nothing', async () => {
    const name = uniqueKey('workers')
    const a = open(name)
    const b = open(name)
    const first = held('a')
    const running = a.call(1, first.work)
    await until(() => a.count === 1)
    const controller = new AbortController()
    let aborted = 0
    const gone = b.call(
      1,
      () => {
        aborted++
      },
      { signal: controller.signal },
    )
    const second = held('b')
    const queued = b.call(1, second.work)
    await until(async () => (await raw(['ZCARD', `${name}:workers:queue`])) === 2)
    controller.abort(new Error('gone'))
    await expect(gone).rejects.toThrow('gone')
    await until(async () => (await raw(['ZCARD', `${name}:workers:queue`])) === 1)
    // Job 1 of every process: a's is running, b's was aborted. Each process gets one message.
    const pids = (await raw(['ZRANGE', `${name}:workers:alive`, '0', '-1'])) as string[]
    expect(pids).toHaveLength(2)
    let receivers = 0
    for (const pid of pids) {
      receivers += (await raw(['PUBLISH', `${name}:workers:wake:${pid}`, `${pid}|1 999`])) as number
    }
    expect(receivers).toBe(2)
    await sleep(100)
    expect(aborted).toBe(0)
    expect(a.count).toBe(1)
    expect(first.runs).toBe(1)
    expect(b.count).toBe(0)
    expect(b.pending).toBe(1)
    expect(second.runs).toBe(0)
    first.finish()
    expect(await running).toBe('a')
    await until(() => second.runs === 1)
    expect(second.token).not.toBe(999)
    expect(second.token).toBeGreaterThan(first.token)
    second.finish()
    expect(await queued).toBe('b')
  })
})

describe('RedisWorkers: a slow or failing Redis', () => {
  it('gives back a permit granted to a job aborted while its enqueue was on its way', async () => {
    const url = await privateRedis()
    const name = uniqueKey('workers')
    const workers = open(name, 10_000, url)
    expect(await workers.call(1, () => 0)).toBe(0)
    await raw(['CLIENT', 'PAUSE', '400', 'ALL'], url)
    const controller = new AbortController()
    let runs = 0
    const call = workers.call(
      1,
      () => {
        runs++
      },
      { signal: controller.signal },
    )
    await sleep(100)
    controller.abort(new Error('gone'))
    await expect(call).rejects.toThrow('gone')
    // The paused enqueue granted it the permit once Redis went on; without giving it back, the
    // permit would stay taken for the 10 s lease.
    await until(async () => (await raw(['ZCARD', `${name}:workers:running`], url)) === 0, 4000)
    expect(await raw(['ZCARD', `${name}:workers:queue`], url)).toBe(0)
    expect(runs).toBe(0)
    expect(workers.count).toBe(0)
    expect(await workers.call(1, () => 'next')).toBe('next')
  })

  it('gives back a permit granted to a job rejected by close() while its enqueue was on its way', async () => {
    const url = await privateRedis()
    const name = uniqueKey('workers')
    const workers = open(name, 10_000, url)
    const other = open(name, 10_000, url)
    expect(await workers.call(1, () => 0)).toBe(0)
    await raw(['CLIENT', 'PAUSE', '400', 'ALL'], url)
    let runs = 0
    const call = workers.call(1, () => {
      runs++
    })
    await sleep(100)
    const closing = workers.close()
    await expect(call).rejects.toBeInstanceOf(ClosedError)
    await closing
    await until(async () => (await raw(['ZCARD', `${name}:workers:running`], url)) === 0, 4000)
    expect(runs).toBe(0)
    expect(await other.call(1, () => 'next')).toBe('next')
  })

  it('keeps polling while a poll is slow, and starts the queued job once the permit is free', async () => {
    const url = await privateRedis()
    const name = uniqueKey('workers')
    const holder = open(name, 5000, url)
    // A heartbeat every 50 ms: several of them fire while one poll waits for the paused Redis.
    const waiter = open(name, 150, url)
    const first = held('a')
    const running = holder.call(1, first.work)
    await until(() => holder.count === 1)
    const second = held('b')
    const queued = waiter.call(1, second.work)
    await until(async () => (await raw(['ZCARD', `${name}:workers:queue`], url)) === 1)
    await raw(['CLIENT', 'PAUSE', '400', 'ALL'], url)
    await sleep(250)
    expect(waiter.pending).toBe(1)
    expect(second.runs).toBe(0)
    // The permit vanishes once Redis goes on, unannounced: only a later poll can find it free.
    await until(async () => (await raw(['DEL', `${name}:workers:running`], url)) === 1)
    await until(() => second.runs === 1)
    expect(second.token).toBeGreaterThan(first.token)
    second.finish()
    expect(await queued).toBe('b')
    first.finish()
    await running.catch(() => undefined)
  })

  it('rejects queued jobs with the error of a failed poll', async () => {
    const name = uniqueKey('workers')
    const holder = open(name)
    const waiter = open(name, 300)
    const first = held('a')
    const running = holder.call(1, first.work)
    await until(() => holder.count === 1)
    let runs = 0
    const queued = waiter.call(1, () => {
      runs++
    })
    await until(async () => (await raw(['ZCARD', `${name}:workers:queue`])) === 1)
    // The next poll (every 100 ms) fails: its script reads the state as a hash.
    await raw(['DEL', `${name}:workers:state`])
    await raw(['SET', `${name}:workers:state`, 'not a hash'])
    await expect(queued).rejects.toThrow(/WRONGTYPE/)
    expect(waiter.pending).toBe(0)
    expect(runs).toBe(0)
    await raw(['DEL', `${name}:workers:state`])
    first.finish()
    expect(await running).toBe('a')
    expect(await waiter.call(1, () => 'again')).toBe('again')
  })

  it('a heartbeat that finds the queue emptied while Redis was slow does not poll', async () => {
    const url = await privateRedis()
    const name = uniqueKey('workers')
    const holder = open(name, 5000, url)
    // A heartbeat every 500 ms; every poll while jobs are queued keeps the process alive in Redis.
    const waiter = open(name, 1500, url)
    const first = held('a')
    const running = holder.call(1, first.work)
    await until(() => holder.count === 1)
    const controller = new AbortController()
    const queued = waiter.call(1, () => 'never', { signal: controller.signal })
    await until(async () => (await raw(['ZCARD', `${name}:workers:queue`], url)) === 1)
    const alive = async (): Promise<number | null> => {
      const pids = (await raw(['ZRANGE', `${name}:workers:alive`, '0', '-1'], url)) as string[]
      const pid = pids.find((id) => id.endsWith(':1500'))
      if (pid === undefined) return null
      return Number(await raw(['ZSCORE', `${name}:workers:alive`, pid], url))
    }
    // Right after a poll, Redis stalls; the job is aborted and its release waits for Redis while
    // the next heartbeat comes.
    const before = await alive()
    await until(async () => ((await alive()) ?? 0) > (before ?? 0), 3000)
    const polled = await alive()
    await raw(['CLIENT', 'PAUSE', '1000', 'ALL'], url)
    controller.abort(new Error('gone'))
    await expect(queued).rejects.toThrow('gone')
    await until(async () => (await raw(['ZCARD', `${name}:workers:queue`], url)) === 0, 4000)
    await sleep(200)
    expect(await alive()).toBe(polled)
    expect(waiter.pending).toBe(0)
    first.finish()
    expect(await running).toBe('a')
  })

  it('losing the wake-up channel with nothing queued rejects nothing; the next call subscribes again', async () => {
    const url = await privateRedis()
    const name = uniqueKey('workers')
    const a = open(name, 2000, url)
    const b = open(name, 2000, url)
    const first = held('b')
    let signal: AbortSignal | undefined
    const running = b.call(1, (context) => {
      signal = context.signal
      return first.work(context)
    })
    await until(() => b.count === 1)
    expect(await raw(['CLIENT', 'KILL', 'TYPE', 'pubsub'], url)).toBeGreaterThanOrEqual(1)
    await sleep(100)
    expect(b.count).toBe(1)
    expect(signal?.aborted).toBe(false)
    first.finish()
    expect(await running).toBe('b')
    // A grant from the other instance reaches b over its new subscription.
    const second = held('a')
    const holding = a.call(1, second.work)
    await until(() => a.count === 1)
    const third = held('c')
    const queued = b.call(1, third.work)
    await until(async () => (await raw(['ZCARD', `${name}:workers:queue`], url)) === 1)
    second.finish()
    expect(await holding).toBe('a')
    await until(() => third.runs === 1)
    third.finish()
    expect(await queued).toBe('c')
  })

  it('a job aborted or closed while connecting rejects with that reason, not the connection error', async () => {
    const unreachable = new RedisWorkers({ name: uniqueKey('workers'), url: 'redis://127.0.0.1:1' })
    opened.push(unreachable)
    const controller = new AbortController()
    const aborted = unreachable.call(1, () => 1, { signal: controller.signal })
    controller.abort(new Error('early'))
    await expect(aborted).rejects.toThrow('early')
    const closed = unreachable.call(1, () => 2)
    expect(unreachable.pending).toBe(1)
    const rejected = expect(closed).rejects.toBeInstanceOf(ClosedError)
    await unreachable.close()
    await rejected
    expect(unreachable.pending).toBe(0)
  })
})
