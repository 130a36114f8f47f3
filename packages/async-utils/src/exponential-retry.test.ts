import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { exponentialRetry } from './exponential-retry.js'
import { FatalError } from './fatal-error.js'

/** A `random` that returns `values` in turn. */
function sequence(...values: number[]): () => number {
  let i = 0
  return () => values[i++ % values.length] as number
}

describe('exponentialRetry()', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 })
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })

  it('resolves with the first success, passing arguments and this unchanged on every attempt', async () => {
    const seen: unknown[][] = []
    const target = { name: 'target' }
    let failures = 2
    const retrying = exponentialRetry(
      function (this: unknown, a: number, b: { x: number }) {
        seen.push([this, a, b])
        if (failures-- > 0) throw new Error('not yet')
        return a + b.x
      },
      { random: () => 0 },
    )
    const arg = { x: 2 }
    await expect(retrying.call(target, 1, arg)).resolves.toBe(3)
    expect(vi.getTimerCount()).toBe(0)
    expect(seen).toEqual([
      [target, 1, arg],
      [target, 1, arg],
      [target, 1, arg],
    ])
    expect(seen[2]?.[2]).toBe(arg)
  })

  it('a wait of 0 retries at once, without a timer', async () => {
    let calls = 0
    const retrying = exponentialRetry(
      async () => {
        if (++calls < 4) throw new Error('transient')
        return Date.now()
      },
      { base: 500, random: sequence(0.4, 0.2, 0.1) },
    )
    await expect(retrying()).resolves.toBe(0)
    expect(calls).toBe(4)
  })

  it('base 0 retries at once every time', async () => {
    let calls = 0
    const retrying = exponentialRetry(
      () => {
        if (++calls < 10) throw new Error('transient')
        return calls
      },
      { base: 0, random: () => 0.99 },
    )
    await expect(retrying()).resolves.toBe(10)
  })

  it('after the k-th failure waits floor(random() * 2^k) * base', async () => {
    const base = 10
    const randoms = [0.6, 0.3, 0.9, 0.5]
    const times: number[] = []
    const retrying = exponentialRetry(
      async () => {
        times.push(Date.now())
        if (times.length <= randoms.length) throw new Error('retry me')
        return 'ok'
      },
      { base, random: sequence(...randoms) },
    )
    const result = retrying()
    const expected = [0]
    randoms.forEach((r, k) => {
      expected.push((expected[k] as number) + Math.floor(r * 2 ** (k + 1)) * base)
    })
    // expected waits: 10, 10, 70, 80
    for (let k = 1; k < expected.length; k++) {
      const at = expected[k] as number
      await vi.advanceTimersByTimeAsync(at - 1 - Date.now())
      expect(times).toHaveLength(k)
      await vi.advanceTimersByTimeAsync(1)
      expect(times).toHaveLength(k + 1)
    }
    await expect(result).resolves.toBe('ok')
    expect(times).toEqual(expected)
  })

  it('defaults base to 300 ms and random to Math.random, read at each wait', async () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5)
    let calls = 0
    const retrying = exponentialRetry(() => {
      if (++calls === 1) throw new Error('once')
      return calls
    })
    const result = retrying()
    await vi.advanceTimersByTimeAsync(299)
    expect(calls).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    await expect(result).resolves.toBe(2)
    expect(random).toHaveBeenCalledTimes(1)
  })

  it('caps the exponent at 31', async () => {
    let failures = 0
    const random = vi.fn(() => (failures >= 32 ? 0.5 : 0))
    const retrying = exponentialRetry(
      () => {
        if (++failures <= 32) throw new Error('again')
        return failures
      },
      { base: 1, random },
    )
    const result = retrying()
    await vi.advanceTimersByTimeAsync(0)
    expect(failures).toBe(32)
    await vi.advanceTimersByTimeAsync(2 ** 30 - 1)
    expect(failures).toBe(32)
    await vi.advanceTimersByTimeAsync(1)
    await expect(result).resolves.toBe(33)
  })

  it('a FatalError stops retrying and rejects with its cause, unwrapped through nested FatalErrors', async () => {
    const cause = new Error('root cause')
    const fn = vi.fn(async () => {
      throw new FatalError(new FatalError(cause))
    })
    await expect(exponentialRetry(fn)()).rejects.toBe(cause)
    expect(fn).toHaveBeenCalledTimes(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a FatalError after ordinary failures stops retrying; any cause, undefined included, is passed on', async () => {
    let calls = 0
    const retrying = exponentialRetry(
      () => {
        if (++calls < 3) throw new Error('transient')
        throw new FatalError(undefined)
      },
      { random: () => 0 },
    )
    const outcome = retrying().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    )
    await expect(outcome).resolves.toEqual({ error: undefined })
    expect(calls).toBe(3)
  })

  it('recognises a FatalError from another copy of the package by its brand', async () => {
    class OtherFatalError extends Error {
      constructor(override readonly cause: unknown) {
        super('fatal')
      }
    }
    Object.defineProperty(OtherFatalError.prototype, Symbol.for('@bigbuff/async-utils.FatalError'), {
      value: true,
    })
    await expect(
      exponentialRetry(() => {
        throw new OtherFatalError('other')
      })(),
    ).rejects.toBe('other')
  })

  it('rejects at once with an already aborted signal, without calling fn', async () => {
    const fn = vi.fn(() => 1)
    await expect(exponentialRetry(fn, { signal: AbortSignal.abort('early') })()).rejects.toBe('early')
    expect(fn).not.toHaveBeenCalled()
  })

  it('abort interrupts the wait, rejects with the reason and clears the timer', async () => {
    const controller = new AbortController()
    const fn = vi.fn(() => {
      throw new Error('down')
    })
    const result = exponentialRetry(fn, { base: 1_000, random: () => 0.9, signal: controller.signal })()
    await vi.advanceTimersByTimeAsync(500)
    expect(vi.getTimerCount()).toBe(1)
    const reason = new Error('give up')
    controller.abort(reason)
    await expect(result).rejects.toBe(reason)
    expect(vi.getTimerCount()).toBe(0)
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('the signal is checked before every attempt', async () => {
    const controller = new AbortController()
    const fn = vi.fn(() => {
      controller.abort('during')
      throw new Error('failed')
    })
    await expect(exponentialRetry(fn, { random: () => 0, signal: controller.signal })()).rejects.toBe(
      'during',
    )
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('a result produced after an abort is still returned', async () => {
    const controller = new AbortController()
    const retrying = exponentialRetry(
      () => {
        controller.abort()
        return 'finished anyway'
      },
      { signal: controller.signal },
    )
    await expect(retrying()).resolves.toBe('finished anyway')
  })

  it('rejects with an error thrown by random(), unchanged', async () => {
    const error = new Error('no entropy')
    const retrying = exponentialRetry(
      () => {
        throw new Error('fail')
      },
      {
        random: () => {
          throw error
        },
      },
    )
    await expect(retrying()).rejects.toBe(error)
  })

  it.each([
    [1, RangeError, 'received 1'],
    [-0.1, RangeError, 'received -0.1'],
    [Number.NaN, RangeError, 'received NaN'],
    ['0.5', TypeError, 'received "0.5"'],
  ])('rejects when random() returns %s', async (value, type, received) => {
    const retrying = exponentialRetry(
      () => {
        throw new Error('fail')
      },
      { random: () => value as number },
    )
    const error = await retrying().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(type)
    expect((error as Error).message).toBe(
      `Cannot retry: random() must return a number in [0, 1), ${received}`,
    )
  })

  it('each call retries independently', async () => {
    let calls = 0
    const retrying = exponentialRetry(
      (id: string) => {
        calls++
        if (calls === 1) throw new Error('first call fails once')
        return id
      },
      { base: 100, random: () => 0.5 },
    )
    const a = retrying('a')
    const b = retrying('b')
    await expect(b).resolves.toBe('b')
    await vi.advanceTimersByTimeAsync(100)
    await expect(a).resolves.toBe('a')
    expect(calls).toBe(3)
  })
})
