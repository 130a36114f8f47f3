/// <reference types="node" />
import { ClosedError } from '@bigbuff/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Bundle, bundleEntry, type Child, spawnChild } from '../../test/child-runner.js'
import { raw, redisUrl, sleep, uniqueKey, until } from '../../test/helpers.js'
import { type RedisServer, startRedis } from '../../test/redis-server.js'
import { RedisWorkers } from '../index.js'
import { LeaseLostError } from './lease.js'

const opened: RedisWorkers[] = []
const children: Child<ChildEvent>[] = []
const servers: RedisServer[] = []

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.kill()))
  await Promise.all(opened.splice(0).map((workers) => workers.close()))
  await Promise.all(servers.splice(0).map((server) => server.stop()))
})

function open(name = uniqueKey('workers'), lease = 2000, url = redisUrl): RedisWorkers {
  const workers = new RedisWorkers({ name, url, lease })
  opened.push(workers)
  return workers
}

interface ChildEvent {
  readonly ready?: boolean
  readonly ran?: number
  readonly tokens?: number[]
  readonly started?: string
  readonly token?: number
  readonly settled?: string
  readonly ok?: boolean
}

describe('RedisWorkers: arguments and state', () => {
  it('the constructor throws TypeError/RangeError for bad options', () => {
    expect(() => new RedisWorkers(undefined as never)).toThrow(TypeError)
    expect(() => new RedisWorkers({ name: '' })).toThrow(TypeError)
    expect(() => new RedisWorkers({ name: 5 as never })).toThrow(TypeError)
    expect(() => new RedisWorkers({ name: 'n', url: 'http://x' })).toThrow(TypeError)
    expect(() => new RedisWorkers({ name: 'n', lease: 0 })).toThrow(RangeError)
    expect(() => new RedisWorkers({ name: 'n', lease: -1 })).toThrow(RangeError)
    expect(() => new RedisWorkers({ name: 'n', lease: '1' as never })).toThrow(TypeError)
  })

  it('gives every job a larger fencing token than the one before, across instances of a name', async () => {
    const name = uniqueKey('workers')
    const a = open(name)
    const b = open(name)
    const tokens: number[] = []
    for (let i = 0; i < 6; i++) tokens.push(await (i % 2 === 0 ? a : b).call(1, ({ token }) => token))
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1]!)
  })

  it('close() rejects queued jobs with ClosedError, aborts running ones and frees their permits', async () => {
    const name = uniqueKey('workers')
    const workers = open(name)
    let signal: AbortSignal | undefined
    const running = workers.call(1, (context) => {
      signal = context.signal
      return new Promise((resolve) => context.signal.addEventListener('abort', () => resolve('stopped')))
    })
    const queued = workers.call(1, () => 'never')
    await until(() => workers.count === 1 && workers.pending === 1)
    const closing = workers.close()
    await expect(queued).rejects.toBeInstanceOf(ClosedError)
    expect(await running).toBe('stopped')
    expect(signal?.reason).toBeInstanceOf(ClosedError)
    await closing
    expect(await raw(['ZCARD', `${name}:workers:running`])).toBe(0)
    expect(await raw(['ZCARD', `${name}:workers:queue`])).toBe(0)
    await expect(workers.call(1, () => 1)).rejects.toBeInstanceOf(ClosedError)
  })

  it('an aborted queued job leaves the queue in Redis; every key of the name expires when idle', async () => {
    const name = uniqueKey('workers')
    const workers = open(name)
    let release!: () => void
    const first = workers.call(1, () => new Promise<void>((resolve) => (release = resolve)))
    const controller = new AbortController()
    const second = workers.call(1, () => 2, { signal: controller.signal })
    await until(() => workers.pending === 1)
    await until(async () => (await raw(['ZCARD', `${name}:workers:queue`])) === 1)
    controller.abort(new Error('no'))
    await expect(second).rejects.toThrow('no')
    await until(async () => (await raw(['ZCARD', `${name}:workers:queue`])) === 0)
    release()
    await first
    for (const key of ['state', 'running', 'alive']) {
      const ttl = (await raw(['PTTL', `${name}:workers:${key}`])) as number
      expect(ttl === -2 || (ttl > 0 && ttl <= 60_000), `${key} ttl ${ttl}`).toBe(true)
    }
  })

  it('runs its scripts again after Redis forgot them (NOSCRIPT)', async () => {
    const workers = open()
    expect(await workers.call(1, () => 1)).toBe(1)
    await raw(['SCRIPT', 'FLUSH'])
    expect(await workers.call(1, () => 2)).toBe(2)
  })
})

describe('RedisWorkers: leases, polling and failures', () => {
  it('a job whose permit vanished loses its lease; a queued job of another instance gets the permit by polling', async () => {
    const name = uniqueKey('workers')
    const lease = 1500
    const holder = open(name, lease)
    const waiter = open(name, lease)
    let reason: unknown
    const held = holder.call(1, ({ signal }) => {
      return new Promise((resolve) =>
        signal.addEventListener('abort', () => {
          reason = signal.reason
          resolve('lost')
        }),
      )
    })
    await until(() => holder.count === 1)
    const next = waiter.call(1, ({ token }) => token)
    await until(async () => (await raw(['ZCARD', `${name}:workers:queue`])) === 1)
    // The permit disappears without any release being published: only polling finds it free.
    await raw(['DEL', `${name}:workers:running`])
    expect(await next).toBeGreaterThan(0)
    expect(await held).toBe('lost')
    expect(reason).toBeInstanceOf(LeaseLostError)
  })

  it('rejects with the client error when Redis cannot be reached, and a job aborted before it was sent is never queued', async () => {
    const unreachable = new RedisWorkers({ name: uniqueKey('workers'), url: 'redis://127.0.0.1:1' })
    opened.push(unreachable)
    await expect(unreachable.call(1, () => 1)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    const name = uniqueKey('workers')
    const workers = open(name)
    const controller = new AbortController()
    const call = workers.call(1, () => 1, { signal: controller.signal })
    controller.abort(new Error('early'))
    await expect(call).rejects.toThrow('early')
    expect(await workers.call(1, () => 2)).toBe(2)
    expect(await raw(['ZCARD', `${name}:workers:queue`])).toBe(0)
  })

  it('closed, done and Symbol.asyncDispose', async () => {
    const workers = open()
    expect(workers.closed).toBe(false)
    await workers[Symbol.asyncDispose]()
    expect(workers.closed).toBe(true)
    await expect(workers.done).resolves.toBeUndefined()
    expect(workers.close()).toBe(workers.done)
  })
})

describe('RedisWorkers across processes', () => {
  let bundle: Bundle
  beforeAll(async () => {
    bundle = await bundleEntry(new URL('../../test/workers-child.ts', import.meta.url))
  }, 60_000)
  afterAll(async () => {
    await bundle?.remove()
  })

  async function spawn(name: string, count: number, lease = 2000): Promise<Child<ChildEvent>[]> {
    const spawned = Array.from({ length: count }, () =>
      spawnChild<ChildEvent>(bundle, { url: redisUrl, name, lease }),
    )
    children.push(...spawned)
    await Promise.all(spawned.map((child) => child.waitFor((event) => event.ready === true)))
    return spawned
  }

  it('never runs more than count jobs across 4 processes, and picks up a changed count', async () => {
    const name = uniqueKey('workers')
    const processes = await spawn(name, 4)
    const phase = async (count: number): Promise<number[]> => {
      await raw(['SET', `${name}:test:max`, '0'])
      const before = processes.map((child) => child.events.length)
      for (const child of processes) child.send({ op: 'run', jobs: 20, count, ms: 4 })
      const done = await Promise.all(
        processes.map((child, i) =>
          child.waitFor((event) => event.ran === 20 && child.events.indexOf(event) >= before[i]!),
        ),
      )
      expect(Number(await raw(['GET', `${name}:test:max`]))).toBe(count)
      return done.flatMap((event) => event.tokens!)
    }
    const first = await phase(3)
    const second = await phase(6)
    const tokens = [...first, ...second]
    expect(new Set(tokens).size).toBe(tokens.length)
    // Every token of the later phase is larger than every one of the first.
    expect(Math.min(...second)).toBeGreaterThan(Math.max(...first))
  }, 60_000)

  it('starts queued jobs in the order Redis received them, whichever process queued them', async () => {
    const name = uniqueKey('workers')
    const processes = await spawn(name, 4)
    processes[0]!.send({ op: 'call', label: 'blocker', count: 1, hold: true })
    await processes[0]!.waitFor((event) => event.started === 'blocker')
    const order = [1, 2, 3, 1, 2, 3, 0, 3, 2, 1]
    const labels = order.map((child, i) => `p${child}-${i}`)
    for (const [i, child] of order.entries()) {
      processes[child]!.send({ op: 'call', label: labels[i], count: 1, hold: false })
      await until(async () => (await raw(['ZCARD', `${name}:workers:queue`])) === i + 1)
    }
    processes[0]!.send({ op: 'finish', label: 'blocker' })
    await Promise.all(
      order.map((child, i) => processes[child]!.waitFor((event) => event.settled === labels[i])),
    )
    expect(await raw(['LRANGE', `${name}:test:starts`, '0', '-1'])).toEqual(['blocker', ...labels])
  }, 60_000)

  it('frees the permit of a process killed mid-job within lease + one renewal interval; the next token is larger', async () => {
    const name = uniqueKey('workers')
    const lease = 900
    const [victim, survivor] = await spawn(name, 2, lease)
    victim!.send({ op: 'call', label: 'doomed', count: 1, hold: true })
    const doomed = await victim!.waitFor((event) => event.started === 'doomed')
    survivor!.send({ op: 'call', label: 'next', count: 1, hold: false })
    await until(async () => (await raw(['ZCARD', `${name}:workers:queue`])) === 1)
    await sleep(lease) // the victim renews meanwhile: the permit is held as long as it lives
    expect(survivor!.events.some((event) => event.started === 'next')).toBe(false)
    const killed = Date.now()
    await victim!.kill()
    const next = await survivor!.waitFor((event) => event.started === 'next')
    const waited = Date.now() - killed
    expect(waited).toBeLessThan(lease + lease / 3 + 400)
    expect(next.token).toBeGreaterThan(doomed.token!)
  }, 30_000)
})

describe('RedisWorkers across a Redis restart', () => {
  it('rejects queued calls, aborts running work once its lease is lost, and works again afterwards', async () => {
    const server = await startRedis()
    servers.push(server)
    const lease = 600
    const workers = open(uniqueKey('workers'), lease, server.url)
    let reason: unknown
    const running = workers.call(1, ({ signal }) => {
      return new Promise((resolve) =>
        signal.addEventListener('abort', () => {
          reason = signal.reason
          resolve('aborted')
        }),
      )
    })
    const queued = [workers.call(1, () => 1), workers.call(1, () => 2)]
    const outcomes = Promise.allSettled(queued)
    await until(() => workers.count === 1 && workers.pending === 2)
    const stopped = Date.now()
    await raw(['SHUTDOWN', 'NOSAVE'], server.url).catch(() => {})
    await server.stop()
    await server.restart()
    for (const outcome of await outcomes) {
      expect(outcome.status).toBe('rejected')
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(Error)
    }
    expect(await running).toBe('aborted')
    expect(reason).toBeInstanceOf(LeaseLostError)
    expect(Date.now() - stopped).toBeLessThan(lease + lease / 3 + 1500)
    expect(workers.count + workers.pending).toBe(0)
    expect(await Promise.all([workers.call(1, () => 'a'), workers.call(1, () => 'b')])).toEqual(['a', 'b'])
  }, 30_000)
})
