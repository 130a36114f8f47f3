import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { sleep } from './sleep.js'

describe('sleep()', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('resolves after the delay and not before', async () => {
    let done = false
    void sleep(100).then(() => {
      done = true
    })
    await vi.advanceTimersByTimeAsync(99)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(done).toBe(true)
  })

  it('sleep(0) resolves on a 0 ms timer', async () => {
    let done = false
    void sleep(0).then(() => {
      done = true
    })
    await Promise.resolve()
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(0)
    expect(done).toBe(true)
  })

  it('waits the whole of a delay longer than setTimeout allows', async () => {
    const ms = 2 ** 31 + 5_000
    let done = false
    void sleep(ms).then(() => {
      done = true
    })
    await vi.advanceTimersByTimeAsync(2 ** 31)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(ms - 2 ** 31 - 1)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(done).toBe(true)
  })

  it('rejects with the reason on abort and clears its timer', async () => {
    const controller = new AbortController()
    const sleeping = sleep(1_000, { signal: controller.signal })
    expect(vi.getTimerCount()).toBe(1)
    const reason = new Error('wake up')
    controller.abort(reason)
    await expect(sleeping).rejects.toBe(reason)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects at once with an already aborted signal and starts no timer', async () => {
    const sleeping = sleep(1_000, { signal: AbortSignal.abort('early') })
    expect(vi.getTimerCount()).toBe(0)
    await expect(sleeping).rejects.toBe('early')
  })

  it('removes its abort listener once it resolves', async () => {
    const controller = new AbortController()
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    const sleeping = sleep(10, { signal: controller.signal })
    await vi.advanceTimersByTimeAsync(10)
    await sleeping
    expect(remove).toHaveBeenCalledTimes(1)
    controller.abort()
    await expect(sleeping).resolves.toBeUndefined()
  })

  it('uses the timer functions installed when it is called', async () => {
    vi.useRealTimers()
    const setTimeoutSpy = vi.fn((callback: () => void) => {
      callback()
      return 0
    })
    vi.stubGlobal('setTimeout', setTimeoutSpy)
    try {
      await sleep(5)
      expect(setTimeoutSpy).toHaveBeenCalledWith(expect.any(Function), 5)
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
