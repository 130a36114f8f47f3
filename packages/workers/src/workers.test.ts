import { sleep } from '@bigbuff/test-utils'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Workers } from './workers.js'

/** Work that settles when the test says so. */
function gate<T = string>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject, work: () => promise }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('Workers.call()', () => {
  it('resolves with the work value and counts running and queued jobs', async () => {
    const workers = new Workers()
    const a = gate()
    const b = gate()
    const pa = workers.call(1, a.work)
    const pb = workers.call(1, b.work)
    expect(workers.count).toBe(1)
    expect(workers.pending).toBe(1)
    a.resolve('a')
    await expect(pa).resolves.toBe('a')
    expect(workers.count).toBe(1)
    expect(workers.pending).toBe(0)
    b.resolve('b')
    await expect(pb).resolves.toBe('b')
    expect(workers.count).toBe(0)
  })

  it('starts a job synchronously when a worker is free, and accepts plain values', async () => {
    const workers = new Workers()
    const work = vi.fn(() => 42)
    const result = workers.call(3, work)
    expect(work).toHaveBeenCalledTimes(1)
    await expect(result).resolves.toBe(42)
    expect(workers.count).toBe(0)
  })

  it('starts jobs in FIFO order', async () => {
    const workers = new Workers()
    const started: number[] = []
    const calls = Array.from({ length: 6 }, (_, i) =>
      workers.call(2, async () => {
        started.push(i)
        await sleep(10 * (6 - i))
        return i
      }),
    )
    await vi.advanceTimersByTimeAsync(1000)
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5])
    expect(started).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('rejects only the call whose work failed, including a synchronous throw', async () => {
    const workers = new Workers()
    const boom = new Error('boom')
    const sync = new Error('sync')
    const failed = workers.call(1, async () => {
      throw boom
    })
    const thrown = workers.call(1, () => {
      throw sync
    })
    const ok = workers.call(1, () => 'ok')
    await expect(failed).rejects.toBe(boom)
    await expect(thrown).rejects.toBe(sync)
    await expect(ok).resolves.toBe('ok')
  })

  it('accepts any thenable as the work result', async () => {
    const workers = new Workers()
    // biome-ignore lint/suspicious/noThenProperty: a thenable is exactly what this test needs
    const thenable = { then: (resolve: (value: string) => void) => resolve('then') }
    await expect(workers.call(1, () => thenable as PromiseLike<string>)).resolves.toBe('then')
  })

  it('gives work without a caller signal a signal that never aborts', async () => {
    const workers = new Workers()
    let seen: AbortSignal | undefined
    await workers.call(1, ({ signal }) => {
      seen = signal
    })
    expect(seen).toBeInstanceOf(AbortSignal)
    expect(seen?.aborted).toBe(false)
  })

  it('calls work with no `this`', async () => {
    const workers = new Workers()
    let self: unknown = 'unset'
    await workers.call(1, function (this: unknown) {
      self = this
    })
    expect(self).toBeUndefined()
  })
})

describe('Workers count changes', () => {
  it('raising count starts queued jobs at once', () => {
    const workers = new Workers()
    const g = gate()
    for (let i = 0; i < 5; i++) void workers.call(1, g.work)
    expect(workers.count).toBe(1)
    expect(workers.pending).toBe(4)
    void workers.call(4, g.work)
    expect(workers.count).toBe(4)
    expect(workers.pending).toBe(2)
    g.resolve('done')
  })

  it('lowering count never interrupts a running job; surplus workers stop as jobs finish', async () => {
    const workers = new Workers()
    const gates = Array.from({ length: 4 }, () => gate())
    const signals: AbortSignal[] = []
    for (const g of gates)
      void workers.call(4, ({ signal }) => {
        signals.push(signal)
        return g.promise
      })
    expect(workers.count).toBe(4)
    const later = gate()
    const queued = workers.call(1, later.work)
    expect(workers.count).toBe(4)
    expect(workers.pending).toBe(1)
    expect(signals.every((signal) => !signal.aborted)).toBe(true)
    gates[0]?.resolve('0')
    gates[1]?.resolve('1')
    gates[2]?.resolve('2')
    await vi.advanceTimersByTimeAsync(0)
    expect(workers.count).toBe(1)
    expect(workers.pending).toBe(1)
    gates[3]?.resolve('3')
    await vi.advanceTimersByTimeAsync(0)
    expect(workers.count).toBe(1)
    expect(workers.pending).toBe(0)
    later.resolve('later')
    await expect(queued).resolves.toBe('later')
  })

  it('never runs more jobs than the count in force, and never idles a worker while jobs wait', async () => {
    const step = fc.record({
      count: fc.integer({ min: 1, max: 5 }),
      duration: fc.integer({ min: 0, max: 30 }),
      gap: fc.integer({ min: 0, max: 10 }),
      sync: fc.boolean(),
    })
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const workers = new Workers()
        let target = 0
        let running = 0
        let violations = 0
        const started: number[] = []
        const calls: Promise<number>[] = []
        const check = () => {
          if (running > workers.count) violations++
          if (workers.count < target && workers.pending > 0) violations++
        }
        for (const [i, { count, duration, gap, sync }] of steps.entries()) {
          target = count
          calls.push(
            workers.call(count, async () => {
              running++
              if (workers.count > target || running > target) violations++
              started.push(i)
              if (!sync) await sleep(duration)
              running--
              return i
            }),
          )
          check()
          await vi.advanceTimersByTimeAsync(gap)
          check()
        }
        await vi.advanceTimersByTimeAsync(30 * steps.length)
        expect(await Promise.all(calls)).toEqual(steps.map((_, i) => i))
        expect(started).toEqual(steps.map((_, i) => i))
        expect(violations).toBe(0)
        expect(workers.count).toBe(0)
        expect(workers.pending).toBe(0)
      }),
      { numRuns: 60 },
    )
  })
})

describe('Workers.call() with a signal', () => {
  it('removes an aborted queued job and rejects with the reason', async () => {
    const workers = new Workers()
    const g = gate()
    const running = workers.call(1, g.work)
    const controller = new AbortController()
    const work = vi.fn(() => 'never')
    const queued = workers.call(1, work, { signal: controller.signal })
    const after = workers.call(1, () => 'after')
    expect(workers.pending).toBe(2)
    const reason = new Error('stop')
    controller.abort(reason)
    expect(workers.pending).toBe(1)
    await expect(queued).rejects.toBe(reason)
    g.resolve('first')
    await expect(running).resolves.toBe('first')
    await expect(after).resolves.toBe('after')
    expect(work).not.toHaveBeenCalled()
  })

  it('removes aborted jobs from the head, middle and tail of the queue', async () => {
    const workers = new Workers()
    const g = gate()
    void workers.call(1, g.work)
    const controllers = Array.from({ length: 5 }, () => new AbortController())
    const order: number[] = []
    const calls = controllers.map((controller, i) =>
      workers.call(1, () => order.push(i), { signal: controller.signal }).catch((error: unknown) => error),
    )
    for (const i of [4, 0, 2]) controllers[i]?.abort(`abort ${i}`)
    expect(workers.pending).toBe(2)
    g.resolve('go')
    const results = await Promise.all(calls)
    expect(results[0]).toBe('abort 0')
    expect(results[2]).toBe('abort 2')
    expect(results[4]).toBe('abort 4')
    expect(order).toEqual([1, 3])
  })

  it('aborts the running work signal and settles the call as the work does', async () => {
    const workers = new Workers()
    const controller = new AbortController()
    let seen: AbortSignal | undefined
    const call = workers.call(
      1,
      async ({ signal }) => {
        seen = signal
        await new Promise((resolve) => signal.addEventListener('abort', resolve))
        return 'finished after abort'
      },
      { signal: controller.signal },
    )
    expect(seen?.aborted).toBe(false)
    controller.abort(new Error('late'))
    expect(seen?.aborted).toBe(true)
    await expect(call).resolves.toBe('finished after abort')
  })

  it('stops listening to the caller signal once the job starts', async () => {
    const workers = new Workers()
    const controller = new AbortController()
    const g = gate()
    void workers.call(1, g.work)
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    const call = workers.call(1, () => 'ok', { signal: controller.signal })
    g.resolve('x')
    await expect(call).resolves.toBe('ok')
    expect(remove).toHaveBeenCalledTimes(1)
    controller.abort()
    expect(workers.pending).toBe(0)
  })

  it('rejects at once with the reason of an already aborted signal, queuing nothing', async () => {
    const workers = new Workers()
    const reason = new Error('already')
    const work = vi.fn()
    await expect(workers.call(1, work, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    expect(work).not.toHaveBeenCalled()
    expect(workers.count).toBe(0)
    expect(workers.pending).toBe(0)
  })
})

describe('Workers.wait()', () => {
  it('resolves at once when idle', async () => {
    const workers = new Workers()
    let done = false
    void workers.wait().then(() => (done = true))
    await Promise.resolve()
    expect(done).toBe(true)
  })

  it('resolves only when nothing runs or waits', async () => {
    const workers = new Workers()
    const durations = [50, 10, 30]
    for (const ms of durations) void workers.call(2, () => sleep(ms))
    let done = false
    const waiting = workers.wait().then(() => (done = true))
    const second = workers.wait()
    await vi.advanceTimersByTimeAsync(39)
    expect(done).toBe(false)
    expect(workers.count).toBe(2)
    void workers.call(2, () => sleep(20))
    await vi.advanceTimersByTimeAsync(20)
    expect(done).toBe(false)
    expect(workers.count + workers.pending).toBeGreaterThan(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(done).toBe(true)
    await waiting
    await expect(second).resolves.toBeUndefined()
    expect(workers.count).toBe(0)
    expect(workers.pending).toBe(0)
  })

  it('is not disturbed by failing or aborted jobs', async () => {
    const workers = new Workers()
    const controller = new AbortController()
    const failing = workers.call(1, () => sleep(5).then(() => Promise.reject(new Error('x'))))
    const failed = expect(failing).rejects.toThrow('x')
    const aborted = workers.call(1, () => 'never', { signal: controller.signal })
    const waited = workers.wait()
    controller.abort('gone')
    await expect(aborted).rejects.toBe('gone')
    await vi.advanceTimersByTimeAsync(5)
    await failed
    await expect(waited).resolves.toBeUndefined()
  })

  it('leaves no timers behind once idle', async () => {
    const workers = new Workers()
    await Promise.all([
      workers.call(2, () => sleep(5)),
      workers.call(2, () => 1),
      workers.wait(),
      vi.runAllTimersAsync(),
    ])
    expect(vi.getTimerCount()).toBe(0)
    expect(workers.count).toBe(0)
  })
})

describe('Workers.wrap()', () => {
  it('passes arguments through and limits concurrency with its count', async () => {
    const workers = new Workers()
    let running = 0
    let peak = 0
    const double = workers.wrap(2, async (x: number, label: string) => {
      running++
      peak = Math.max(peak, running)
      await sleep(10)
      running--
      return `${label}${x * 2}`
    })
    const results = Promise.all([1, 2, 3, 4, 5].map((x) => double(x, '=')))
    expect(workers.count).toBe(2)
    await vi.advanceTimersByTimeAsync(30)
    await expect(results).resolves.toEqual(['=2', '=4', '=6', '=8', '=10'])
    expect(peak).toBe(2)
  })

  it('validates count and fn at once', () => {
    const workers = new Workers()
    expect(() => workers.wrap(0, () => 1)).toThrow(RangeError)
    expect(() => workers.wrap(1, 'nope' as never)).toThrow(TypeError)
    expect(() => workers.wrap(1, 'nope' as never)).toThrow(
      'Cannot call Workers.wrap(): fn must be a function, received "nope"',
    )
  })
})

describe('Workers bad input', () => {
  it.each([
    [0, RangeError, 'Cannot call Workers.call(): count must be a positive integer, received 0'],
    [-1, RangeError, 'received -1'],
    [1.5, RangeError, 'received 1.5'],
    [Number.NaN, RangeError, 'received NaN'],
    [Number.POSITIVE_INFINITY, RangeError, 'received Infinity'],
    ['2', TypeError, 'received "2"'],
  ])('Workers.call() rejects count %s', async (count, type, message) => {
    const workers = new Workers()
    const work = vi.fn()
    const result = workers.call(count as number, work)
    await expect(result).rejects.toThrow(type)
    await expect(result).rejects.toThrow(message)
    expect(work).not.toHaveBeenCalled()
    expect(workers.count).toBe(0)
    expect(workers.pending).toBe(0)
  })

  it('Workers.call() rejects a non-function work and bad options without queuing', async () => {
    const workers = new Workers()
    const g = gate()
    void workers.call(1, g.work)
    await expect(workers.call(1, 42 as never)).rejects.toThrow(
      'Cannot call Workers.call(): work must be a function, received 42',
    )
    await expect(workers.call(1, () => 1, 'opts' as never)).rejects.toThrow(TypeError)
    await expect(workers.call(1, () => 1, { signal: {} as AbortSignal })).rejects.toThrow(
      'signal must be an AbortSignal',
    )
    expect(workers.pending).toBe(0)
    // A rejected call does not change the count in force either.
    await expect(workers.call(5, 'x' as never)).rejects.toThrow(TypeError)
    const next = workers.call(1, () => 'next')
    expect(workers.pending).toBe(1)
    g.resolve('x')
    await expect(next).resolves.toBe('next')
  })
})
