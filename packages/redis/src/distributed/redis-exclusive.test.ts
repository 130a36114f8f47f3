/// <reference types="node" />
import { ClosedError } from '@bigbuff/core'
import { afterEach, describe, expect, it } from 'vitest'
import { gate, rawClient, redisUrl, sleep, uniqueKey, until } from '../../test/helpers.js'
import { RedisExclusive } from './redis-exclusive.js'
import type { RedisExclusiveOptions } from './types.js'

const opened: RedisExclusive[] = []

afterEach(async () => {
  await Promise.all(opened.splice(0).map((exclusive) => exclusive.close()))
})

function open(options: Partial<RedisExclusiveOptions> = {}): RedisExclusive {
  const exclusive = new RedisExclusive({ url: redisUrl, namespace: uniqueKey('ns'), ...options })
  opened.push(exclusive)
  return exclusive
}

/**
 * Two RedisExclusive objects of one namespace, connections warmed up, and a run of 'k' in `a` that
 * resolves with `result` once released; returned 30 ms after it started, so later calls of 'k' queue.
 */
async function runningInA(result: unknown): Promise<{
  a: RedisExclusive
  b: RedisExclusive
  running: Promise<unknown>
  release: () => void
}> {
  const namespace = uniqueKey('ns')
  const a = open({ namespace })
  const b = open({ namespace })
  await Promise.all([a.call('warm', () => 0), b.call('warm', () => 0)])
  const held = gate()
  const running = a.call('k', () => held.promise.then(() => result))
  await sleep(30)
  return { a, b, running, release: held.release }
}

describe('RedisExclusive in one process', () => {
  it('runs calls made together once and gives every caller the same value', async () => {
    const exclusive = open()
    let runs = 0
    const work = async () => {
      runs++
      await sleep(20)
      return { runs }
    }
    const results = await Promise.all(Array.from({ length: 50 }, () => exclusive.call('k', work)))
    expect(runs).toBe(1)
    expect(new Set(results).size).toBe(1)
    expect(results[0]).toEqual({ runs: 1 })
  })

  it('a call made during a run joins the next batch (freshness), and runs never overlap', async () => {
    const exclusive = open()
    let running = 0
    let max = 0
    let runs = 0
    const work = async () => {
      running++
      max = Math.max(max, running)
      const run = ++runs
      await sleep(30)
      running--
      return run
    }
    const first = exclusive.call('k', work)
    await sleep(10)
    const second = exclusive.call('k', work)
    const third = exclusive.call('k', work)
    expect(await first).toBe(1)
    expect(await second).toBe(2)
    expect(await third).toBe(2)
    expect(max).toBe(1)
  })

  it('gives each run a larger fencing token and a live signal', async () => {
    const exclusive = open()
    const tokens: number[] = []
    for (let i = 0; i < 3; i++) {
      await exclusive.call('k', ({ token, signal }) => {
        expect(signal.aborted).toBe(false)
        tokens.push(token)
      })
    }
    expect(tokens[1]).toBeGreaterThan(tokens[0]!)
    expect(tokens[2]).toBeGreaterThan(tokens[1]!)
  })

  it('rejects every caller with the same error in the running process', async () => {
    const exclusive = open()
    const error = Object.assign(new Error('boom'), { code: 'E_BOOM' })
    const calls = [
      exclusive.call('k', () => Promise.reject(error)),
      exclusive.call('k', () => Promise.reject(error)),
    ]
    for (const call of calls) await expect(call).rejects.toBe(error)
  })

  it('delivers a value and a rebuilt error to callers in another RedisExclusive of the namespace', async () => {
    const { a, b, running, release } = await runningInA(1)
    const fromA = a.call('k', () => ({ from: 'a' }))
    const fromB = b.call('k', () => ({ from: 'b' }))
    await sleep(30)
    release()
    expect(await running).toBe(1)
    expect(await fromA).toEqual({ from: 'b' })
    expect(await fromB).toEqual({ from: 'b' })
    const error = Object.assign(new TypeError('bad'), { code: 'E_BAD' })
    const failA = a.call('e', () => {
      throw error
    })
    await expect(failA).rejects.toBe(error)
  })

  it('rebuilds errors with name, message and code in other processes', async () => {
    const { a, b, running, release } = await runningInA(undefined)
    const fromA = a.call('k', () => 0)
    await sleep(20)
    const fromB = b.call('k', () => {
      throw Object.assign(new RangeError('too far'), { code: 'E_FAR' })
    })
    const checkB = expect(fromB).rejects.toBeInstanceOf(RangeError)
    await sleep(20)
    release()
    await running
    const error = await fromA.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name: 'RangeError', message: 'too far', code: 'E_FAR' })
    await checkB
  })

  it('wait debounces on the Redis clock and rateLimit holds the next batch', async () => {
    const exclusive = open()
    const starts: number[] = []
    const work = () => {
      starts.push(performance.now())
    }
    const t0 = performance.now()
    const first = exclusive.call('k', work, { wait: 100 })
    await sleep(50)
    const second = exclusive.call('k', work, { wait: 100 })
    await Promise.all([first, second])
    expect(starts).toHaveLength(1)
    expect(starts[0]! - t0).toBeGreaterThanOrEqual(90)
    await exclusive.call('r', work, { rateLimit: 150 })
    const held = performance.now()
    await exclusive.call('r', work)
    expect(performance.now() - held).toBeGreaterThanOrEqual(100)
  })

  it('an aborted caller is rejected at once; a batch nobody wants does not run', async () => {
    const exclusive = open()
    let runs = 0
    const controller = new AbortController()
    const call = exclusive.call('k', () => runs++, { signal: controller.signal, wait: 100 })
    await sleep(20)
    controller.abort(new Error('stop'))
    await expect(call).rejects.toThrow('stop')
    await sleep(150)
    expect(runs).toBe(0)
  })

  it("aborts the work's signal once every caller left", async () => {
    const exclusive = open()
    const controller = new AbortController()
    let seen: AbortSignal | undefined
    const call = exclusive.call(
      'k',
      ({ signal }) =>
        new Promise((_, reject) => {
          seen = signal
          signal.addEventListener('abort', () => reject(signal.reason))
        }),
      { signal: controller.signal },
    )
    await until(() => seen !== undefined)
    controller.abort(new Error('gone'))
    await expect(call).rejects.toThrow('gone')
    await until(() => seen!.aborted)
  })

  it('start() runs a batch and its error goes to onError', async () => {
    const errors: unknown[] = []
    const exclusive = open({ onError: (error, key) => errors.push([error, key]) })
    const boom = new Error('boom')
    exclusive.start('k', () => Promise.reject(boom))
    await until(() => errors.length === 1)
    expect(errors[0]).toEqual([boom, 'k'])
  })

  it('close() rejects waiting callers with ClosedError and later calls too', async () => {
    const exclusive = open()
    const running = exclusive.call('k', () => sleep(100))
    await sleep(20)
    const waiting = exclusive.call('k', () => 1)
    const checks = [
      expect(waiting).rejects.toBeInstanceOf(ClosedError),
      expect(running).rejects.toBeInstanceOf(ClosedError),
    ]
    await exclusive.close()
    await Promise.all(checks)
    await expect(exclusive.call('k', () => 1)).rejects.toBeInstanceOf(ClosedError)
    expect(() => exclusive.start('k', () => 1)).toThrow(ClosedError)
    expect(exclusive.close()).toBe(exclusive.done)
  })

  it('close() while a join is on its way rejects its callers with ClosedError and withdraws the join', async () => {
    const namespace = uniqueKey('ns')
    const exclusive = open({ namespace })
    await exclusive.call('warm', () => 0)
    let runs = 0
    const call = exclusive.call('k', () => runs++)
    const check = expect(call).rejects.toBeInstanceOf(ClosedError)
    await new Promise((resolve) => setImmediate(resolve))
    await exclusive.close()
    await check
    const other = open({ namespace })
    expect(await other.call('k', () => 'fresh')).toBe('fresh')
  })

  it('refuses bad input', async () => {
    expect(() => new RedisExclusive({ namespace: '' })).toThrow(TypeError)
    expect(() => new RedisExclusive({ namespace: 'x', lease: -1 })).toThrow(RangeError)
    expect(() => new RedisExclusive({ namespace: 'x', lease: 0 })).toThrow(RangeError)
    expect(() => new RedisExclusive({ namespace: 'x', url: 'http://x' })).toThrow(TypeError)
    const exclusive = open()
    await expect(exclusive.call('k', 1 as never)).rejects.toBeInstanceOf(TypeError)
    await expect(exclusive.call(1 as never, () => 1)).rejects.toBeInstanceOf(TypeError)
    await expect(exclusive.call('k', () => 1, { wait: -1 })).rejects.toBeInstanceOf(RangeError)
    await expect(exclusive.call('k', () => 1, { rateLimit: Number.NaN })).rejects.toBeInstanceOf(RangeError)
    expect(() => exclusive.start('k', () => 1, { wait: '1' as never })).toThrow(TypeError)
  })

  it('rejects with the client error when Redis cannot be reached', async () => {
    const exclusive = open({ url: 'redis://127.0.0.1:1' })
    await expect(exclusive.call('k', () => 1)).rejects.toThrow()
  })

  it('lets idle keys expire in Redis', async () => {
    const namespace = uniqueKey('ns')
    const exclusive = open({ namespace })
    await exclusive.call('k', () => 1)
    const client = await rawClient()
    const keys = (await client.sendCommand(['KEYS', `${namespace}:*`])) as string[]
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) expect(Number(await client.sendCommand(['PTTL', key]))).toBeGreaterThan(0)
    client.destroy()
  })
})
