import { sleep, trackSettlement as track } from '@bigbuff/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Exclusive } from './exclusive.js'

/** Work that takes `ms` of (fake) time and records when it started. */
function timed<T>(ms: number, value: T, starts: number[] = []) {
  return vi.fn(async () => {
    starts.push(Date.now())
    if (ms > 0) await sleep(ms)
    return value
  })
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
})

describe('Exclusive.call() batching', () => {
  it('runs the work once for 100 calls made in one tick, and they all get its value', async () => {
    const exclusive = new Exclusive<string>()
    const work = vi.fn(() => 'shared')
    const calls = Array.from({ length: 100 }, () => exclusive.call('k', work))
    expect(work).not.toHaveBeenCalled()
    expect(await Promise.all(calls)).toEqual(Array(100).fill('shared'))
    expect(work).toHaveBeenCalledTimes(1)
  })

  it('starts a batch in a microtask, not synchronously', async () => {
    const exclusive = new Exclusive()
    const work = vi.fn()
    const result = exclusive.call('k', work)
    expect(work).not.toHaveBeenCalled()
    expect(exclusive.running('k')).toBe(false)
    await Promise.resolve()
    expect(work).toHaveBeenCalledTimes(1)
    expect(exclusive.running('k')).toBe(true)
    await result
  })

  it('never lets a call join a run in progress: it gets the next run', async () => {
    const exclusive = new Exclusive()
    let version = 0
    const work = vi.fn(async () => {
      const seen = ++version
      await sleep(100)
      return seen
    })
    const first = exclusive.call('k', work)
    await vi.advanceTimersByTimeAsync(50)
    expect(exclusive.running('k')).toBe(true)
    const second = exclusive.call('k', work)
    const third = exclusive.call('k', work)
    await vi.advanceTimersByTimeAsync(50)
    await expect(first).resolves.toBe(1)
    expect(work).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(100)
    await expect(second).resolves.toBe(2)
    await expect(third).resolves.toBe(2)
    expect(work).toHaveBeenCalledTimes(2)
  })

  it("runs the last joiner's work and never calls the others'", async () => {
    const exclusive = new Exclusive()
    const a = vi.fn(() => 'a')
    const b = vi.fn(() => 'b')
    const c = vi.fn(() => 'c')
    const results = Promise.all([exclusive.call('k', a), exclusive.call('k', b), exclusive.call('k', c)])
    await expect(results).resolves.toEqual(['c', 'c', 'c'])
    expect(a).not.toHaveBeenCalled()
    expect(b).not.toHaveBeenCalled()
  })

  it('rejects every caller with the same error object, a synchronous throw included', async () => {
    const exclusive = new Exclusive()
    const error = new Error('shared failure')
    const controller = new AbortController()
    const plain = exclusive.call('k', () => {
      throw error
    })
    const withSignal = exclusive.call(
      'k',
      () => {
        throw error
      },
      { signal: controller.signal },
    )
    await expect(plain).rejects.toBe(error)
    await expect(withSignal).rejects.toBe(error)
  })

  it('keeps keys independent, compared as Map keys', async () => {
    const exclusive = new Exclusive<unknown>()
    const starts: number[] = []
    const a = exclusive.call('a', timed(100, 'a', starts))
    const b = exclusive.call('b', timed(100, 'b', starts))
    const nan = exclusive.call(Number.NaN, () => 'first')
    const nanAgain = exclusive.call(Number.NaN, () => 'second')
    const zero = exclusive.call(0, () => '+0')
    const negativeZero = exclusive.call(-0, () => '-0')
    expect(exclusive.size).toBe(4)
    await vi.advanceTimersByTimeAsync(0)
    expect(exclusive.running('a') && exclusive.running('b')).toBe(true)
    await vi.advanceTimersByTimeAsync(100)
    expect(starts).toEqual([0, 0])
    expect(await Promise.all([a, b, nan, nanAgain, zero, negativeZero])).toEqual([
      'a',
      'b',
      'second',
      'second',
      '-0',
      '-0',
    ])
  })

  it('gives work a signal that never aborts while a caller without a signal waits', async () => {
    const exclusive = new Exclusive()
    const controller = new AbortController()
    let seen: AbortSignal | undefined
    const work = async ({ signal }: { signal: AbortSignal }) => {
      seen = signal
      await sleep(10)
      return 'done'
    }
    const plain = exclusive.call('k', work)
    const leaving = track(exclusive.call('k', work, { signal: controller.signal }))
    await vi.advanceTimersByTimeAsync(1)
    controller.abort('bye')
    await vi.advanceTimersByTimeAsync(0)
    expect(leaving.status).toBe('rejected')
    expect(seen?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(9)
    await expect(plain).resolves.toBe('done')
  })
})

describe('Exclusive.call() wait', () => {
  it('starts a batch no sooner than wait after its first call; calls in the window join it', async () => {
    const exclusive = new Exclusive()
    const starts: number[] = []
    const first = exclusive.call('k', timed(0, 'first', starts), { wait: 100 })
    await vi.advanceTimersByTimeAsync(60)
    const second = exclusive.call('k', timed(0, 'second', starts), { wait: 500 })
    await vi.advanceTimersByTimeAsync(39)
    expect(starts).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(starts).toEqual([100])
    await expect(first).resolves.toBe('second')
    await expect(second).resolves.toBe('second')
  })

  it('counts time spent waiting for the previous run', async () => {
    const exclusive = new Exclusive()
    const starts: number[] = []
    void exclusive.call('k', timed(100, 'run 1', starts))
    await vi.advanceTimersByTimeAsync(10)
    const early = exclusive.call('k', timed(100, 'run 2', starts), { wait: 50 })
    await vi.advanceTimersByTimeAsync(90)
    expect(starts).toEqual([0, 100])
    await vi.advanceTimersByTimeAsync(60)
    const late = exclusive.call('k', timed(0, 'run 3', starts), { wait: 50 })
    await vi.advanceTimersByTimeAsync(40)
    await expect(early).resolves.toBe('run 2')
    await vi.advanceTimersByTimeAsync(9)
    expect(starts).toEqual([0, 100])
    await vi.advanceTimersByTimeAsync(1)
    expect(starts).toEqual([0, 100, 210])
    await expect(late).resolves.toBe('run 3')
  })

  it("reads the wait of the last joiner before the previous run ended, counted from the batch's first call", async () => {
    const exclusive = new Exclusive()
    const starts: number[] = []
    void exclusive.call('k', timed(100, 'run 1', starts))
    await vi.advanceTimersByTimeAsync(20)
    void exclusive.call('k', timed(0, 'run 2', starts), { wait: 10 })
    await vi.advanceTimersByTimeAsync(20)
    const queued = exclusive.call('k', timed(0, 'run 2', starts), { wait: 300 })
    await vi.advanceTimersByTimeAsync(279)
    expect(starts).toEqual([0])
    await vi.advanceTimersByTimeAsync(1)
    expect(starts).toEqual([0, 320])
    await expect(queued).resolves.toBe('run 2')
  })
})

describe('Exclusive.call() rateLimit', () => {
  it('holds the key after the run without delaying its result', async () => {
    const exclusive = new Exclusive()
    const starts: number[] = []
    const first = track(exclusive.call('k', timed(10, 'one', starts), { rateLimit: 100 }))
    await vi.advanceTimersByTimeAsync(10)
    expect(first).toEqual({ status: 'fulfilled', value: 'one' })
    expect(exclusive.running('k')).toBe(false)
    expect(exclusive.size).toBe(1)
    await vi.advanceTimersByTimeAsync(10)
    const second = exclusive.call('k', timed(10, 'two', starts))
    await vi.advanceTimersByTimeAsync(79)
    expect(starts).toEqual([0])
    await vi.advanceTimersByTimeAsync(1)
    expect(starts).toEqual([0, 100])
    await vi.advanceTimersByTimeAsync(10)
    await expect(second).resolves.toBe('two')
    expect(exclusive.size).toBe(0)
  })

  it('forgets the key when the hold ends, with an unref-ed hold timer', async () => {
    const exclusive = new Exclusive()
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout')
    await exclusive.call('k', () => 'x', { rateLimit: 50 })
    expect(exclusive.size).toBe(1)
    const hold = setTimeoutSpy.mock.results.at(-1)?.value as { hasRef(): boolean }
    expect(hold.hasRef()).toBe(false)
    await vi.advanceTimersByTimeAsync(49)
    expect(exclusive.size).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(exclusive.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('keeps the timer of a batch that callers wait for referenced', async () => {
    const exclusive = new Exclusive()
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout')
    await exclusive.call('k', () => 'x', { rateLimit: 50 })
    const next = exclusive.call('k', () => 'y')
    const timer = setTimeoutSpy.mock.results.at(-1)?.value as { hasRef(): boolean }
    expect(timer.hasRef()).toBe(true)
    await vi.advanceTimersByTimeAsync(50)
    await expect(next).resolves.toBe('y')
  })

  it("uses the rateLimit of the batch's last joiner", async () => {
    const exclusive = new Exclusive()
    const starts: number[] = []
    void exclusive.call('k', timed(0, 1, starts), { rateLimit: 500 })
    void exclusive.call('k', timed(0, 2, starts), { rateLimit: 30 })
    await vi.advanceTimersByTimeAsync(1)
    void exclusive.call('k', timed(0, 3, starts))
    await vi.advanceTimersByTimeAsync(29)
    expect(starts).toEqual([0, 30])
  })

  it('holds after a failed run too, and lets a later batch wait for the longer of hold and wait', async () => {
    const exclusive = new Exclusive()
    const starts: number[] = []
    await expect(
      exclusive.call(
        'k',
        () => {
          starts.push(Date.now())
          throw new Error('x')
        },
        { rateLimit: 40 },
      ),
    ).rejects.toThrow('x')
    void exclusive.call('k', timed(0, 'a', starts), { wait: 60 })
    await vi.advanceTimersByTimeAsync(100)
    expect(starts).toEqual([0, 60])
  })
})

describe('Exclusive.start()', () => {
  it('runs a batch made only of start() calls, with the last joiner winning', async () => {
    const exclusive = new Exclusive()
    const first = vi.fn()
    const last = vi.fn()
    exclusive.start('k', first)
    exclusive.start('k', last, { wait: 10 })
    expect(exclusive.size).toBe(1)
    await vi.advanceTimersByTimeAsync(0)
    expect(last).toHaveBeenCalledTimes(1)
    expect(first).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(0)
    expect(exclusive.size).toBe(0)
  })

  it('sends errors nobody awaits to onError with the key, never as an unhandled rejection', async () => {
    const onError = vi.fn()
    const exclusive = new Exclusive<string>({ onError })
    const error = new Error('nobody listens')
    exclusive.start('k', async () => {
      throw error
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(onError).toHaveBeenCalledWith(error, 'k')
    const quiet = new Exclusive()
    quiet.start('k', () => Promise.reject(new Error('ignored')))
    await vi.advanceTimersByTimeAsync(0)
    expect(quiet.size).toBe(0)
  })

  it('hands the error to an awaiting caller instead of onError', async () => {
    const onError = vi.fn()
    const exclusive = new Exclusive({ onError })
    const error = new Error('seen')
    exclusive.start('k', () => {
      throw error
    })
    await expect(exclusive.call('k', () => Promise.reject(error))).rejects.toBe(error)
    expect(onError).not.toHaveBeenCalled()
  })

  it('sends the error of a run whose callers all aborted to onError', async () => {
    const onError = vi.fn()
    const exclusive = new Exclusive({ onError })
    const controller = new AbortController()
    const error = new Error('abandoned')
    const call = track(
      exclusive.call('k', () => sleep(10).then(() => Promise.reject(error)), { signal: controller.signal }),
    )
    await vi.advanceTimersByTimeAsync(1)
    controller.abort('gone')
    await vi.advanceTimersByTimeAsync(10)
    expect(call).toEqual({ status: 'rejected', reason: 'gone' })
    expect(onError).toHaveBeenCalledWith(error, 'k')
  })

  it('keeps the work signal from aborting while a start() is part of the run', async () => {
    const exclusive = new Exclusive()
    const controller = new AbortController()
    let seen: AbortSignal | undefined
    const work = async ({ signal }: { signal: AbortSignal }) => {
      seen = signal
      await sleep(10)
    }
    exclusive.start('k', work)
    const call = track(exclusive.call('k', work, { signal: controller.signal }))
    await vi.advanceTimersByTimeAsync(1)
    controller.abort('leave')
    await vi.advanceTimersByTimeAsync(0)
    expect(call.status).toBe('rejected')
    expect(seen?.aborted).toBe(false)
  })

  it('reports a throwing onError asynchronously instead of losing it', async () => {
    const thrown = new Error('onError failed')
    const exclusive = new Exclusive({
      onError: () => {
        throw thrown
      },
    })
    const caught: unknown[] = []
    const original = globalThis.queueMicrotask
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) =>
      original(() => {
        try {
          callback()
        } catch (error) {
          caught.push(error)
        }
      }),
    )
    exclusive.start('k', () => Promise.reject(new Error('run failed')))
    await vi.advanceTimersByTimeAsync(0)
    expect(caught).toEqual([thrown])
  })
})

describe('Exclusive.call() with a signal', () => {
  it('rejects an aborted caller at once and removes it from its batch', async () => {
    const exclusive = new Exclusive()
    const controller = new AbortController()
    const aborted = track(exclusive.call('k', () => 'x', { signal: controller.signal, wait: 100 }))
    const staying = exclusive.call('k', () => 'y')
    const reason = new Error('changed my mind')
    controller.abort(reason)
    await Promise.resolve()
    expect(aborted).toEqual({ status: 'rejected', reason })
    await vi.advanceTimersByTimeAsync(100)
    await expect(staying).resolves.toBe('y')
  })

  it('does not run a batch every caller left, and forgets the key', async () => {
    const exclusive = new Exclusive()
    const work = vi.fn()
    const controllers = [new AbortController(), new AbortController()]
    const calls = controllers.map((controller) =>
      track(exclusive.call('k', work, { signal: controller.signal, wait: 50 })),
    )
    expect(exclusive.size).toBe(1)
    for (const controller of controllers) controller.abort('no')
    expect(exclusive.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(100)
    expect(work).not.toHaveBeenCalled()
    expect(calls.map((call) => call.status)).toEqual(['rejected', 'rejected'])
  })

  it('does not run a microtask-scheduled batch left in the same tick, but runs a new one once', async () => {
    const exclusive = new Exclusive()
    const controller = new AbortController()
    const dropped = vi.fn()
    const kept = vi.fn(() => 'kept')
    void exclusive.call('k', dropped, { signal: controller.signal }).catch(() => {})
    controller.abort()
    const result = exclusive.call('k', kept)
    await expect(result).resolves.toBe('kept')
    expect(dropped).not.toHaveBeenCalled()
    expect(kept).toHaveBeenCalledTimes(1)
  })

  it('drops a batch queued behind a run once its callers leave', async () => {
    const exclusive = new Exclusive()
    const controller = new AbortController()
    const queuedWork = vi.fn()
    const running = exclusive.call('k', timed(100, 'run'))
    await vi.advanceTimersByTimeAsync(10)
    const queued = track(exclusive.call('k', queuedWork, { signal: controller.signal }))
    controller.abort('later')
    await vi.advanceTimersByTimeAsync(90)
    await expect(running).resolves.toBe('run')
    expect(queued.status).toBe('rejected')
    expect(queuedWork).not.toHaveBeenCalled()
    expect(exclusive.size).toBe(0)
  })

  it('keeps the rest of a rate-limit hold when a batch waiting for it is dropped', async () => {
    const exclusive = new Exclusive()
    await exclusive.call('k', () => 'x', { rateLimit: 100 })
    await vi.advanceTimersByTimeAsync(20)
    const controller = new AbortController()
    const work = vi.fn()
    const dropped = track(exclusive.call('k', work, { signal: controller.signal }))
    controller.abort()
    await vi.advanceTimersByTimeAsync(79)
    expect(exclusive.size).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(exclusive.size).toBe(0)
    expect(work).not.toHaveBeenCalled()
    expect(dropped.status).toBe('rejected')
  })

  it('aborts the work signal only when every caller of the run has aborted, with the last reason', async () => {
    const exclusive = new Exclusive()
    const controllers = [new AbortController(), new AbortController()]
    let seen: AbortSignal | undefined
    let outcome = ''
    const work = async ({ signal }: { signal: AbortSignal }) => {
      seen = signal
      await new Promise((resolve) => signal.addEventListener('abort', resolve))
      outcome = 'stopped'
      return 'ignored'
    }
    const calls = controllers.map((controller) =>
      track(exclusive.call('k', work, { signal: controller.signal })),
    )
    await vi.advanceTimersByTimeAsync(0)
    controllers[0]?.abort('first')
    await vi.advanceTimersByTimeAsync(0)
    expect(calls[0]).toEqual({ status: 'rejected', reason: 'first' })
    expect(seen?.aborted).toBe(false)
    expect(exclusive.running('k')).toBe(true)
    controllers[1]?.abort('second')
    expect(seen?.aborted).toBe(true)
    expect(seen?.reason).toBe('second')
    await vi.advanceTimersByTimeAsync(0)
    expect(calls[1]).toEqual({ status: 'rejected', reason: 'second' })
    expect(outcome).toBe('stopped')
    expect(exclusive.size).toBe(0)
  })

  it('gives an already aborted signal to work that reads it only after every caller left', async () => {
    const exclusive = new Exclusive()
    const controller = new AbortController()
    let late: AbortSignal | undefined
    const call = track(
      exclusive.call(
        'k',
        async (context) => {
          await sleep(10)
          late = context.signal
        },
        { signal: controller.signal },
      ),
    )
    await vi.advanceTimersByTimeAsync(1)
    controller.abort('gone')
    await vi.advanceTimersByTimeAsync(10)
    expect(call.status).toBe('rejected')
    expect(late?.aborted).toBe(true)
    expect(late?.reason).toBe('gone')
  })

  it('rejects at once for an already aborted signal without creating a batch', async () => {
    const exclusive = new Exclusive()
    const work = vi.fn()
    const reason = new Error('before')
    await expect(exclusive.call('k', work, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    expect(exclusive.size).toBe(0)
    await vi.advanceTimersByTimeAsync(0)
    expect(work).not.toHaveBeenCalled()
  })

  it('removes its abort listener when the call settles', async () => {
    const exclusive = new Exclusive()
    const controller = new AbortController()
    const add = vi.spyOn(controller.signal, 'addEventListener')
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    for (let i = 0; i < 3; i++) await exclusive.call('k', () => i, { signal: controller.signal })
    await expect(
      exclusive.call('k', () => Promise.reject(new Error('x')), { signal: controller.signal }),
    ).rejects.toThrow('x')
    expect(add).toHaveBeenCalledTimes(4)
    expect(remove).toHaveBeenCalledTimes(4)
    expect(remove.mock.calls.map((call) => call[1])).toEqual(add.mock.calls.map((call) => call[1]))
  })
})

describe('Exclusive size and running()', () => {
  it('counts keys with any state and returns to 0', async () => {
    const exclusive = new Exclusive<string>()
    expect(exclusive.size).toBe(0)
    const a = exclusive.call('a', timed(10, 'a'))
    exclusive.start('b', timed(20, 'b'), { rateLimit: 50 })
    expect(exclusive.size).toBe(2)
    expect(exclusive.running('a')).toBe(false)
    await vi.advanceTimersByTimeAsync(0)
    expect(exclusive.running('a')).toBe(true)
    expect(exclusive.running('missing')).toBe(false)
    await vi.advanceTimersByTimeAsync(10)
    await a
    expect(exclusive.size).toBe(1)
    await vi.advanceTimersByTimeAsync(10)
    expect(exclusive.running('b')).toBe(false)
    expect(exclusive.size).toBe(1)
    await vi.advanceTimersByTimeAsync(30)
    expect(exclusive.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('Exclusive bad input', () => {
  it.each([
    ['a non-function work', 'k', 'work', undefined, TypeError, 'work must be a function, received "work"'],
    [
      'a negative wait',
      'k',
      () => 1,
      { wait: -1 },
      RangeError,
      'wait must be a finite number ≥ 0, received -1',
    ],
    ['a NaN wait', 'k', () => 1, { wait: Number.NaN }, RangeError, 'received NaN'],
    ['an infinite rateLimit', 'k', () => 1, { rateLimit: Number.POSITIVE_INFINITY }, RangeError, 'rateLimit'],
    ['a negative rateLimit', 'k', () => 1, { rateLimit: -5 }, RangeError, 'received -5'],
    ['a string wait', 'k', () => 1, { wait: '10' }, TypeError, 'wait must be a number of milliseconds'],
    ['options that are not an object', 'k', () => 1, 7, TypeError, 'options must be an object, received 7'],
    ['a signal that is not an AbortSignal', 'k', () => 1, { signal: 'x' }, TypeError, 'signal must be an'],
  ])('call() rejects %s and changes nothing', async (_, key, work, options, type, message) => {
    const exclusive = new Exclusive()
    const result = exclusive.call(key, work as never, options as never)
    await expect(result).rejects.toThrow(type)
    await expect(result).rejects.toThrow(`Cannot call Exclusive.call(): ${message}`.slice(0, 30))
    await expect(result).rejects.toThrow(message)
    expect(exclusive.size).toBe(0)
  })

  it('start() throws for bad input and changes nothing', () => {
    const exclusive = new Exclusive()
    expect(() => exclusive.start('k', null as never)).toThrow(
      new TypeError('Cannot call Exclusive.start(): work must be a function, received null'),
    )
    expect(() => exclusive.start('k', () => 1, { wait: -1 })).toThrow(RangeError)
    expect(() => exclusive.start('k', () => 1, { rateLimit: Number.NaN })).toThrow(RangeError)
    expect(() => exclusive.start('k', () => 1, 'x' as never)).toThrow(TypeError)
    expect(exclusive.size).toBe(0)
  })

  it('the constructor rejects bad options', () => {
    expect(() => new Exclusive(5 as never)).toThrow(
      new TypeError('Cannot create Exclusive: options must be an object, received 5'),
    )
    expect(() => new Exclusive({ onError: 'log' as never })).toThrow(
      new TypeError('Cannot create Exclusive: onError must be a function, received "log"'),
    )
    expect(new Exclusive({}).size).toBe(0)
  })
})
