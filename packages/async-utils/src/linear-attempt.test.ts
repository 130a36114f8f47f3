import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { linearAttempt } from './linear-attempt.js'
import { sleep } from './sleep.js'

const START = 1_000_000

describe('linearAttempt()', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: START })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('yields the first value at once, then one per interval on schedule, count in all', async () => {
    const attempts = linearAttempt(100, 3)
    await expect(attempts.next()).resolves.toEqual({ done: false, value: START })
    const second = attempts.next()
    await vi.advanceTimersByTimeAsync(99)
    let settled = false
    void second.then(() => {
      settled = true
    })
    await Promise.resolve()
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await expect(second).resolves.toEqual({ done: false, value: START + 100 })
    const third = attempts.next()
    await vi.advanceTimersByTimeAsync(100)
    await expect(third).resolves.toEqual({ done: false, value: START + 200 })
    expect(vi.getTimerCount()).toBe(0)
    await expect(attempts.next()).resolves.toEqual({ done: true, value: undefined })
  })

  it('works with for await and yields Date.now() of each tick', async () => {
    const seen: number[] = []
    const loop = (async () => {
      for await (const time of linearAttempt(50, 4)) seen.push(time)
    })()
    await vi.advanceTimersByTimeAsync(200)
    await loop
    expect(seen).toEqual([START, START + 50, START + 100, START + 150])
  })

  it('skips ticks a slow consumer missed: no burst, and values stay on the schedule', async () => {
    const attempts = linearAttempt(100, 5)
    await expect(attempts.next()).resolves.toEqual({ done: false, value: START })
    await vi.advanceTimersByTimeAsync(350)
    // ticks at 100, 200, 300: the first filled the slot, the others found it full
    await expect(attempts.next()).resolves.toEqual({ done: false, value: START + 100 })
    let third: IteratorResult<number> | undefined
    void attempts.next().then((result) => {
      third = result
    })
    await vi.advanceTimersByTimeAsync(49)
    expect(third).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(third).toEqual({ done: false, value: START + 400 })
  })

  it('count 1 yields one value and starts no timer', async () => {
    const attempts = linearAttempt(100, 1)
    expect(vi.getTimerCount()).toBe(0)
    await expect(attempts.next()).resolves.toEqual({ done: false, value: START })
    await expect(attempts.next()).resolves.toEqual({ done: true, value: undefined })
  })

  it('breaking out of the loop clears the timer and ends the iteration', async () => {
    const attempts = linearAttempt(100, 10)
    for await (const time of attempts) {
      expect(time).toBe(START)
      break
    }
    expect(vi.getTimerCount()).toBe(0)
    await expect(attempts.next()).resolves.toEqual({ done: true, value: undefined })
  })

  it('return() answers pending next() calls with done', async () => {
    const attempts = linearAttempt(100, 10)
    await attempts.next()
    const pending = attempts.next()
    await expect(attempts.return?.()).resolves.toEqual({ done: true, value: undefined })
    await expect(pending).resolves.toEqual({ done: true, value: undefined })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('abort clears the timer and rejects the pending next() with the reason, then it is done', async () => {
    const controller = new AbortController()
    const attempts = linearAttempt(100, 10, { signal: controller.signal })
    await attempts.next()
    const pending = attempts.next()
    const queued = attempts.next()
    const reason = new Error('stop')
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
    await expect(queued).resolves.toEqual({ done: true, value: undefined })
    expect(vi.getTimerCount()).toBe(0)
    await expect(attempts.next()).resolves.toEqual({ done: true, value: undefined })
  })

  it('abort with no pending next() drops the held value and rejects the next call', async () => {
    const controller = new AbortController()
    const attempts = linearAttempt(100, 10, { signal: controller.signal })
    controller.abort('stop')
    expect(vi.getTimerCount()).toBe(0)
    await expect(attempts.next()).rejects.toBe('stop')
    await expect(attempts.next()).resolves.toEqual({ done: true, value: undefined })
  })

  it('abort after the last value was produced but before it was taken rejects the next call', async () => {
    const controller = new AbortController()
    const attempts = linearAttempt(100, 2, { signal: controller.signal })
    await attempts.next()
    await vi.advanceTimersByTimeAsync(100)
    expect(vi.getTimerCount()).toBe(0)
    controller.abort('late')
    await expect(attempts.next()).rejects.toBe('late')
  })

  it('an already aborted signal produces no value and starts no timer', async () => {
    const attempts = linearAttempt(100, 3, { signal: AbortSignal.abort('early') })
    expect(vi.getTimerCount()).toBe(0)
    await expect(attempts.next()).rejects.toBe('early')
    await expect(attempts.next()).resolves.toEqual({ done: true, value: undefined })
  })

  it('removes its abort listener when it finishes', async () => {
    const controller = new AbortController()
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    const attempts = linearAttempt(100, 2, { signal: controller.signal })
    await attempts.next()
    await vi.advanceTimersByTimeAsync(100)
    await attempts.next()
    expect(remove).toHaveBeenCalled()
    controller.abort()
    await expect(attempts.next()).resolves.toEqual({ done: true, value: undefined })
  })

  it('serves concurrent next() calls one tick each', async () => {
    const attempts = linearAttempt(100, 3)
    const results = Promise.all([attempts.next(), attempts.next(), attempts.next(), attempts.next()])
    await vi.advanceTimersByTimeAsync(200)
    await expect(results).resolves.toEqual([
      { done: false, value: START },
      { done: false, value: START + 100 },
      { done: false, value: START + 200 },
      { done: true, value: undefined },
    ])
  })

  it('a timer that fires late is followed by the next tick on the schedule, not by the ticks it missed', async () => {
    const attempts = linearAttempt(100, 4)
    await attempts.next()
    const second = attempts.next()
    vi.setSystemTime(START + 350) // the clock moves on while the event loop is busy
    await vi.advanceTimersByTimeAsync(100)
    await expect(second).resolves.toEqual({ done: false, value: START + 450 })
    let third: IteratorResult<number> | undefined
    void attempts.next().then((result) => {
      third = result
    })
    await vi.advanceTimersByTimeAsync(49)
    expect(third).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(third).toEqual({ done: false, value: START + 500 })
  })

  it('property: any consumer pace gets count values, on schedule, never two in one interval, none stale', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 450 }), { minLength: 8, maxLength: 8 }),
        async (count, delays) => {
          const interval = 100
          const start = Date.now()
          const taken: { value: number; at: number }[] = []
          const run = (async () => {
            let i = 0
            const attempts = linearAttempt(interval, count)
            for (;;) {
              const asked = Date.now()
              const result = await attempts.next()
              if (result.done) break
              taken.push({ value: result.value, at: Math.max(asked, result.value) })
              await sleep(delays[i++] ?? 0)
            }
          })()
          await vi.runAllTimersAsync()
          await run
          expect(taken).toHaveLength(count)
          expect(taken[0]?.value).toBe(start)
          for (let i = 1; i < taken.length; i++) {
            const previous = taken[i - 1] as { value: number; at: number }
            const { value } = taken[i] as { value: number }
            expect((value - start) % interval).toBe(0)
            expect(value - previous.value).toBeGreaterThanOrEqual(interval)
            expect(value).toBeGreaterThanOrEqual(previous.at)
            expect(value).toBeLessThanOrEqual(previous.at + interval)
          }
          expect(vi.getTimerCount()).toBe(0)
        },
      ),
      { numRuns: 50 },
    )
  })
})
