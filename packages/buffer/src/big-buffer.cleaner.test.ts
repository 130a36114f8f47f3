import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BigBuffer } from './big-buffer.js'
import { type Cleaner, defaultCleaner } from './cleaner.js'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** A cleaner that records each call's arguments and drops nothing. */
function recorder(): Cleaner & { calls: [number, number[]][] } {
  const calls: [number, number[]][] = []
  const cleaner = (size: number, offsets: readonly number[]) => {
    calls.push([size, [...offsets].sort((a, b) => a - b)])
    return 0
  }
  return Object.assign(cleaner, { calls })
}

describe('BigBuffer cleaner throttle', () => {
  it('runs at once on the first change (leading edge), then once when the cooldown ends (trailing edge)', async () => {
    const cleaner = recorder()
    const buffer = new BigBuffer<number>({ cleaner, cooldown: 100 })
    await buffer.put(1)
    expect(cleaner.calls).toEqual([[1, []]])
    await buffer.put(2)
    await buffer.put(3)
    await vi.advanceTimersByTimeAsync(99)
    expect(cleaner.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(cleaner.calls).toEqual([
      [1, []],
      [3, []],
    ])
    await vi.advanceTimersByTimeAsync(500)
    expect(cleaner.calls).toHaveLength(2)
  })

  it('runs no trailing edge when nothing changed during the cooldown, and leads again after it', async () => {
    const cleaner = recorder()
    const buffer = new BigBuffer<number>({ cleaner, cooldown: 50 })
    await buffer.put(1)
    await vi.advanceTimersByTimeAsync(200)
    expect(cleaner.calls).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
    await buffer.put(2)
    expect(cleaner.calls).toEqual([
      [1, []],
      [2, []],
    ])
  })

  it('runs at most once per cooldown under a steady stream of changes', async () => {
    const cleaner = recorder()
    const buffer = new BigBuffer<number>({ cleaner, cooldown: 10 })
    for (let i = 0; i < 100; i++) {
      await buffer.put(i)
      await vi.advanceTimersByTimeAsync(1)
    }
    // One run every 10 ms over 100 ms: the leading one at 0, then at 10, 20, … 100.
    expect(cleaner.calls).toHaveLength(11)
    expect(cleaner.calls.at(-1)).toEqual([100, []])
  })

  it('with cooldown 0 runs on every change: put, new consumer, commit, consumer closed', async () => {
    const cleaner = recorder()
    const buffer = new BigBuffer<number>({ cleaner, cooldown: 0 })
    await buffer.putAll([1, 2])
    const consumer = buffer.consumer()
    await consumer.get()
    await consumer.rollback()
    await consumer.get()
    await consumer.commit()
    await consumer.close()
    expect(cleaner.calls).toEqual([
      [2, []],
      [2, [0]],
      [2, [1]],
      [2, []],
    ])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('sees only committed offsets, relative to the front', async () => {
    const cleaner = vi.fn(defaultCleaner)
    const buffer = new BigBuffer<number>({ cleaner, cooldown: 0 })
    const first = buffer.consumer()
    const second = buffer.consumer()
    await buffer.putAll([1, 2, 3, 4])
    await first.get()
    await first.get()
    await first.commit()
    await second.get()
    await second.commit()
    expect(cleaner).toHaveBeenLastCalledWith(4, [2, 1])
    expect(buffer.slice()).toEqual([2, 3, 4])
    await first.get()
    await first.commit()
    expect(cleaner).toHaveBeenLastCalledWith(3, [2, 0])
    expect(buffer.slice()).toEqual([2, 3, 4])
  })

  it('unrefs its cooldown timer and leaves no timer after close()', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout')
    const buffer = new BigBuffer<number>({ cooldown: 1000 })
    await buffer.put(1)
    await buffer.put(2)
    expect(vi.getTimerCount()).toBe(1)
    const handle = setTimeoutSpy.mock.results[0]?.value as { hasRef(): boolean }
    expect(handle.hasRef()).toBe(false)
    await buffer.close()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('clamps the cleaner result to [0, size] and drops whole values', async () => {
    let result = 2.7
    const buffer = new BigBuffer<number>({ cleaner: () => result, cooldown: 0 })
    await buffer.putAll([1, 2, 3, 4])
    expect(buffer.slice()).toEqual([3, 4])
    result = -5
    await buffer.put(5)
    expect(buffer.slice()).toEqual([3, 4, 5])
    result = Number.POSITIVE_INFINITY
    await buffer.put(6)
    expect(buffer.size).toBe(0)
  })
})

describe('BigBuffer.setCleanerConfig()', () => {
  it('takes effect at the next cleanup', async () => {
    const before = recorder()
    const after = recorder()
    const buffer = new BigBuffer<number>({ cleaner: before, cooldown: 100 })
    await buffer.put(1)
    buffer.setCleanerConfig({ cleaner: after, cooldown: 0 })
    expect(buffer.cleanerConfig).toEqual({ cleaner: after, cooldown: 0 })
    await buffer.put(2)
    expect(after.calls).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(100)
    expect(before.calls).toHaveLength(1)
    expect(after.calls).toEqual([[2, []]])
    await buffer.put(3)
    expect(after.calls).toHaveLength(2)
    expect(vi.getTimerCount()).toBe(0)
  })

  it.each([
    ['config is not an object', null, TypeError, 'config must be an object, received null'],
    [
      'cleaner is not a function',
      { cleaner: 1, cooldown: 0 },
      TypeError,
      'cleaner must be a function, received 1',
    ],
    [
      'cooldown is not a number',
      { cleaner: defaultCleaner, cooldown: '1' },
      TypeError,
      'cooldown must be a number of milliseconds, received "1"',
    ],
    [
      'cooldown is negative',
      { cleaner: defaultCleaner, cooldown: -1 },
      RangeError,
      'cooldown must be a finite number ≥ 0, received -1',
    ],
    [
      'cooldown is NaN',
      { cleaner: defaultCleaner, cooldown: Number.NaN },
      RangeError,
      'cooldown must be a finite number ≥ 0, received NaN',
    ],
  ])('throws when %s and keeps the config', (_, config, type, message) => {
    const buffer = new BigBuffer<number>()
    const kept = buffer.cleanerConfig
    expect(() => buffer.setCleanerConfig(config as never)).toThrow(type)
    expect(() => buffer.setCleanerConfig(config as never)).toThrow(`Cannot set cleaner config: ${message}`)
    expect(buffer.cleanerConfig).toBe(kept)
  })
})

describe('BigBuffer cleaner failures', () => {
  it('a cleaner that throws closes the buffer and hands the error to onError', async () => {
    const failure = new Error('cleaner failed')
    const onError = vi.fn((error: unknown) => {
      expect(buffer.closed).toBe(true)
      return error
    })
    const buffer = new BigBuffer<number>({
      cleaner: () => {
        throw failure
      },
      cooldown: 10,
      onError,
    })
    await buffer.put(1)
    expect(onError).toHaveBeenCalledExactlyOnceWith(failure)
    expect(vi.getTimerCount()).toBe(0)
    await expect(buffer.put(2)).rejects.toMatchObject({ name: 'ClosedError' })
    await buffer.done
    expect(buffer.slice()).toEqual([1])
  })

  it('by default rethrows the cleaner error asynchronously', async () => {
    const failure = new Error('cleaner failed')
    const scheduled: (() => void)[] = []
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => void scheduled.push(task))
    const buffer = new BigBuffer<number>({
      cleaner: () => {
        throw failure
      },
    })
    await expect(buffer.put(1)).resolves.toBeUndefined()
    expect(buffer.closed).toBe(true)
    expect(scheduled).toHaveLength(1)
    expect(scheduled[0]).toThrow(failure)
  })

  it('an onError that throws has its error rethrown asynchronously', async () => {
    const thrown = new Error('onError failed')
    const scheduled: (() => void)[] = []
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => void scheduled.push(task))
    const buffer = new BigBuffer<number>({
      cleaner: () => {
        throw new Error('cleaner failed')
      },
      onError: () => {
        throw thrown
      },
    })
    await buffer.put(1)
    expect(scheduled).toHaveLength(1)
    expect(scheduled[0]).toThrow(thrown)
  })

  it.each([
    ['a non-number', () => '1', TypeError, 'received "1"'],
    ['a promise', () => Promise.resolve(1), TypeError, 'received [object Promise]'],
    ['NaN', () => Number.NaN, RangeError, 'received NaN'],
  ])(
    'a cleaner returning %s closes the buffer with an error to onError',
    async (_, cleaner, type, received) => {
      const onError = vi.fn()
      const buffer = new BigBuffer<number>({ cleaner: cleaner as never, cooldown: 0, onError })
      await buffer.put(1)
      expect(buffer.closed).toBe(true)
      const error = onError.mock.calls[0]?.[0] as Error
      expect(error).toBeInstanceOf(type)
      expect(error.message).toBe(
        `Cannot clean buffer: the cleaner must return a number of values to drop, ${received}`,
      )
    },
  )

  it('a cleaner that calls back into the buffer does not run again recursively', async () => {
    let buffer: BigBuffer<number> | undefined
    let calls = 0
    buffer = new BigBuffer<number>({
      cleaner: () => {
        calls++
        void buffer?.put(0)
        return 0
      },
      cooldown: 0,
    })
    await buffer.put(1)
    expect(calls).toBe(1)
    expect(buffer.slice()).toEqual([1, 0])
  })
})
