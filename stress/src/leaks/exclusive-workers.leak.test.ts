import { Exclusive } from '@bigbuff/exclusive'
import { Worker, Workers } from '@bigbuff/workers'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { collected } from '../support/memory.js'
import { settle } from '../support/settle.js'
import { listeners } from '../support/signals.js'

class Payload {
  constructor(readonly id: number) {}
}

const ignore = (): undefined => undefined

describe('Exclusive leaves nothing behind', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('once runs, waits and rate-limit holds are over: no key, no timer, no listener, nothing retained', async () => {
    const timers = vi.getTimerCount()
    const longLived = new AbortController()
    const exclusive = new Exclusive<object>({ onError: ignore })
    const refs = await (async () => {
      const key = { name: 'key' }
      const result = new Payload(1)
      const work = async (): Promise<Payload> => result
      const calls = [
        exclusive.call(key, work, { wait: 20, rateLimit: 50, signal: longLived.signal }),
        exclusive.call(key, work, { wait: 20, rateLimit: 50 }),
      ]
      exclusive.start(key, work, { rateLimit: 50 })
      expect(vi.getTimerCount() - timers, 'the wait').toBe(1)
      await vi.advanceTimersByTimeAsync(20)
      expect(await Promise.all(calls)).toEqual([result, result])
      // A second batch waits for the hold, a third is abandoned by its only caller.
      const next = exclusive.call(key, work, { signal: longLived.signal, rateLimit: 50 })
      const controller = new AbortController()
      const abandoned = exclusive.call({ other: true }, work, { signal: controller.signal, wait: 10 })
      controller.abort(new Error('left'))
      await abandoned.catch(ignore)
      await vi.advanceTimersByTimeAsync(50)
      expect(await next).toBe(result)
      expect(exclusive.size, 'the hold of the second run keeps the key').toBe(1)
      await vi.advanceTimersByTimeAsync(50)
      return { key: new WeakRef(key), result: new WeakRef(result), work: new WeakRef(work) }
    })()
    await settle()
    expect(exclusive.size).toBe(0)
    expect(vi.getTimerCount(), 'no timer once every hold ended').toBe(timers)
    expect(listeners(longLived.signal)).toBe(0)
    expect(await collected(refs.key), 'the key').toBe(true)
    expect(await collected(refs.result), 'the shared result').toBe(true)
    expect(await collected(refs.work), 'the work function').toBe(true)
  })

  it('a failing run nobody awaits goes to onError and is not retained', async () => {
    const errors: unknown[] = []
    const exclusive = new Exclusive<string>({ onError: (error) => errors.push(error) })
    const ref = await (async () => {
      const failure = new Error('nobody awaits this')
      exclusive.start('k', () => Promise.reject(failure))
      await settle()
      expect(errors).toEqual([failure])
      return new WeakRef(failure)
    })()
    errors.length = 0
    expect(exclusive.size).toBe(0)
    expect(await collected(ref)).toBe(true)
  })
})

describe('Workers and Worker leave nothing behind', () => {
  it('an idle Workers holds no job, function, argument or result', async () => {
    const longLived = new AbortController()
    const workers = new Workers()
    const refs = await (async () => {
      const arg = new Payload(1)
      const result = new Payload(2)
      const fn = async (_: Payload): Promise<Payload> => result
      const wrapped = workers.wrap(2, fn)
      const blocker = workers.call(1, () => new Promise<void>((resolve) => setTimeout(resolve, 1)))
      const queued = workers.call(1, () => result, { signal: longLived.signal })
      const controller = new AbortController()
      const cancelled = workers.call(1, () => result, { signal: controller.signal })
      controller.abort(new Error('cancelled'))
      await cancelled.catch(ignore)
      expect(await wrapped(arg)).toBe(result)
      await blocker
      expect(await queued).toBe(result)
      await workers.wait()
      return {
        arg: new WeakRef(arg),
        result: new WeakRef(result),
        fn: new WeakRef(fn),
        controller: new WeakRef(controller),
      }
    })()
    expect(workers.count + workers.pending).toBe(0)
    expect(listeners(longLived.signal)).toBe(0)
    for (const [name, ref] of Object.entries(refs)) expect(await collected(ref), name).toBe(true)
  })

  it('a Worker whose last holder released and whose run settled holds no function', async () => {
    const worker = new Worker()
    const refs = await (async () => {
      let finish = (): void => {}
      const fn = (stop: AbortSignal): Promise<void> =>
        new Promise((resolve) => {
          finish = resolve
          stop.addEventListener('abort', () => finish(), { once: true })
        })
      const queued = (): void => {}
      const release = worker.do(fn)
      release()
      const again = worker.do(queued)
      again[Symbol.dispose]()
      await settle()
      return { fn: new WeakRef(fn), queued: new WeakRef(queued) }
    })()
    expect(worker.active).toBe(false)
    expect(await collected(refs.fn)).toBe(true)
    expect(await collected(refs.queued)).toBe(true)
  })
})
