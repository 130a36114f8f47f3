/// <reference types="node" />
import { ClosedError } from '@bigbuff/core'
import { afterEach, describe, expect, it } from 'vitest'
import { gate, rawClient, redisUrl, sleep, uniqueKey, until } from '../../test/helpers.js'
import { LeaseLostError } from './lease.js'
import { RedisExclusive } from './redis-exclusive.js'
import type { RedisExclusiveOptions } from './types.js'

const opened: RedisExclusive[] = []

afterEach(async () => {
  await Promise.all(opened.splice(0).map((exclusive) => exclusive.close()))
})

function open(options: Partial<RedisExclusiveOptions> = {}): RedisExclusive {
  const exclusive = new RedisExclusive({ url: redisUrl, namespace: uniqueKey('edge'), ...options })
  opened.push(exclusive)
  return exclusive
}

/** Two objects of one namespace, connections warmed up. */
async function pair(
  options: Partial<RedisExclusiveOptions> = {},
  bystanders = 0,
): Promise<[RedisExclusive, RedisExclusive]> {
  const namespace = uniqueKey('edge')
  const all = Array.from({ length: 2 + bystanders }, () => open({ namespace, ...options }))
  await Promise.all(all.map((exclusive) => exclusive.call('warm', () => 0)))
  return [all[0]!, all[1]!]
}

/**
 * Starts a run of 'k' in `exclusive` that lasts until `release()`, and waits until it runs, so the
 * next calls of 'k' queue behind it. `runs()` counts how often this run's work was started.
 */
async function occupy(
  exclusive: RedisExclusive,
  result?: unknown,
): Promise<{ running: Promise<unknown>; release: () => void; runs: () => number }> {
  const held = gate()
  let runs = 0
  const running = exclusive.call('k', async () => {
    runs++
    await held.promise
    return result
  })
  await until(() => runs === 1)
  return { running, release: held.release, runs: () => runs }
}

/**
 * Queues a call of 'k' in `a` behind a run there, then one in `b` with `work`, and ends the run:
 * the next batch holds both callers and `b`, having joined it last, runs `work` for both. Handles
 * to both calls are returned once the first run has ended.
 */
async function runInB(
  [a, b]: [RedisExclusive, RedisExclusive],
  work: () => unknown,
): Promise<{ here: Promise<unknown>; elsewhere: Promise<unknown> }> {
  const first = await occupy(a)
  const elsewhere = a.call('k', () => 0)
  await sleep(30)
  const here = b.call('k', work)
  // Both outcomes are checked by the caller once the run has ended; they must not go unhandled meanwhile.
  here.catch(() => {})
  elsewhere.catch(() => {})
  await sleep(30)
  first.release()
  await first.running
  return { here, elsewhere }
}

describe('RedisExclusive edge cases', () => {
  it('refuses options that are not an object, and reports closed', async () => {
    expect(() => new RedisExclusive(null as never)).toThrow(TypeError)
    expect(() => new RedisExclusive({ namespace: 'x', codec: {} as never })).toThrow(TypeError)
    expect(() => new RedisExclusive({ namespace: 'x', onError: 1 as never })).toThrow(TypeError)
    const exclusive = open()
    expect(exclusive.closed).toBe(false)
    await exclusive.close()
    expect(exclusive.closed).toBe(true)
    await exclusive[Symbol.asyncDispose]()
  })

  it('sends the client error of a start() that cannot reach Redis to onError', async () => {
    const errors: unknown[] = []
    const exclusive = open({ url: 'redis://127.0.0.1:1', onError: (error) => errors.push(error) })
    exclusive.start('k', () => 1)
    await until(() => errors.length === 1)
    expect(errors[0]).toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('ignores errors nobody awaits without onError, and a throwing onError', async () => {
    const quiet = open()
    let ran = false
    quiet.start('k', () => {
      ran = true
      throw new Error('ignored')
    })
    await until(() => ran)
    const throwing = open({
      onError: () => {
        throw new Error('from onError')
      },
    })
    let ranToo = false
    throwing.start('k', () => {
      ranToo = true
      return Promise.reject(new Error('reported'))
    })
    await until(() => ranToo)
    await sleep(30)
  })

  it('a caller aborted in the tick it called never joins; one aborted while its join is on its way leaves', async () => {
    const exclusive = open()
    let runs = 0
    const now = new AbortController()
    const first = exclusive.call('k', () => runs++, { signal: now.signal })
    const stays = exclusive.call('k', () => 'stays')
    now.abort('now')
    await expect(first).rejects.toBe('now')
    expect(await stays).toBe('stays')
    runs = 0
    const soon = new AbortController()
    const second = exclusive.call('j', () => runs++, { signal: soon.signal, wait: 200 })
    const check = expect(second).rejects.toBe('soon')
    await Promise.resolve()
    await Promise.resolve()
    soon.abort('soon')
    await check
    await sleep(300)
    expect(runs).toBe(0)
  })

  it('close() withdraws callers queued behind a run in another object', async () => {
    const [a, b] = await pair()
    const first = await occupy(a, 'first')
    let runs = 0
    const queued = b.call('k', () => {
      runs++
      return 'second'
    })
    const check = expect(queued).rejects.toBeInstanceOf(ClosedError)
    await sleep(50)
    await b.close()
    await check
    first.release()
    expect(await first.running).toBe('first')
    await sleep(50)
    expect(first.runs()).toBe(1)
    expect(runs).toBe(0)
  })

  it('times a batch queued behind a run by its wait, announced when the run ends', async () => {
    // A third object of the namespace hears every message and ignores those of batches it is not in.
    const [a, b] = await pair({}, 1)
    let started = 0
    const running = a.call('k', async () => {
      started = performance.now()
      await sleep(50)
    })
    await until(() => started > 0)
    const joined = performance.now()
    let ranAt = 0
    // a creates the queued batch (it starts it when due); b only joins it (its timer is a fallback).
    const fromA = a.call('k', () => 'a', { wait: 300 })
    await sleep(20)
    await b.call(
      'k',
      () => {
        ranAt = performance.now()
        return 'b'
      },
      { wait: 300 },
    )
    await running
    expect(await fromA).toBe('b')
    expect(ranAt - joined).toBeGreaterThanOrEqual(250)
  })

  it('rebuilds thrown non-errors and errors without a message elsewhere', async () => {
    const { here, elsewhere } = await runInB(await pair(), () => {
      throw 'plain text'
    })
    const [, error] = await Promise.all([
      expect(here).rejects.toBe('plain text'),
      elsewhere.catch((error: unknown) => error),
    ])
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name: 'Error', message: 'plain text' })
  })

  it('a value the codec cannot carry reaches local callers as is and others as a TypeError', async () => {
    const codec = {
      encode: (value: unknown) =>
        value === 'unencodable' ? (1 as unknown as string) : JSON.stringify(value),
      decode: (text: string) => JSON.parse(text) as unknown,
    }
    const { here, elsewhere } = await runInB(await pair({ codec }), () => 'unencodable')
    expect(await here).toBe('unencodable')
    await expect(elsewhere).rejects.toMatchObject({ name: 'TypeError' })
  })

  it('aborts the work in another object once every caller in every object left', async () => {
    const [a, b] = await pair()
    const first = await occupy(a)
    const inA = new AbortController()
    const inB = new AbortController()
    const fromA = a.call('k', () => 'a', { signal: inA.signal })
    await sleep(30)
    let seen: AbortSignal | undefined
    const fromB = b.call(
      'k',
      ({ signal }) =>
        new Promise((resolve) => {
          seen = signal
          signal.addEventListener('abort', () => resolve('stopped'))
        }),
      { signal: inB.signal },
    )
    const checks = [expect(fromA).rejects.toBe('a left'), expect(fromB).rejects.toBe('b left')]
    await sleep(30)
    first.release()
    await first.running
    await until(() => seen !== undefined)
    inB.abort('b left')
    await sleep(50)
    expect(seen?.aborted).toBe(false)
    inA.abort('a left')
    await until(() => seen?.aborted === true)
    expect(seen?.reason).toMatchObject({ name: 'AbortError' })
    await Promise.all(checks)
  })

  it('loses the lease when Redis forgets the run: the signal aborts with LeaseLostError and local callers reject', async () => {
    const namespace = uniqueKey('edge')
    const exclusive = open({ namespace, lease: 300 })
    let seen: AbortSignal | undefined
    const call = exclusive.call('k', ({ signal }) => {
      seen = signal
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
    })
    const check = expect(call).rejects.toBeInstanceOf(LeaseLostError)
    await until(() => seen !== undefined)
    const client = await rawClient()
    await client.sendCommand(['DEL', `${namespace}:exclusive:k`])
    client.destroy()
    await check
    expect(seen?.reason).toBeInstanceOf(LeaseLostError)
    expect(await exclusive.call('k', () => 'again')).toBe('again')
  })
})
