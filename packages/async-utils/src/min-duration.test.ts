import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { minDuration } from './min-duration.js'
import { sleep } from './sleep.js'

/** Tracks how a promise settled. */
function watch<T>(promise: Promise<T>): { settled: boolean; value?: T; error?: unknown } {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false }
  promise.then(
    (value) => {
      state.settled = true
      state.value = value
    },
    (error: unknown) => {
      state.settled = true
      state.error = error
    },
  )
  return state
}

describe('minDuration()', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('delivers a value no sooner than ms after the call', async () => {
    const wrapped = minDuration(100, (x: number) => x * 2)
    const state = watch(wrapped(21))
    await vi.advanceTimersByTimeAsync(99)
    expect(state.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(state).toEqual({ settled: true, value: 42 })
  })

  it('delivers an error, thrown or rejected, no sooner than ms after the call, unchanged', async () => {
    const error = new Error('boom')
    for (const fn of [
      () => {
        throw error
      },
      async () => {
        throw error
      },
    ]) {
      const state = watch(minDuration(50, fn)())
      await vi.advanceTimersByTimeAsync(49)
      expect(state.settled).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(state.settled).toBe(true)
      expect(state.error).toBe(error)
    }
  })

  it('counts from the call: an operation that takes part of ms waits only the rest', async () => {
    const wrapped = minDuration(100, async () => {
      await sleep(60)
      return 'done'
    })
    const state = watch(wrapped())
    await vi.advanceTimersByTimeAsync(99)
    expect(state.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(state.value).toBe('done')
  })

  it('delivers at once when the operation takes longer than ms', async () => {
    const wrapped = minDuration(100, async () => {
      await sleep(250)
      throw new Error('slow failure')
    })
    const state = watch(wrapped())
    await vi.advanceTimersByTimeAsync(249)
    expect(state.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(state.error).toEqual(new Error('slow failure'))
  })

  it('passes arguments and this unchanged and starts fn at once', async () => {
    const target = {}
    const arg = { x: 1 }
    const fn = vi.fn(function (this: unknown, a: { x: number }, b: string) {
      return [this, a, b] as const
    })
    const wrapped = minDuration(10, fn)
    const result = wrapped.call(target, arg, 'b')
    expect(fn).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(10)
    const [self, a, b] = await result
    expect(self).toBe(target)
    expect(a).toBe(arg)
    expect(b).toBe('b')
  })
})
