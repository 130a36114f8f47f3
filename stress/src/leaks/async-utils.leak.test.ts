import {
  allSignals,
  anySignal,
  Cond,
  exponentialRetry,
  FatalError,
  linearAttempt,
  minDuration,
  onAbort,
  sleep,
  waitFor,
} from '@bigbuff/async-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { collected } from '../support/memory.js'
import { settle } from '../support/settle.js'
import { listeners } from '../support/signals.js'

const ignore = (): undefined => undefined

describe('async-utils leaves no timer, listener or retained object behind', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('anySignal/allSignals: dispose, or the result aborting, removes every listener from every input', () => {
    const inputs = [new AbortController(), new AbortController(), new AbortController()]
    const signals = inputs.map((c) => c.signal)
    const any = anySignal([...signals, null, undefined, signals[0]])
    const all = allSignals(signals)
    expect(signals.map(listeners)).toEqual([2, 2, 2])
    any.dispose()
    expect(signals.map(listeners)).toEqual([1, 1, 1])
    inputs[0]?.abort('first')
    inputs[1]?.abort('second')
    expect(all.signal.aborted).toBe(false)
    inputs[2]?.abort('third')
    expect(all.signal.aborted).toBe(true)
    expect(all.signal.reason).toBe('third')
    expect(any.signal.aborted, 'a disposed anySignal never aborts').toBe(false)
    const fresh = [new AbortController(), new AbortController()]
    const racing = anySignal(fresh.map((c) => c.signal))
    fresh[1]?.abort('won')
    expect(racing.signal.reason).toBe('won')
    expect(
      fresh.map((c) => listeners(c.signal)),
      'an aborted anySignal let go of its inputs',
    ).toEqual([0, 0])
  })

  it('a disposed combined signal is collected while its long-lived input lives', async () => {
    const longLived = new AbortController()
    const refs = (() => {
      const any = anySignal([longLived.signal])
      const all = allSignals([longLived.signal, new AbortController().signal])
      any.dispose()
      all[Symbol.dispose]()
      return { any: new WeakRef(any.signal), all: new WeakRef(all.signal) }
    })()
    expect(listeners(longLived.signal)).toBe(0)
    expect(await collected(refs.any)).toBe(true)
    expect(await collected(refs.all)).toBe(true)
  })

  it('onAbort, sleep, Cond.wait and waitFor remove their listeners when they settle or are disposed', async () => {
    const timers = vi.getTimerCount()
    const longLived = new AbortController()
    const signal = longLived.signal
    const disposable = onAbort(signal, ignore)
    expect(listeners(signal)).toBe(1)
    disposable[Symbol.dispose]()
    const cond = new Cond()
    let ready = false
    const waits = [sleep(10, { signal }), cond.wait({ signal }), waitFor(cond, () => ready, { signal })]
    // The three waits share the signal's one listener.
    expect(listeners(signal)).toBe(1)
    await vi.advanceTimersByTimeAsync(10)
    cond.signal()
    ready = true
    cond.broadcast()
    await Promise.all(waits)
    expect(cond.waiting).toBe(0)
    expect(listeners(signal)).toBe(0)
    expect(vi.getTimerCount()).toBe(timers)
  })

  it('Cond does not retain waiters that aborted', async () => {
    const cond = new Cond()
    const ref = await (async () => {
      const controller = new AbortController()
      const waiting = cond.wait({ signal: controller.signal })
      controller.abort(new Error('gone'))
      await waiting.catch(ignore)
      return new WeakRef(controller)
    })()
    expect(cond.waiting).toBe(0)
    expect(await collected(ref)).toBe(true)
  })

  it('linearAttempt: break, return and abort clear the timer and the listener', async () => {
    const timers = vi.getTimerCount()
    const longLived = new AbortController()
    const seen: number[] = []
    const loop = (async () => {
      for await (const at of linearAttempt(100, 10, { signal: longLived.signal })) {
        seen.push(at)
        if (seen.length === 3) break
      }
    })()
    await vi.advanceTimersByTimeAsync(250)
    await loop
    expect(seen).toHaveLength(3)
    expect(vi.getTimerCount()).toBe(timers)
    expect(listeners(longLived.signal)).toBe(0)
    const controller = new AbortController()
    const attempts = linearAttempt(100, 10, { signal: controller.signal })
    await attempts.next()
    const pending = attempts.next()
    controller.abort(new Error('stop'))
    await expect(pending).rejects.toThrow('stop')
    expect(vi.getTimerCount()).toBe(timers)
    expect(listeners(controller.signal)).toBe(0)
  })

  it('exponentialRetry and minDuration leave no timer or listener once settled', async () => {
    const timers = vi.getTimerCount()
    const longLived = new AbortController()
    let failures = 2
    const flaky = exponentialRetry(
      async (n: number) => {
        if (failures-- > 0) throw new Error('again')
        return n
      },
      { base: 10, random: () => 0.5, signal: longLived.signal },
    )
    const retrying = flaky(7)
    await vi.advanceTimersByTimeAsync(100)
    expect(await retrying).toBe(7)
    const fatal = exponentialRetry(() => Promise.reject(new FatalError(new FatalError('cause'))), {
      signal: longLived.signal,
    })
    await expect(fatal()).rejects.toBe('cause')
    const slow = minDuration(50, (x: number) => x * 2)
    const result = slow(4)
    await vi.advanceTimersByTimeAsync(50)
    expect(await result).toBe(8)
    await settle()
    expect(vi.getTimerCount()).toBe(timers)
    expect(listeners(longLived.signal)).toBe(0)
  })
})
